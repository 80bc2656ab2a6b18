import type { Carrier, NumberType, SearchCriteria } from './carrier.js';

/**
 * The built-in carrier for trying Belfry: a fixed pool of US numbers, no randomness and no I/O, so a
 * search gives the same answer on every instance and in every test. All numbers use the exchange 555
 * with lines 0100–0199, which the North American Numbering Plan keeps fictional: nobody can be
 * dialled by mistake, yet libphonenumber holds them valid.
 */

/** Local area codes of the pool with the city and state a search by City/State finds them under. */
export const SIMULATED_AREA_CODES: ReadonlyArray<{ areaCode: string; city: string; state: string }> = [
  { areaCode: '206', city: 'Seattle', state: 'WA' },
  { areaCode: '212', city: 'New York', state: 'NY' },
  { areaCode: '303', city: 'Denver', state: 'CO' },
  { areaCode: '305', city: 'Miami', state: 'FL' },
  { areaCode: '312', city: 'Chicago', state: 'IL' },
  { areaCode: '404', city: 'Atlanta', state: 'GA' },
  { areaCode: '415', city: 'San Francisco', state: 'CA' },
  { areaCode: '425', city: 'Bellevue', state: 'WA' },
  { areaCode: '503', city: 'Portland', state: 'OR' },
  { areaCode: '512', city: 'Austin', state: 'TX' },
  { areaCode: '617', city: 'Boston', state: 'MA' },
  { areaCode: '702', city: 'Las Vegas', state: 'NV' },
];

/** The US toll-free prefixes in service; the pool holds a hundred numbers under each. */
export const SIMULATED_TOLL_FREE_PREFIXES: readonly string[] = [
  '800',
  '833',
  '844',
  '855',
  '866',
  '877',
  '888',
];

const FIRST_LINE = 100;
const LAST_LINE = 199;

interface PoolNumber {
  e164: string;
  type: NumberType;
  /** The area code of a local number, the toll-free prefix of a toll-free one. */
  prefix: string;
  city?: string;
  state?: string;
}

/** Every number of the pool in ascending E.164 order (all are +1 and ten digits, so text order is numeric). */
function buildPool(): PoolNumber[] {
  const lines = (prefix: string) =>
    Array.from(
      { length: LAST_LINE - FIRST_LINE + 1 },
      (_, i) => `+1${prefix}555${String(FIRST_LINE + i).padStart(4, '0')}`,
    );
  const local = SIMULATED_AREA_CODES.flatMap(({ areaCode, city, state }) =>
    lines(areaCode).map((e164): PoolNumber => ({ e164, type: 'Local', prefix: areaCode, city, state })),
  );
  const tollFree = SIMULATED_TOLL_FREE_PREFIXES.flatMap((prefix) =>
    lines(prefix).map((e164): PoolNumber => ({ e164, type: 'TollFree', prefix })),
  );
  return [...local, ...tollFree].sort((a, b) => (a.e164 < b.e164 ? -1 : a.e164 > b.e164 ? 1 : 0));
}

/**
 * Each criterion narrows to the numbers that have that attribute: area code, city and state belong to
 * local numbers and the toll-free prefix to toll-free ones, so mixing the two kinds finds nothing.
 */
function matches(n: PoolNumber, c: SearchCriteria): boolean {
  if (c.type !== undefined && n.type !== c.type) return false;
  if (c.areaCode !== undefined && (n.type !== 'Local' || n.prefix !== c.areaCode.trim())) return false;
  if (c.tollFreePrefix !== undefined && (n.type !== 'TollFree' || n.prefix !== c.tollFreePrefix.trim()))
    return false;
  if (c.city !== undefined && n.city?.toLowerCase() !== c.city.trim().toLowerCase()) return false;
  if (c.state !== undefined && n.state !== c.state.trim().toUpperCase()) return false;
  return true;
}

/**
 * The simulated carrier. Stateless: `acquire` sells any pool number as often as asked and `release`
 * takes nothing back, because the domain's inventory is what says who owns a number.
 */
export function createSimulatedCarrier(): Carrier {
  const pool = buildPool();
  const inPool = new Set(pool.map((n) => n.e164));
  return {
    name: 'simulated',
    countries: () => [{ country: 'US', types: ['Local', 'TollFree'] }],
    async search(criteria, { after, limit }) {
      if (criteria.country.toUpperCase() !== 'US' || limit <= 0) return [];
      const found: string[] = [];
      for (const n of pool) {
        if (found.length >= limit) break;
        if ((after === undefined || n.e164 > after) && matches(n, criteria)) found.push(n.e164);
      }
      return found;
    },
    async acquire(e164s) {
      return e164s.map((e164) =>
        inPool.has(e164)
          ? { e164, acquired: true }
          : { e164, acquired: false, reason: "not in the carrier's inventory" },
      );
    },
    async release() {},
  };
}
