import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromPhoneNumberId, normalizeE164, toPhoneNumberId } from './e164.js';

const SEATTLE = { e164: '+12065550100', country: 'US', type: 'Local' };

describe('normalizeE164', () => {
  it('accepts the forms clients send for one number', () => {
    for (const input of [
      '+12065550100',
      '%2B12065550100',
      '%2b12065550100',
      '%252B12065550100',
      '12065550100',
      '+1 (206) 555-0100',
      '+1.206.555.0100',
      '  +12065550100  ',
    ]) {
      assert.deepEqual(normalizeE164(input), SEATTLE, input);
    }
  });

  it('tells toll-free numbers from local ones', () => {
    assert.deepEqual(normalizeE164('+18005550100'), {
      e164: '+18005550100',
      country: 'US',
      type: 'TollFree',
    });
    assert.deepEqual(normalizeE164('%2B18885550199'), {
      e164: '+18885550199',
      country: 'US',
      type: 'TollFree',
    });
  });

  it('gives the ISO alpha-2 country of numbers outside the US', () => {
    assert.deepEqual(normalizeE164('+442071838750'), { e164: '+442071838750', country: 'GB', type: 'Local' });
    assert.deepEqual(normalizeE164('+14165550100')?.country, 'CA');
    // Without a plus the digits carry their country code, as in E.164.
    assert.equal(normalizeE164('442071838750')?.e164, '+442071838750');
  });

  it('refuses what is not a valid number', () => {
    for (const input of [
      '',
      '+',
      '%2B',
      'abc',
      '+1206555010', // one digit short
      '+120655501000', // one digit long
      '+15555550100', // area code 555 is not assigned
      '+10005550100', // area codes never start with 0
      '2065550100', // a national number: no country code
      '+1-800-FLOWERS', // vanity letters are not E.164
      '+12065550100 ext. 5',
      'call +12065550100 now',
      '%2B%ZZ12065550100', // malformed escape
      '%2B+12065550100', // two pluses
      '+80012345678', // a global service number has no country
    ]) {
      assert.equal(normalizeE164(input), undefined, input);
    }
  });

  it('stops decoding after a few rounds', () => {
    // Triple-encoded still works; deeper nesting is refused rather than unwound forever.
    assert.equal(normalizeE164('%25252B12065550100')?.e164, '+12065550100');
    assert.equal(normalizeE164('%2525252B12065550100'), undefined);
  });
});

describe('PhoneNumberId', () => {
  it('encodes the plus as Chime echoes it', () => {
    assert.equal(toPhoneNumberId('+12065550100'), '%2B12065550100');
  });

  it('round-trips through fromPhoneNumberId', () => {
    for (const e164 of ['+12065550100', '+18005550100', '+442071838750']) {
      assert.equal(fromPhoneNumberId(toPhoneNumberId(e164)), e164);
    }
  });

  it('accepts the id in any form a client may send and refuses invalid ones', () => {
    assert.equal(fromPhoneNumberId('+12065550100'), '+12065550100');
    assert.equal(fromPhoneNumberId('%252B12065550100'), '+12065550100');
    assert.equal(fromPhoneNumberId('%2B1206555010'), undefined);
    assert.equal(fromPhoneNumberId('not-a-number'), undefined);
  });
});
