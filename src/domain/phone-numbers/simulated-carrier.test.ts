import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SearchCriteria } from './carrier.js';
import { normalizeE164 } from './e164.js';
import {
  SIMULATED_AREA_CODES,
  SIMULATED_TOLL_FREE_PREFIXES,
  createSimulatedCarrier,
} from './simulated-carrier.js';

const carrier = createSimulatedCarrier();
const ALL = 10_000;

/** Every number a search finds, without paging. */
function searchAll(criteria: Partial<SearchCriteria>): Promise<string[]> {
  return carrier.search({ country: 'US', ...criteria }, { limit: ALL });
}

describe('simulated carrier: pool', () => {
  it('holds 100 numbers per area code and per toll-free prefix, all valid E.164', async () => {
    const pool = await searchAll({});
    assert.equal(pool.length, (SIMULATED_AREA_CODES.length + SIMULATED_TOLL_FREE_PREFIXES.length) * 100);
    assert.equal(new Set(pool).size, pool.length);
    for (const e164 of pool) {
      const normalized = normalizeE164(e164);
      assert.equal(normalized?.e164, e164, e164);
      assert.equal(normalized?.country, 'US', e164);
      const tollFree = SIMULATED_TOLL_FREE_PREFIXES.includes(e164.slice(2, 5));
      assert.equal(normalized?.type, tollFree ? 'TollFree' : 'Local', e164);
    }
  });

  it('uses the fictional 555-0100..0199 lines', async () => {
    const seattle = await searchAll({ areaCode: '206' });
    assert.equal(seattle[0], '+12065550100');
    assert.equal(seattle.at(-1), '+12065550199');
    assert.ok(seattle.every((n) => /^\+120655501\d\d$/u.test(n)));
  });

  it('offers US local and toll-free numbers only', async () => {
    assert.deepEqual(carrier.countries(), [{ country: 'US', types: ['Local', 'TollFree'] }]);
    assert.deepEqual(await carrier.search({ country: 'CA' }, { limit: ALL }), []);
    assert.deepEqual(await carrier.search({ country: 'GB', type: 'Local' }, { limit: ALL }), []);
  });
});

describe('simulated carrier: search filters', () => {
  it('by area code', async () => {
    const found = await searchAll({ areaCode: '425' });
    assert.equal(found.length, 100);
    assert.ok(found.every((n) => n.startsWith('+1425555')));
    assert.deepEqual(await searchAll({ areaCode: '999' }), []);
  });

  it('by city, ignoring case, and by state', async () => {
    const sf = await searchAll({ city: 'san francisco', state: 'CA' });
    assert.equal(sf.length, 100);
    assert.ok(sf.every((n) => n.startsWith('+1415')));
    assert.deepEqual(await searchAll({ city: 'SEATTLE' }), await searchAll({ areaCode: '206' }));
    // Washington has two area codes in the pool.
    const wa = await searchAll({ state: 'WA' });
    assert.equal(wa.length, 200);
    assert.deepEqual(new Set(wa.map((n) => n.slice(2, 5))), new Set(['206', '425']));
    assert.deepEqual(await searchAll({ state: 'wa' }), wa);
    assert.deepEqual(await searchAll({ city: 'Seattle', state: 'NY' }), []);
  });

  it('by toll-free prefix and type', async () => {
    const tollFree = await searchAll({ type: 'TollFree' });
    assert.equal(tollFree.length, SIMULATED_TOLL_FREE_PREFIXES.length * 100);
    const prefix877 = await searchAll({ tollFreePrefix: '877' });
    assert.equal(prefix877.length, 100);
    assert.ok(prefix877.every((n) => n.startsWith('+1877555')));
    assert.deepEqual(await searchAll({ tollFreePrefix: '877', type: 'TollFree' }), prefix877);
    const local = await searchAll({ type: 'Local' });
    assert.equal(local.length, SIMULATED_AREA_CODES.length * 100);
    assert.ok(local.every((n) => !tollFree.includes(n)));
  });

  it('finds nothing when the filters name different kinds of number', async () => {
    assert.deepEqual(await searchAll({ tollFreePrefix: '800', type: 'Local' }), []);
    assert.deepEqual(await searchAll({ areaCode: '206', type: 'TollFree' }), []);
    assert.deepEqual(await searchAll({ areaCode: '800' }), []);
    assert.deepEqual(await searchAll({ state: 'WA', tollFreePrefix: '800' }), []);
  });
});

describe('simulated carrier: paging', () => {
  it('returns ascending pages after the given number, at most limit long', async () => {
    const all = await searchAll({ state: 'WA' });
    assert.deepEqual([...all].sort(), all);
    const first = await carrier.search({ country: 'US', state: 'WA' }, { limit: 3 });
    assert.deepEqual(first, all.slice(0, 3));
    const second = await carrier.search({ country: 'US', state: 'WA' }, { after: first.at(-1)!, limit: 3 });
    assert.deepEqual(second, all.slice(3, 6));
  });

  it('walks the whole result in pages without gaps or repeats', async () => {
    const all = await searchAll({ state: 'WA' });
    const walked: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await carrier.search({ country: 'US', state: 'WA' }, { after, limit: 37 });
      if (page.length === 0) break;
      walked.push(...page);
      after = page.at(-1);
    }
    assert.deepEqual(walked, all);
  });

  it('pages after a number the result does not hold, and stops at the end', async () => {
    const seattle = await searchAll({ areaCode: '206' });
    // Between two pool numbers and before the whole pool.
    assert.deepEqual(
      await carrier.search({ country: 'US', areaCode: '206' }, { after: '+12065550150', limit: 2 }),
      ['+12065550151', '+12065550152'],
    );
    assert.deepEqual(
      await carrier.search({ country: 'US', areaCode: '206' }, { after: '+1000', limit: 1 }),
      seattle.slice(0, 1),
    );
    assert.deepEqual(
      await carrier.search({ country: 'US', areaCode: '206' }, { after: '+12065550199', limit: 5 }),
      [],
    );
    assert.deepEqual(await carrier.search({ country: 'US', areaCode: '206' }, { limit: 0 }), []);
  });

  it('is deterministic across calls and carrier instances', async () => {
    const again = createSimulatedCarrier();
    const criteria: SearchCriteria = { country: 'US', type: 'Local' };
    const a = await carrier.search(criteria, { after: '+13035550150', limit: 25 });
    assert.deepEqual(await carrier.search(criteria, { after: '+13035550150', limit: 25 }), a);
    assert.deepEqual(await again.search(criteria, { after: '+13035550150', limit: 25 }), a);
    assert.equal(a[0], '+13035550151');
  });
});

describe('simulated carrier: acquire and release', () => {
  it('acquires pool numbers and refuses others with a reason, in the order asked', async () => {
    const results = await carrier.acquire(['+12065550100', '+12065550200', '+18005550199', '+19995550100']);
    assert.deepEqual(results, [
      { e164: '+12065550100', acquired: true },
      { e164: '+12065550200', acquired: false, reason: "not in the carrier's inventory" },
      { e164: '+18005550199', acquired: true },
      { e164: '+19995550100', acquired: false, reason: "not in the carrier's inventory" },
    ]);
  });

  it('is stateless: an acquired number is still found and can be acquired again', async () => {
    await carrier.acquire(['+12125550100']);
    assert.equal((await searchAll({ areaCode: '212' }))[0], '+12125550100');
    assert.deepEqual(await carrier.acquire(['+12125550100']), [{ e164: '+12125550100', acquired: true }]);
    await carrier.release('+12125550100');
    assert.equal((await searchAll({ areaCode: '212' })).length, 100);
  });

  it('names every area code with its city and two-letter state', () => {
    assert.equal(SIMULATED_AREA_CODES.length, 12);
    assert.deepEqual(
      SIMULATED_AREA_CODES.find((a) => a.areaCode === '206'),
      { areaCode: '206', city: 'Seattle', state: 'WA' },
    );
    assert.ok(SIMULATED_AREA_CODES.every((a) => /^[A-Z]{2}$/u.test(a.state) && /^\d{3}$/u.test(a.areaCode)));
  });
});
