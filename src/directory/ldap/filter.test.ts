import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterParser } from 'ldapts';
import { allOf, escapeFilterValue, filterSyntaxError, parenthesized } from './filter.js';

test('the characters RFC 4515 reserves are escaped as \\XX', () => {
  assert.equal(escapeFilterValue('a*b(c)d\\e\0f'), 'a\\2ab\\28c\\29d\\5ce\\00f');
});

test('an escaped DN with its own backslashes survives the round trip through a filter', () => {
  const dn = 'CN=Smith\\, Alice (Eng),CN=Users,DC=corp,DC=example,DC=test';
  const filter = `(member:1.2.840.113556.1.4.1941:=${escapeFilterValue(dn)})`;
  const parsed = FilterParser.parseString(filter) as unknown as { value: string };
  assert.equal(parsed.value, dn);
});

test('a login of * matches only a literal star', () => {
  assert.equal(escapeFilterValue('*'), '\\2a');
  assert.equal(escapeFilterValue('jörg@corp.example'), 'jörg@corp.example');
});

test('filters are wrapped and combined', () => {
  assert.equal(parenthesized(' objectClass=user '), '(objectClass=user)');
  assert.equal(parenthesized('(objectClass=user)'), '(objectClass=user)');
  assert.equal(allOf('(a=1)'), '(a=1)');
  assert.equal(allOf('(a=1)', '(b=2)'), '(&(a=1)(b=2))');
});

test('well-formed filters pass the syntax check', () => {
  for (const filter of [
    '(&(objectCategory=person)(objectClass=user))',
    '(&(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))',
    '(|(mail=a\\2ab)(cn=Smith*)(sAMAccountName=*))',
    '(member:1.2.840.113556.1.4.1941:=CN=a\\5c\\2c b,DC=x)',
    '(uSNChanged>=4012)',
    '(memberOf;binary=x)',
  ]) {
    assert.equal(filterSyntaxError(filter), undefined, filter);
  }
});

test('malformed filters are named, not widened', () => {
  for (const filter of [
    '(&(objectClass=user)',
    '(objectClass=user))',
    'objectClass=user',
    '(objectClass=us(er)',
    '(=user)',
    '(cn=a\\zz)',
    '(cn>=a*)',
    '(!(a=1)(b=2))',
  ]) {
    assert.ok(filterSyntaxError(filter), filter);
  }
});
