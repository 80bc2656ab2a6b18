import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { extensionOperations } from './extensions.js';
import { operations } from './generated/model.js';
import { buildRouteGroups, selectCandidate, type RouteGroup } from './routes.js';

const groups = buildRouteGroups();
const allSpecs = [...Object.values(operations), ...Object.values(extensionOperations)];

function groupOf(method: string, template: string): RouteGroup {
  const path = template.replace(/\{(\w+)\}/g, ':$1');
  const group = groups.find((g) => g.method === method && g.path === path);
  assert.ok(group, `no route group for ${method} ${path}`);
  return group;
}

/** The operation a request reaches, or undefined. */
function operationFor(method: string, template: string, query: Record<string, string>): string | undefined {
  return selectCandidate(groupOf(method, template), query)?.spec.name;
}

describe('buildRouteGroups', () => {
  it('covers the 62 model operations and the extensions, each once', () => {
    assert.equal(Object.keys(operations).length, 62);
    const names = groups.flatMap((g) => g.candidates.map((c) => c.spec.name)).sort();
    assert.deepEqual(names, allSpecs.map((s) => s.name).sort());
  });

  it('never gives two operations of a group the same literal', () => {
    for (const group of groups) {
      const literals = group.candidates.map((c) => (c.literal ? c.literal.join('=') : '(none)'));
      assert.equal(
        new Set(literals).size,
        literals.length,
        `${group.method} ${group.path}: ${literals.join(', ')}`,
      );
    }
  });

  it('keeps label names in path order', () => {
    assert.deepEqual(groupOf('GET', '/accounts/{AccountId}/users/{UserId}/settings').labels, [
      'AccountId',
      'UserId',
    ]);
  });
});

describe('selectCandidate', () => {
  it('reaches every operation from its own method, path and literal, whatever the other parameters', () => {
    for (const spec of allSpecs) {
      const [template, literal] = spec.uri.split('?') as [string, string | undefined];
      const query: Record<string, string> = {
        'max-results': '5',
        'next-token': 'abc',
        'user-email': 'a@b.c',
      };
      if (literal) {
        const [key, value] = literal.split('=') as [string, string];
        query[key] = value;
      }
      assert.equal(operationFor(spec.method, template, query), spec.name, spec.uri);
    }
  });

  it('picks the literal operation over the one without a literal on the same path', () => {
    const path = '/accounts/{AccountId}/users';
    assert.equal(operationFor('POST', path, {}), 'BatchUpdateUser');
    assert.equal(operationFor('POST', path, { operation: 'create' }), 'CreateUser');
    assert.equal(
      operationFor('POST', path, { 'max-results': '3', operation: 'add', type: 'x' }),
      'InviteUsers',
    );
    assert.equal(operationFor('POST', '/accounts/{AccountId}', {}), 'UpdateAccount');
    assert.equal(operationFor('POST', '/accounts/{AccountId}', { operation: 'restore' }), 'RestoreAccount');
  });

  it('matches nothing for an unknown operation value, rather than the operation without a literal', () => {
    assert.equal(operationFor('POST', '/accounts/{AccountId}/users', { operation: 'delete' }), undefined);
    assert.equal(operationFor('POST', '/accounts/{AccountId}', { operation: '' }), undefined);
    assert.equal(operationFor('POST', '/phone-numbers', { operation: 'batch-restore' }), undefined);
  });

  it('matches nothing on a path whose every operation needs a literal, when it is missing', () => {
    assert.equal(operationFor('POST', '/phone-numbers', {}), undefined);
    assert.equal(operationFor('GET', '/search', {}), undefined);
    assert.equal(operationFor('GET', '/search', { 'area-code': '206', country: 'US' }), undefined);
    assert.equal(operationFor('GET', '/search', { type: 'users' }), undefined);
    assert.equal(
      operationFor('GET', '/search', { 'area-code': '206', type: 'phone-numbers' }),
      'SearchAvailablePhoneNumbers',
    );
  });
});

describe('route groups in a Fastify router', () => {
  it('send each concrete URL to its operation, with labels decoded', async () => {
    const app = Fastify();
    for (const group of groups) {
      app.route({
        method: group.method as 'GET',
        url: group.path,
        handler: async (request) => ({
          operation: selectCandidate(group, request.query as Record<string, string>)?.spec.name,
          params: request.params,
        }),
      });
    }
    const labelValues: Record<string, string> = { AccountId: 'a%201%2Fx', PhoneNumberId: '%2B12065550100' };
    try {
      for (const spec of allSpecs) {
        const [template, literal] = spec.uri.split('?') as [string, string | undefined];
        const path = template.replace(/\{(\w+)\}/g, (_, name: string) => labelValues[name] ?? `${name}-1`);
        const url = literal ? `${path}?max-results=2&${literal}` : path;
        const response = await app.inject({ method: spec.method as 'GET', url });
        assert.equal(response.statusCode, 200, `${spec.method} ${url}`);
        const body = response.json() as { operation: string; params: Record<string, string> };
        assert.equal(body.operation, spec.name, `${spec.method} ${url}`);
        if (template.includes('{AccountId}')) assert.equal(body.params.AccountId, 'a 1/x');
        if (template.includes('{PhoneNumberId}')) assert.equal(body.params.PhoneNumberId, '+12065550100');
      }
    } finally {
      await app.close();
    }
  });
});
