import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Phone numbers are stored and compared in E.164 (`+12065550100`) only; everything that arrives from
 * the wire goes through `normalizeE164` first. Validity comes from libphonenumber's metadata (the
 * `max` set, which is the one that knows number types, so toll-free can be told apart from local).
 */
export interface NormalizedNumber {
  e164: string;
  /** ISO 3166-1 alpha-2, as the model's `Alpha2CountryCode` and `PhoneNumber.Country` expect. */
  country: string;
  type: 'Local' | 'TollFree';
}

/**
 * Chime clients send `PhoneNumberId` as `%2B1…` in the path; a proxy or a careless client can encode
 * it once more (`%252B1…`). A few rounds cover both without letting a crafted id loop for long.
 */
const MAX_DECODE_ROUNDS = 3;

/**
 * Only digits, one leading `+` and the punctuation people write numbers with. libphonenumber itself
 * would also take vanity letters (`1-800-FLOWERS`) and extensions, which are not E.164 identifiers.
 */
const PHONE_CHARACTERS = /^\+?[\d\s().-]+$/u;

/**
 * The E.164 form, country and Chime number type of `input`, or undefined when it is not a valid number.
 * Accepts `+12065550100`, `%2B12065550100`, `%252B12065550100`, `12065550100` and `+1 (206) 555-0100`.
 * Without a `+` the digits are read as E.164 with its country code (as the model's
 * `^\+?[1-9]\d{1,14}$` means), never as a national number of some default country. Numbers with no
 * country of their own (global services such as +800) are refused: every inventory number has one.
 */
export function normalizeE164(input: string): NormalizedNumber | undefined {
  const decoded = percentDecodePlus(input.trim());
  if (decoded === undefined || !PHONE_CHARACTERS.test(decoded)) return undefined;
  const parsed = parsePhoneNumberFromString(decoded.startsWith('+') ? decoded : `+${decoded}`, {
    extract: false,
  });
  if (parsed === undefined || !parsed.isValid() || parsed.country === undefined) return undefined;
  return {
    e164: parsed.number,
    country: parsed.country,
    type: parsed.getType() === 'TOLL_FREE' ? 'TollFree' : 'Local',
  };
}

/** The wire id of a number: `%2B12065550100`, as Chime echoes `PhoneNumberId` in responses. */
export function toPhoneNumberId(e164: string): string {
  return e164.startsWith('+') ? `%2B${e164.slice(1)}` : e164;
}

/** The E.164 number a `PhoneNumberId` (`%2B1…`, `+1…`, double-encoded) names, or undefined. */
export function fromPhoneNumberId(id: string): string | undefined {
  return normalizeE164(id)?.e164;
}

/** Decodes while the value still starts with an encoded `+` (`%2B`) or an encoded `%` (`%25`). */
function percentDecodePlus(value: string): string | undefined {
  let current = value;
  for (let round = 0; round < MAX_DECODE_ROUNDS && /^%(2B|25)/iu.test(current); round++) {
    try {
      current = decodeURIComponent(current);
    } catch {
      return undefined; // malformed escapes: not a number anyone could have meant
    }
  }
  return current;
}
