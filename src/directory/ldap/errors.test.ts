import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AdminLimitExceededError,
  InappropriateMatchingError,
  NoSuchObjectError,
  OperationsError,
  ProtocolError,
  SizeLimitExceededError,
  TimeLimitExceededError,
  UnavailableCriticalExtensionError,
} from 'ldapts';
import { isTransportFailure, searchFailure, tlsProblem } from './errors.js';

const kind = (error: unknown, pages = 0) => searchFailure(error, 'searching users', pages).kind;

test('a server that stops the answer makes it truncated, never a short list', () => {
  assert.equal(kind(new SizeLimitExceededError('Size limit exceeded')), 'truncated');
  assert.equal(kind(new TimeLimitExceededError()), 'truncated');
  assert.equal(kind(new AdminLimitExceededError()), 'truncated');
  assert.equal(kind(new Error('Connection closed before message response was received.')), 'truncated');
  assert.equal(kind(new Error('Socket connection not established')), 'truncated');
});

test('any error after the first page is truncated: the paged search ended early', () => {
  assert.equal(kind(new OperationsError('paged results cookie invalid'), 1), 'truncated');
  assert.equal(kind(new NoSuchObjectError(), 3), 'truncated');
});

test('first-page errors name their cause', () => {
  assert.equal(kind(new NoSuchObjectError()), 'no_such_base');
  assert.equal(kind(new ProtocolError()), 'invalid_filter');
  assert.equal(kind(new InappropriateMatchingError()), 'invalid_filter');
  assert.equal(kind(new UnavailableCriticalExtensionError()), 'protocol');
  assert.equal(kind(new OperationsError('Operation unavailable without authentication')), 'protocol');
});

test('TLS and transport failures are told apart', () => {
  const tls = Object.assign(new Error('unable to verify the first certificate'), {
    code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  });
  assert.match(tlsProblem(tls) ?? '', /not signed by the configured CA/);
  assert.equal(tlsProblem(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), undefined);
  assert.ok(isTransportFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
  assert.ok(isTransportFailure(new Error('Connection timeout')));
  assert.ok(!isTransportFailure(new NoSuchObjectError()));
});
