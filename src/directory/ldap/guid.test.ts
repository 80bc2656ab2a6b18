import assert from 'node:assert/strict';
import { test } from 'node:test';
import { guidFromBytes } from './guid.js';

test('objectGUID bytes become the canonical string, first three fields little-endian', () => {
  // {00112233-4455-6677-8899-aabbccddeeff} as AD stores it on the wire
  const wire = Buffer.from('33221100554477668899aabbccddeeff', 'hex');
  assert.equal(guidFromBytes(wire), '00112233-4455-6677-8899-aabbccddeeff');
});

test('a GUID that is not 16 bytes is refused, not padded', () => {
  assert.equal(guidFromBytes(Buffer.alloc(15)), undefined);
  assert.equal(guidFromBytes(Buffer.alloc(17)), undefined);
});

test('upper-case hex never appears', () => {
  assert.equal(guidFromBytes(Buffer.alloc(16, 0xab)), 'abababab-abab-abab-abab-abababababab');
});
