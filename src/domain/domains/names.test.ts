import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../errors.js';
import { domainOfEmail, normalizeDomainName } from './names.js';

describe('normalizeDomainName', () => {
  it('lower-cases, drops a trailing dot and turns international names into punycode', () => {
    assert.equal(normalizeDomainName(' Acme.Example. '), 'acme.example');
    assert.equal(normalizeDomainName('bücher.example'), 'xn--bcher-kva.example');
  });

  for (const bad of [
    '',
    'localhost',
    '10.0.0.1',
    '-acme.example',
    'a b.example',
    'http://acme.example',
    'gmail.com',
    `${'a'.repeat(64)}.example`,
    `${'abcdefghi.'.repeat(26)}example`,
  ])
    it(`refuses ${JSON.stringify(bad.slice(0, 30))}`, () => {
      assert.throws(
        () => normalizeDomainName(bad),
        (e: unknown) => e instanceof DomainError && e.kind === 'InvalidInput',
      );
    });
});

describe('domainOfEmail', () => {
  it('finds the normalised domain of an address, or nothing', () => {
    assert.equal(domainOfEmail('Ann@Acme.Example'), 'acme.example');
    assert.equal(domainOfEmail('no-at-sign'), undefined);
  });
});
