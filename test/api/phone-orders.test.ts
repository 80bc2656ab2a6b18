import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  BadRequestException,
  ConflictException,
  CreatePhoneNumberOrderCommand,
  ForbiddenException,
  GetPhoneNumberCommand,
  GetPhoneNumberOrderCommand,
  ListPhoneNumberOrdersCommand,
  ListSupportedPhoneNumberCountriesCommand,
  NotFoundException,
  paginateListPhoneNumberOrders,
  paginateSearchAvailablePhoneNumbers,
  ResourceLimitExceededException,
  SearchAvailablePhoneNumbersCommand,
  type ChimeClient,
  type PhoneNumberProductType,
} from '@aws-sdk/client-chime';
import { newAccountId } from '../helpers/accounts.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

// The simulated carrier's pool: 12 US area codes and 7 toll-free prefixes, lines 555-0100..0199.
// All tests of a suite share one inventory, so each test works in area codes no other test here orders from.
const line = (prefix: string, n: number) => `+1${prefix}555${String(n).padStart(4, '0')}`;

async function search(chime: ChimeClient, filters: Record<string, string | number>): Promise<string[]> {
  const out = await chime.send(new SearchAvailablePhoneNumbersCommand({ MaxResults: 500, ...filters }));
  return out.E164PhoneNumbers ?? [];
}

async function placeOrder(chime: ChimeClient, numbers: string[], product: PhoneNumberProductType) {
  const out = await chime.send(
    new CreatePhoneNumberOrderCommand({ ProductType: product, E164PhoneNumbers: numbers }),
  );
  assert.equal(out.$metadata.httpStatusCode, 201);
  return out.PhoneNumberOrder!;
}

async function statusOf(chime: ChimeClient, e164: string): Promise<string | undefined> {
  return (await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: e164 }))).PhoneNumber?.Status;
}

await eachDialect('phone number search and orders', (server) => {
  it('refuses searches that break Chime rules', async () => {
    const chime = server().client();
    const refused: Array<[Record<string, string | number>, RegExp]> = [
      [{}, /AreaCode, City, State or TollFreePrefix/],
      [{ City: 'Seattle' }, /City needs State/],
      [{ Country: 'GB' }, /PhoneNumberType is required/],
      [{ Country: 'GB', AreaCode: '20', PhoneNumberType: 'Local' }, /only PhoneNumberType/],
      [{ Country: 'gb', PhoneNumberType: 'Local' }, /Country/i],
      [{ TollFreePrefix: '801' }, /TollFreePrefix/i],
      [{ AreaCode: '206', MaxResults: 0 }, /MaxResults/i],
      [{ AreaCode: '206', MaxResults: 501 }, /MaxResults/i],
    ];
    for (const [filters, message] of refused)
      await rejectsWith(
        chime.send(new SearchAvailablePhoneNumbersCommand(filters)),
        BadRequestException,
        message,
      );
    // Outside the US the type alone is a valid search; the simulated carrier sells nothing there.
    assert.deepEqual(await search(chime, { Country: 'GB', PhoneNumberType: 'Local' }), []);
    assert.deepEqual(await search(chime, { Country: 'US', AreaCode: '206', MaxResults: 1 }), [
      line('206', 100),
    ]);
  });

  it('filters by area code, city and state, state, and toll-free prefix', async () => {
    const chime = server().client();
    const seattle = await search(chime, { AreaCode: '206' });
    assert.equal(seattle.length, 100);
    assert.deepEqual(seattle.slice(0, 2), [line('206', 100), line('206', 101)]);
    assert.ok(seattle.every((e) => e.startsWith('+1206555')));
    assert.deepEqual(await search(chime, { City: 'Seattle', State: 'WA' }), seattle);
    // Washington holds 206 (Seattle) and 425 (Bellevue).
    const washington = await search(chime, { State: 'WA' });
    assert.equal(washington.length, 200);
    assert.deepEqual(new Set(washington.map((e) => e.slice(0, 5))), new Set(['+1206', '+1425']));
    const tollFree = await search(chime, { TollFreePrefix: '800' });
    assert.equal(tollFree.length, 100);
    assert.ok(tollFree.every((e) => e.startsWith('+1800555')));
    assert.deepEqual(await search(chime, { City: 'Seattle', State: 'NY' }), []);
    const local = await search(chime, { State: 'WA', PhoneNumberType: 'TollFree' });
    assert.deepEqual(local, []);
  });

  it('pages through results with NextToken and the SDK paginator', async () => {
    const chime = server().client();
    const first = await chime.send(
      new SearchAvailablePhoneNumbersCommand({ AreaCode: '212', MaxResults: 30 }),
    );
    assert.equal(first.E164PhoneNumbers?.length, 30);
    assert.ok(first.NextToken);
    const second = await chime.send(
      new SearchAvailablePhoneNumbersCommand({ AreaCode: '212', MaxResults: 30, NextToken: first.NextToken }),
    );
    assert.equal(second.E164PhoneNumbers?.[0], line('212', 130));
    // A token belongs to its query.
    await rejectsWith(
      chime.send(new SearchAvailablePhoneNumbersCommand({ AreaCode: '415', NextToken: first.NextToken })),
      BadRequestException,
      /NextToken/,
    );
    const pages: string[][] = [];
    for await (const page of paginateSearchAvailablePhoneNumbers(
      { client: chime, pageSize: 30 },
      { AreaCode: '212' },
    ))
      pages.push(page.E164PhoneNumbers ?? []);
    assert.deepEqual(
      pages.map((p) => p.length),
      [30, 30, 30, 10],
    );
    assert.deepEqual(pages.flat(), await search(chime, { AreaCode: '212' }));
  });

  it('no longer offers numbers once they are ordered', async () => {
    const chime = server().client();
    const wanted = [line('303', 100), line('303', 150)];
    await placeOrder(chime, wanted, 'BusinessCalling');
    // Even before the carrier answers, the numbers are spoken for.
    const pending = await search(chime, { AreaCode: '303' });
    assert.equal(pending.length, 98);
    assert.ok(!pending.includes(wanted[0]!) && !pending.includes(wanted[1]!));
    await server().runJobs();
    const paged: string[] = [];
    for await (const page of paginateSearchAvailablePhoneNumbers(
      { client: chime, pageSize: 49 },
      { AreaCode: '303' },
    ))
      paged.push(...(page.E164PhoneNumbers ?? []));
    assert.deepEqual(paged, pending);
  });

  it('lists supported countries per product type, which is required', async () => {
    const chime = server().client();
    const countries = async (ProductType: PhoneNumberProductType) =>
      (await chime.send(new ListSupportedPhoneNumberCountriesCommand({ ProductType }))).PhoneNumberCountries;
    assert.deepEqual(await countries('BusinessCalling'), [
      { CountryCode: 'US', SupportedPhoneNumberTypes: ['Local'] },
    ]);
    assert.deepEqual(await countries('VoiceConnector'), [
      { CountryCode: 'US', SupportedPhoneNumberTypes: ['Local', 'TollFree'] },
    ]);
    const missing = await signedFetch(server().url, server().operator, {
      method: 'GET',
      path: '/phone-number-countries',
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.errorType, 'BadRequestException');
    await rejectsWith(
      chime.send(new ListSupportedPhoneNumberCountriesCommand({ ProductType: 'Pager' as never })),
      BadRequestException,
      /ProductType/i,
    );
  });

  it('lets ReadOnly and UserManagement keys read supported countries, searches and orders; an account-limited key none', async () => {
    const countries = new ListSupportedPhoneNumberCountriesCommand({ ProductType: 'BusinessCalling' });
    const orders = new ListPhoneNumberOrdersCommand({ MaxResults: 1 });
    for (const policy of ['ReadOnly', 'UserManagement'] as const) {
      const reader = server().client(await server().createKey(policy));
      assert.deepEqual(
        (await reader.send(countries)).PhoneNumberCountries,
        [{ CountryCode: 'US', SupportedPhoneNumberTypes: ['Local'] }],
        policy,
      );
      assert.equal((await search(reader, { AreaCode: '206', MaxResults: 1 })).length, 1, policy);
      assert.equal((await reader.send(orders)).$metadata.httpStatusCode, 200, policy);
    }
    // What the carrier offers belongs to the installation, as its inventory and orders do.
    const scoped = server().client(
      await server().createKey('ReadOnly', await newAccountId(server().client())),
    );
    const refused = [
      () => scoped.send(countries),
      () => search(scoped, { AreaCode: '206' }),
      () => scoped.send(orders),
    ];
    for (const read of refused) await rejectsWith(read(), ForbiddenException, /limited to account/);
  });

  it('fulfils an order of pool numbers: Processing, then Successful with the numbers Unassigned', async () => {
    const chime = server().client();
    const numbers = [line('305', 101), line('305', 100)];
    const order = await placeOrder(chime, numbers, 'BusinessCalling');
    assert.match(order.PhoneNumberOrderId ?? '', /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);
    assert.equal(order.Status, 'Processing');
    assert.equal(order.ProductType, 'BusinessCalling');
    assert.ok(order.CreatedTimestamp instanceof Date);
    assert.deepEqual(order.OrderedPhoneNumbers, [
      { E164PhoneNumber: line('305', 100), Status: 'Processing' },
      { E164PhoneNumber: line('305', 101), Status: 'Processing' },
    ]);
    assert.equal(await statusOf(chime, line('305', 100)), 'AcquireInProgress');
    await server().runJobs();
    const done = await chime.send(
      new GetPhoneNumberOrderCommand({ PhoneNumberOrderId: order.PhoneNumberOrderId }),
    );
    assert.equal(done.PhoneNumberOrder?.Status, 'Successful');
    assert.deepEqual(
      done.PhoneNumberOrder?.OrderedPhoneNumbers?.map((n) => n.Status),
      ['Acquired', 'Acquired'],
    );
    for (const e164 of numbers) {
      const { PhoneNumber } = await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: e164 }));
      assert.equal(PhoneNumber?.Status, 'Unassigned');
      assert.equal(PhoneNumber?.ProductType, 'BusinessCalling');
      assert.equal(PhoneNumber?.Type, 'Local');
      assert.equal(PhoneNumber?.Country, 'US');
    }
  });

  it('ends Partial when some numbers are not the carrier’s, and Failed when none are', async () => {
    const chime = server().client();
    // 555-0300 and up are valid numbers, but outside the simulated carrier's pool.
    const partial = await placeOrder(chime, [line('312', 100), line('206', 300)], 'BusinessCalling');
    const failed = await placeOrder(chime, [line('312', 300), line('415', 301)], 'VoiceConnector');
    assert.equal(await statusOf(chime, line('206', 300)), 'AcquireInProgress');
    await server().runJobs();
    const get = async (id: string) =>
      (await chime.send(new GetPhoneNumberOrderCommand({ PhoneNumberOrderId: id }))).PhoneNumberOrder!;
    const p = await get(partial.PhoneNumberOrderId!);
    assert.equal(p.Status, 'Partial');
    assert.deepEqual(p.OrderedPhoneNumbers, [
      { E164PhoneNumber: line('206', 300), Status: 'Failed' },
      { E164PhoneNumber: line('312', 100), Status: 'Acquired' },
    ]);
    assert.equal(await statusOf(chime, line('312', 100)), 'Unassigned');
    assert.equal(await statusOf(chime, line('206', 300)), 'AcquireFailed');
    const f = await get(failed.PhoneNumberOrderId!);
    assert.equal(f.Status, 'Failed');
    assert.ok(f.OrderedPhoneNumbers?.every((n) => n.Status === 'Failed'));
    assert.equal(await statusOf(chime, line('415', 301)), 'AcquireFailed');
  });

  it('refuses bad orders and places nothing', async () => {
    const chime = server().client();
    const before = (await chime.send(new ListPhoneNumberOrdersCommand({ MaxResults: 99 }))).PhoneNumberOrders;
    await placeOrder(chime, [line('404', 100)], 'BusinessCalling');
    await server().runJobs();
    const after1 = (await chime.send(new ListPhoneNumberOrdersCommand({ MaxResults: 99 }))).PhoneNumberOrders;
    const send = (numbers: string[], ProductType: PhoneNumberProductType = 'BusinessCalling') =>
      chime.send(new CreatePhoneNumberOrderCommand({ ProductType, E164PhoneNumbers: numbers }));
    await rejectsWith(send([line('404', 101), line('800', 100)]), BadRequestException, /[Tt]oll-free/);
    await rejectsWith(send([line('404', 102), line('404', 100)]), ConflictException, /\+14045550100/);
    await rejectsWith(send([line('404', 103), '+19995550100']), BadRequestException, /\+19995550100/);
    await rejectsWith(send([line('404', 104), 'not-a-number']), BadRequestException, /E164PhoneNumber/i);
    await rejectsWith(send([]), BadRequestException, /at least one/);
    const tooMany = Array.from({ length: 501 }, (_, i) => `+1206555${String(1000 + i)}`);
    await rejectsWith(send(tooMany), ResourceLimitExceededException, /500/);
    // A toll-free number may serve a Voice Connector, which proves the earlier refusal was the product.
    await placeOrder(chime, [line('800', 100)], 'VoiceConnector');
    const after2 = (await chime.send(new ListPhoneNumberOrdersCommand({ MaxResults: 99 }))).PhoneNumberOrders;
    assert.equal(after1?.length, (before?.length ?? 0) + 1);
    assert.equal(after2?.length, (after1?.length ?? 0) + 1);
    for (const n of [101, 102, 103, 104])
      await rejectsWith(
        chime.send(new GetPhoneNumberCommand({ PhoneNumberId: line('404', n) })),
        NotFoundException,
        /not found/,
      );
  });

  it('gets an order by id: a malformed id is BadRequest, an unknown one NotFound', async () => {
    const chime = server().client();
    const order = await placeOrder(chime, [line('503', 100)], 'SipMediaApplicationDialIn');
    const got = await chime.send(
      new GetPhoneNumberOrderCommand({ PhoneNumberOrderId: order.PhoneNumberOrderId!.toUpperCase() }),
    );
    assert.equal(got.PhoneNumberOrder?.PhoneNumberOrderId, order.PhoneNumberOrderId);
    assert.equal(got.PhoneNumberOrder?.ProductType, 'SipMediaApplicationDialIn');
    await rejectsWith(
      chime.send(new GetPhoneNumberOrderCommand({ PhoneNumberOrderId: 'not-a-guid' })),
      BadRequestException,
      /PhoneNumberOrderId/i,
    );
    await rejectsWith(
      chime.send(
        new GetPhoneNumberOrderCommand({ PhoneNumberOrderId: '00000000-0000-4000-8000-000000000000' }),
      ),
      NotFoundException,
      /not found/,
    );
  });

  it('lists orders in pages of 1 to 99', async () => {
    const chime = server().client();
    for (const n of [110, 111, 112]) await placeOrder(chime, [line('512', n)], 'VoiceConnector');
    const all = (await chime.send(new ListPhoneNumberOrdersCommand({}))).PhoneNumberOrders ?? [];
    assert.ok(all.length >= 5);
    const first = await chime.send(new ListPhoneNumberOrdersCommand({ MaxResults: 2 }));
    assert.equal(first.PhoneNumberOrders?.length, 2);
    assert.ok(first.NextToken);
    const paged = [];
    for await (const page of paginateListPhoneNumberOrders({ client: chime, pageSize: 2 }, {}))
      paged.push(...(page.PhoneNumberOrders ?? []));
    assert.deepEqual(
      paged.map((o) => o.PhoneNumberOrderId),
      all.map((o) => o.PhoneNumberOrderId),
    );
    assert.equal(new Set(paged.map((o) => o.PhoneNumberOrderId)).size, paged.length);
    for (const MaxResults of [0, 100])
      await rejectsWith(
        chime.send(new ListPhoneNumberOrdersCommand({ MaxResults })),
        BadRequestException,
        /MaxResults/i,
      );
  });

  it('imports numbers the operator already owns, reporting those already in the inventory', async () => {
    const chime = server().client();
    const importNumbers = (
      E164PhoneNumbers: string[],
      ProductType = 'BusinessCalling',
      key = server().operator,
    ) =>
      signedFetch(server().url, key, {
        method: 'POST',
        path: '/phone-numbers',
        query: { operation: 'import' },
        body: { ProductType, E164PhoneNumbers },
      });
    // Not from the carrier's pool: imported numbers need no carrier.
    const first = await importNumbers([line('617', 400), '+1 (617) 555-0401']);
    assert.equal(first.status, 201);
    assert.deepEqual(first.json, {
      ImportedPhoneNumbers: [line('617', 400), line('617', 401)],
      AlreadyOwnedPhoneNumbers: [],
    });
    assert.equal(await statusOf(chime, line('617', 401)), 'Unassigned');
    const invalid = await importNumbers([line('617', 402), '+19995550100']);
    assert.equal(invalid.status, 400);
    assert.equal(invalid.errorType, 'BadRequestException');
    await rejectsWith(
      chime.send(new GetPhoneNumberCommand({ PhoneNumberId: line('617', 402) })),
      NotFoundException,
      /not found/,
    );
    const tollFree = await importNumbers([line('888', 400)]);
    assert.equal(tollFree.status, 400);
    const again = await importNumbers([line('617', 400), line('617', 403)], 'VoiceConnector');
    assert.equal(again.status, 201);
    assert.deepEqual(again.json, {
      ImportedPhoneNumbers: [line('617', 403)],
      AlreadyOwnedPhoneNumbers: [line('617', 400)],
    });
    const reader = await server().createKey('ReadOnly');
    const refused = await importNumbers([line('617', 404)], 'BusinessCalling', reader);
    assert.equal(refused.errorType, 'ForbiddenException');
    // The owned number kept its product type.
    const owned = await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: line('617', 400) }));
    assert.equal(owned.PhoneNumber?.ProductType, 'BusinessCalling');
  });
});
