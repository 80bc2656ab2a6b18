import { LdapFailure } from '../types.js';

/** An entry's attributes as the server named them (`member;range=0-1499`), values normalised. */
export type AttributeValues = Record<string, string[]>;

/** Reads one more range of the entry: asked as `member;range=1500-*`, answered as the server names it. */
export type ReadRange = (request: string) => Promise<AttributeValues>;

interface Range {
  low: number;
  /** undefined for `*`: the last range */
  high: number | undefined;
  values: string[];
}

/** AD's MaxValRange is 1,500 (5,000 on new forests): 10,000 rounds is 15 million values. */
const maxRounds = 10_000;

function findRange(attribute: string, answer: AttributeValues): Range | undefined {
  const pattern = new RegExp(`^${attribute};range=(\\d+)-(\\d+|\\*)$`, 'i');
  for (const [name, values] of Object.entries(answer)) {
    const match = pattern.exec(name);
    if (!match) continue;
    const high = match[2] === '*' ? undefined : Number(match[2]);
    return { low: Number(match[1]), high, values };
  }
  return undefined;
}

function valuesOf(attribute: string, answer: AttributeValues): string[] {
  const key = Object.keys(answer).find((name) => name.toLowerCase() === attribute.toLowerCase());
  return key ? (answer[key] ?? []) : [];
}

/**
 * Every value of a multi-valued attribute, following AD's ranged retrieval: above MaxValRange
 * values AD answers `member` empty plus `member;range=0-1499`, and the rest must be asked for
 * range by range until the upper bound is `*`. A reader that stops at the first answer sees a
 * big group as empty — and strips everyone's tier. A range that skips, repeats, goes backwards,
 * carries the wrong number of values or never ends fails as `truncated`.
 */
export async function readAllValues(
  attribute: string,
  entryDn: string,
  first: AttributeValues,
  readRange: ReadRange,
): Promise<string[]> {
  let range = findRange(attribute, first);
  if (!range) return valuesOf(attribute, first);
  const values: string[] = [];
  let expectedLow = 0;
  for (let round = 0; round < maxRounds; round++) {
    checkRange(attribute, entryDn, range, expectedLow);
    values.push(...range.values);
    if (range.high === undefined) return values;
    expectedLow = range.high + 1;
    const answer = await readRange(`${attribute};range=${expectedLow}-*`);
    const next = findRange(attribute, answer);
    if (!next)
      throw truncated(
        attribute,
        entryDn,
        `the read of ${attribute};range=${expectedLow}-* returned no range`,
      );
    range = next;
  }
  throw truncated(attribute, entryDn, `the ranges did not end after ${maxRounds} reads`);
}

function checkRange(attribute: string, entryDn: string, range: Range, expectedLow: number): void {
  const name = `${attribute};range=${range.low}-${range.high ?? '*'}`;
  if (range.low !== expectedLow) {
    throw truncated(attribute, entryDn, `${name} answered where ${expectedLow} was asked for`);
  }
  if (range.high !== undefined && range.high < range.low) {
    throw truncated(attribute, entryDn, `${name} goes backwards`);
  }
  if (range.high !== undefined && range.values.length !== range.high - range.low + 1) {
    throw truncated(attribute, entryDn, `${name} carried ${range.values.length} values`);
  }
}

function truncated(attribute: string, entryDn: string, why: string): LdapFailure {
  return new LdapFailure(
    'truncated',
    `the ${attribute} values of ${entryDn} could not be read to the end: ${why}`,
  );
}
