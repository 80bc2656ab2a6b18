import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { newInventoryNumber } from '../../src/domain/phone-numbers/rules.js';
import { normalizeE164 } from '../../src/domain/phone-numbers/e164.js';
import type { PhoneNumberRecord, PhoneNumberStatus, ProductType } from '../../src/store/phone-numbers.js';

/** What the scenarios need to know of a seeded number to predict a page of the listing. */
export interface SeededNumber {
  e164: string;
  status: PhoneNumberStatus;
  productType: ProductType;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** How many area codes the inventory spreads over: an operator's numbers come from many, not all. */
const AREA_CODES = 100;

/**
 * An inventory of `count` US local numbers, the same on every run (a fixed-seed generator): 70%
 * Unassigned, 20% Assigned, 10% DeleteInProgress; Assigned numbers are Business Calling (only those
 * go to users), the others 85% Business Calling and 15% Voice Connector. The i-th Assigned number
 * go to users of `userIds`, spread evenly over them.
 * Exchange 555 is left out, so no number is one the simulated carrier sells.
 */
export function benchPhoneNumbers(
  count: number,
  accountId: string,
  userIds: string[],
  now: number,
): PhoneNumberRecord[] {
  const random = mulberry32(0x5eed);
  const pick = (n: number) => Math.floor(random() * n);
  const areaCodes = geographicAreaCodes();
  const e164s = new Set<string>();
  while (e164s.size < count) {
    const exchange = 200 + pick(800);
    if (exchange % 100 === 11 || exchange === 555) continue; // N11 codes are services, 555 the carrier's
    const line = String(pick(10_000)).padStart(4, '0');
    e164s.add(`+1${areaCodes[pick(areaCodes.length)]!}${exchange}${line}`);
  }
  const plan = [...e164s].map((e164) => {
    const draw = random();
    const status: PhoneNumberStatus =
      draw < 0.7 ? 'Unassigned' : draw < 0.9 ? 'Assigned' : 'DeleteInProgress';
    const productType: ProductType =
      status === 'Assigned' || random() < 0.85 ? 'BusinessCalling' : 'VoiceConnector';
    return { e164, status, productType };
  });
  // Spread over the users, one number each; with fewer users than Assigned numbers the rest stay Unassigned.
  const holders = Math.min(plan.filter((n) => n.status === 'Assigned').length, userIds.length);
  let nextUser = 0;
  // Each record is made by the inventory's own rule and then set as the plan says, in place: a
  // million spread copies of a seventeen-field record took most of a seed's time.
  return plan.map(({ e164, status, productType }, i): PhoneNumberRecord => {
    const createdAt = new Date(now - 90 * DAY_MS + i).toISOString();
    const record = newInventoryNumber(
      { e164, country: 'US', type: 'Local' },
      productType,
      { source: 'import' },
      createdAt,
    );
    if (status === 'Assigned') {
      const user = nextUser++;
      if (user >= holders) return record; // stays Unassigned
      const associatedAt = new Date(now - 30 * DAY_MS + i).toISOString();
      record.status = status;
      record.accountId = accountId;
      record.userId = userIds[Math.floor((user * userIds.length) / holders)];
      record.associatedAt = associatedAt;
      record.updatedAt = associatedAt;
    } else if (status === 'DeleteInProgress') {
      // Deleted within the last week, so still in the 7-day queue (jobs are off in the bench anyway).
      const deletedAt = now - pick(6 * DAY_MS);
      record.status = status;
      record.deletedAt = new Date(deletedAt).toISOString();
      record.releaseAfter = new Date(deletedAt + 7 * DAY_MS).toISOString();
      record.updatedAt = record.deletedAt;
    } else record.status = status;
    return record;
  });
}

/** Checks every 97th number the way the API checks an E.164 number it is given. */
export function checkSample(numbers: PhoneNumberRecord[]): void {
  for (let i = 0; i < numbers.length; i += 97) {
    const normalized = normalizeE164(numbers[i]!.e164);
    if (normalized?.e164 !== numbers[i]!.e164 || normalized.country !== 'US' || normalized.type !== 'Local')
      throw new Error(`generated ${numbers[i]!.e164}, which is not a valid US local number`);
  }
}

/**
 * AREA_CODES area codes spread over 201..989 that libphonenumber knows as geographic (not toll-free,
 * premium or personal-communications codes such as 800, 900 or 500).
 */
function geographicAreaCodes(): number[] {
  const geographic: number[] = [];
  for (let code = 201; code <= 989; code++) {
    const probe = parsePhoneNumberFromString(`+1${code}2345678`);
    if (probe?.isValid() && probe.country === 'US' && probe.getType() === 'FIXED_LINE_OR_MOBILE')
      geographic.push(code);
  }
  const step = geographic.length / AREA_CODES;
  return Array.from({ length: AREA_CODES }, (_, i) => geographic[Math.floor(i * step)]!);
}

/** A small seeded generator: the same inventory on every run, without a dependency. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
