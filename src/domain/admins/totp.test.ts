import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base32Decode, base32Encode, hotp, matchTotp, totpStep, totpUri } from './totp.js';

// RFC 6238 Appendix B, SHA-1 column: the seed "12345678901234567890", 8-digit codes.
const seed = Buffer.from('12345678901234567890', 'ascii');
const vectors: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

test('the TOTP codes of RFC 6238 appendix B', () => {
  for (const [seconds, code] of vectors)
    assert.equal(hotp(seed, totpStep(new Date(seconds * 1000)), 8), code, `T = ${seconds}`);
});

test('the HOTP codes of RFC 4226 appendix D', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676'];
  expected.forEach((code, counter) => assert.equal(hotp(seed, counter), code));
});

test('base32 round trip, as RFC 4648 spells it', () => {
  assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
  assert.equal(base32Decode('MZXW6YTBOI======').toString(), 'foobar');
  assert.equal(base32Decode(base32Encode(seed)).toString(), seed.toString());
});

test('a 6-digit code matches its own step and one step either side, nothing further', () => {
  const secret = base32Encode(seed);
  const at = new Date(1_111_111_111_000);
  const step = totpStep(at);
  const code = (s: number) => hotp(seed, s);
  assert.equal(matchTotp(secret, code(step), at), step);
  assert.equal(matchTotp(secret, code(step - 1), at), step - 1);
  assert.equal(matchTotp(secret, code(step + 1), at), step + 1);
  assert.equal(matchTotp(secret, code(step - 2), at), undefined);
  assert.equal(matchTotp(secret, '12345', at), undefined);
  assert.equal(matchTotp(secret, 'abcdef', at), undefined);
  assert.equal(matchTotp(secret, ` ${code(step).slice(0, 3)} ${code(step).slice(3)} `, at), step);
});

test('the otpauth URI names the issuer and the account', () => {
  const uri = totpUri('JBSWY3DPEHPK3PXP', 'ops@example.com');
  assert.match(uri, /^otpauth:\/\/totp\/Belfry%3Aops%40example\.com\?secret=JBSWY3DPEHPK3PXP&issuer=Belfry/);
});
