import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adSubCode, describeSubCode, refusalReason } from './ad-codes.js';

const diagnostic = (code: string) =>
  `80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data ${code}, v1db1 Code: 0x31`;

test('every documented sub-code maps to its reason', () => {
  const expected = {
    '52e': 'wrong_password',
    '525': 'no_such_user',
    '530': 'logon_restricted',
    '531': 'logon_restricted',
    '532': 'password_expired',
    '533': 'disabled',
    '701': 'account_expired',
    '773': 'must_change_password',
    '775': 'locked_out',
  };
  for (const [code, reason] of Object.entries(expected))
    assert.equal(refusalReason(diagnostic(code)), reason, code);
});

test('the sub-code is found in any case; a message without one is a wrong password', () => {
  assert.equal(adSubCode(diagnostic('52E')), '52e');
  assert.equal(adSubCode('Invalid credentials'), undefined);
  assert.equal(refusalReason('Invalid credentials'), 'wrong_password');
  assert.equal(refusalReason(diagnostic('999')), 'wrong_password');
});

test('an administrator reads what the sub-code means', () => {
  assert.equal(describeSubCode(diagnostic('775')), 'AD sub-code 775: the account is locked out');
  assert.equal(describeSubCode(diagnostic('999')), 'AD sub-code 999');
  assert.equal(describeSubCode('no code here'), undefined);
});
