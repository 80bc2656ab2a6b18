import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  AssociatePhoneNumberWithUserCommand,
  BadRequestException,
  BatchUpdatePhoneNumberCommand,
  ConflictException,
  CreatePhoneNumberOrderCommand,
  CreateUserCommand,
  ForbiddenException,
  GetGlobalSettingsCommand,
  GetPhoneNumberCommand,
  GetPhoneNumberSettingsCommand,
  ListPhoneNumbersCommand,
  NotFoundException,
  paginateListPhoneNumbers,
  UpdateGlobalSettingsCommand,
  UpdatePhoneNumberCommand,
  UpdatePhoneNumberSettingsCommand,
  type ChimeClient,
  type ListPhoneNumbersCommandInput,
  type PhoneNumberProductType,
} from '@aws-sdk/client-chime';
import { DAY_MS } from '../../src/lib/clock.js';
import { newAccountId, uniqueEmail } from '../helpers/accounts.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import type { TestServer } from '../helpers/server.js';
import { eachDialect } from '../helpers/suite.js';

// Numbers of the simulated carrier's pool (555-0100..0199); each test orders from its own area code,
// since the tests of a suite share one inventory.
const line = (prefix: string, n: number) => `+1${prefix}555${String(n).padStart(4, '0')}`;

/** Orders the numbers and lets the carrier job run, so they are in the inventory (Unassigned). */
async function acquire(server: TestServer, numbers: string[], product: PhoneNumberProductType) {
  await server
    .client()
    .send(new CreatePhoneNumberOrderCommand({ ProductType: product, E164PhoneNumbers: numbers }));
  await server.runJobs();
}

async function listed(chime: ChimeClient, input: ListPhoneNumbersCommandInput) {
  return (await chime.send(new ListPhoneNumbersCommand({ MaxResults: 99, ...input }))).PhoneNumbers ?? [];
}

async function getNumber(chime: ChimeClient, id: string) {
  return (await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: id }))).PhoneNumber!;
}

/** A registered user in a fresh account holding `e164`. */
async function assign(chime: ChimeClient, e164: string) {
  const accountId = await newAccountId(chime);
  const { User } = await chime.send(new CreateUserCommand({ AccountId: accountId, Email: uniqueEmail() }));
  const userId = User!.UserId!;
  await chime.send(
    new AssociatePhoneNumberWithUserCommand({ AccountId: accountId, UserId: userId, E164PhoneNumber: e164 }),
  );
  return { accountId, userId };
}

await eachDialect('phone number inventory', (server) => {
  it('lists numbers by status and product type', async () => {
    const chime = server().client();
    const business = [100, 101, 102].map((n) => line('415', n));
    const voice = [103, 104].map((n) => line('415', n));
    await acquire(server(), business, 'BusinessCalling');
    await acquire(server(), voice, 'VoiceConnector');
    // Outside the carrier's pool, so its order fails.
    await acquire(server(), [line('415', 300)], 'BusinessCalling');
    const ids = (numbers: Array<{ E164PhoneNumber?: string }>) => numbers.map((n) => n.E164PhoneNumber);
    const voiceUnassigned = await listed(chime, { Status: 'Unassigned', ProductType: 'VoiceConnector' });
    assert.ok(voiceUnassigned.every((n) => n.Status === 'Unassigned' && n.ProductType === 'VoiceConnector'));
    assert.deepEqual(
      ids(voiceUnassigned).filter((e) => e?.startsWith('+1415')),
      voice,
    );
    const business415 = ids(await listed(chime, { ProductType: 'BusinessCalling' })).filter((e) =>
      e?.startsWith('+1415'),
    );
    assert.deepEqual(business415, [...business, line('415', 300)]);
    const failed = await listed(chime, { Status: 'AcquireFailed' });
    assert.deepEqual(ids(failed), [line('415', 300)]);
    await rejectsWith(
      chime.send(new ListPhoneNumbersCommand({ Status: 'Lost' as never })),
      BadRequestException,
      /status/i,
    );
  });

  it('lists numbers by the account or user they are associated with', async () => {
    const chime = server().client();
    const numbers = [100, 101, 102].map((n) => line('206', n));
    await acquire(server(), numbers, 'BusinessCalling');
    const first = await assign(chime, numbers[0]!);
    const second = await assign(chime, numbers[1]!);
    const byAccount = await listed(chime, { FilterName: 'AccountId', FilterValue: first.accountId });
    assert.deepEqual(
      byAccount.map((n) => [n.E164PhoneNumber, n.Status]),
      [[numbers[0], 'Assigned']],
    );
    assert.deepEqual(
      byAccount[0]?.Associations?.map((a) => [a.Name, a.Value]),
      [
        ['AccountId', first.accountId],
        ['UserId', first.userId],
      ],
    );
    const byUser = await listed(chime, { FilterName: 'UserId', FilterValue: second.userId });
    assert.deepEqual(
      byUser.map((n) => n.E164PhoneNumber),
      [numbers[1]],
    );
    const assigned = await listed(chime, { Status: 'Assigned' });
    assert.deepEqual(
      assigned.map((n) => n.E164PhoneNumber),
      numbers.slice(0, 2),
    );
    // Belfry has no Voice Connectors, so nothing is associated with one.
    assert.deepEqual(await listed(chime, { FilterName: 'VoiceConnectorId', FilterValue: 'vc-1' }), []);
  });

  it('pages through the inventory in pages of 1 to 99', async () => {
    const chime = server().client();
    await acquire(
      server(),
      [110, 111, 112, 113].map((n) => line('206', n)),
      'VoiceConnector',
    );
    const whole = await chime.send(new ListPhoneNumbersCommand({ MaxResults: 99 }));
    assert.equal(whole.NextToken, undefined);
    const all = whole.PhoneNumbers?.map((n) => n.E164PhoneNumber) ?? [];
    assert.ok(all.length >= 10);
    const pages: Array<string | undefined>[] = [];
    for await (const page of paginateListPhoneNumbers({ client: chime, pageSize: 3 }, {}))
      pages.push((page.PhoneNumbers ?? []).map((n) => n.E164PhoneNumber));
    assert.ok(pages.slice(0, -1).every((p) => p.length === 3));
    assert.deepEqual(pages.flat(), all);
    const one = await chime.send(
      new ListPhoneNumbersCommand({ MaxResults: 1, ProductType: 'VoiceConnector' }),
    );
    assert.equal(one.PhoneNumbers?.length, 1);
    // A token belongs to the filters it was issued for.
    await rejectsWith(
      chime.send(new ListPhoneNumbersCommand({ ProductType: 'BusinessCalling', NextToken: one.NextToken })),
      BadRequestException,
      /NextToken/,
    );
    for (const MaxResults of [0, 100])
      await rejectsWith(
        chime.send(new ListPhoneNumbersCommand({ MaxResults })),
        BadRequestException,
        /maxResults/i,
      );
  });

  it('gets a number by +1… or %2B1… id and echoes the id as %2B…', async () => {
    const chime = server().client();
    await acquire(server(), [line('212', 100)], 'BusinessCalling');
    await acquire(server(), [line('888', 100)], 'VoiceConnector');
    const plain = await getNumber(chime, '+12125550100');
    assert.deepEqual(await getNumber(chime, '%2B12125550100'), plain);
    assert.equal(plain.PhoneNumberId, '%2B12125550100');
    assert.equal(plain.E164PhoneNumber, '+12125550100');
    assert.equal(plain.Country, 'US');
    assert.equal(plain.Type, 'Local');
    assert.equal(plain.Status, 'Unassigned');
    assert.equal(plain.CallingNameStatus, 'Unassigned');
    assert.deepEqual(plain.Associations, []);
    assert.equal(plain.Capabilities?.InboundSMS, true);
    assert.ok(plain.CreatedTimestamp instanceof Date);
    const tollFree = await getNumber(chime, line('888', 100));
    assert.equal(tollFree.Type, 'TollFree');
    assert.equal(tollFree.Capabilities?.OutboundSMS, false);
    await rejectsWith(
      chime.send(new GetPhoneNumberCommand({ PhoneNumberId: line('212', 199) })),
      NotFoundException,
      /not found/,
    );
    await rejectsWith(
      chime.send(new GetPhoneNumberCommand({ PhoneNumberId: 'twelve' })),
      BadRequestException,
      /not a valid E.164/,
    );
  });

  it('changes the product type, but never makes a toll-free number BusinessCalling', async () => {
    const chime = server().client();
    const local = line('305', 100);
    const tollFree = line('800', 100);
    await acquire(server(), [local], 'BusinessCalling');
    await acquire(server(), [tollFree], 'VoiceConnector');
    const update = (PhoneNumberId: string, ProductType: PhoneNumberProductType) =>
      chime.send(new UpdatePhoneNumberCommand({ PhoneNumberId, ProductType }));
    const changed = await update(local, 'VoiceConnector');
    assert.equal(changed.PhoneNumber?.ProductType, 'VoiceConnector');
    assert.equal((await getNumber(chime, local)).ProductType, 'VoiceConnector');
    // Product changes are not rate-limited: straight back is fine.
    assert.equal((await update(local, 'BusinessCalling')).PhoneNumber?.ProductType, 'BusinessCalling');
    await rejectsWith(update(tollFree, 'BusinessCalling'), BadRequestException, /[Tt]oll-free/);
    assert.equal((await getNumber(chime, tollFree)).ProductType, 'VoiceConnector');
    await rejectsWith(
      chime.send(
        new UpdatePhoneNumberCommand({
          PhoneNumberId: local,
          ProductType: 'VoiceConnector',
          CallingName: 'Acme',
        }),
      ),
      BadRequestException,
      /either ProductType or CallingName/,
    );
    await rejectsWith(
      chime.send(new UpdatePhoneNumberCommand({ PhoneNumberId: local })),
      BadRequestException,
      /either ProductType or CallingName/,
    );
    // An assigned number keeps its product until it is unassigned.
    await assign(chime, local);
    await rejectsWith(update(local, 'VoiceConnector'), ConflictException, /assigned/);
  });

  it('sets a calling name at most once in 7 days, applied by a job', async () => {
    const chime = server().client();
    const e164 = line('312', 100);
    await acquire(server(), [e164], 'BusinessCalling');
    const rename = (CallingName: string) =>
      chime.send(new UpdatePhoneNumberCommand({ PhoneNumberId: e164, CallingName }));
    for (const bad of ['Sixteen chars xx', 'Acme, Inc.', 'A'])
      await rejectsWith(rename(bad), BadRequestException, /callingName/i);
    const first = await rename('Acme Support');
    assert.equal(first.PhoneNumber?.CallingName, 'Acme Support');
    assert.equal(first.PhoneNumber?.CallingNameStatus, 'UpdateInProgress');
    await rejectsWith(rename('Acme Sales'), ConflictException, /still being updated/);
    await server().runJobs();
    assert.equal((await getNumber(chime, e164)).CallingNameStatus, 'UpdateSucceeded');
    await rejectsWith(rename('Acme Sales'), ConflictException, /can change again after/);
    server().clock.advance(7 * DAY_MS - 60_000);
    await rejectsWith(rename('Acme Sales'), ConflictException, /can change again after/);
    server().clock.advance(60_000);
    const second = await rename('Acme Sales');
    assert.equal(second.PhoneNumber?.CallingName, 'Acme Sales');
    assert.equal(second.PhoneNumber?.CallingNameStatus, 'UpdateInProgress');
    await server().runJobs();
  });

  it('batch-updates numbers, reporting each failure and applying the rest', async () => {
    const chime = server().client();
    const [a, b, c] = [100, 101, 102].map((n) => line('404', n));
    const tollFree = line('877', 100);
    await acquire(server(), [a!, b!, c!], 'BusinessCalling');
    await acquire(server(), [tollFree], 'VoiceConnector');
    const out = await chime.send(
      new BatchUpdatePhoneNumberCommand({
        UpdatePhoneNumberRequestItems: [
          // An unreadable id fails alone, not the items after it.
          { PhoneNumberId: 'nobody', ProductType: 'VoiceConnector' },
          { PhoneNumberId: `%2B${a!.slice(1)}`, ProductType: 'SipMediaApplicationDialIn' },
          { PhoneNumberId: b, CallingName: 'Front Desk' },
          { PhoneNumberId: c, CallingName: 'Front Desk', ProductType: 'VoiceConnector' },
          { PhoneNumberId: tollFree, ProductType: 'BusinessCalling' },
          { PhoneNumberId: line('404', 199), ProductType: 'VoiceConnector' },
        ],
      }),
    );
    assert.deepEqual(
      out.PhoneNumberErrors?.map((e) => [e.PhoneNumberId, e.ErrorCode]),
      [
        ['nobody', 'BadRequest'],
        [c, 'BadRequest'],
        [tollFree, 'BadRequest'],
        [line('404', 199), 'NotFound'],
      ],
    );
    assert.ok(out.PhoneNumberErrors?.every((e) => e.ErrorMessage));
    assert.equal((await getNumber(chime, a!)).ProductType, 'SipMediaApplicationDialIn');
    const named = await getNumber(chime, b!);
    assert.deepEqual([named.CallingName, named.CallingNameStatus], ['Front Desk', 'UpdateInProgress']);
    const untouched = await getNumber(chime, c!);
    assert.deepEqual([untouched.CallingName, untouched.ProductType], [undefined, 'BusinessCalling']);
    assert.equal((await getNumber(chime, tollFree)).ProductType, 'VoiceConnector');
    await server().runJobs();
  });

  it('keeps global settings, changing only the parts given', async () => {
    const chime = server().client();
    const get = async () => {
      const s = await chime.send(new GetGlobalSettingsCommand({}));
      return { BusinessCalling: s.BusinessCalling, VoiceConnector: s.VoiceConnector };
    };
    assert.deepEqual(await get(), { BusinessCalling: {}, VoiceConnector: {} });
    const first = await chime.send(
      new UpdateGlobalSettingsCommand({ BusinessCalling: { CdrBucket: 'belfry-bc-cdrs' } }),
    );
    assert.equal(first.$metadata.httpStatusCode, 204);
    await chime.send(new UpdateGlobalSettingsCommand({ VoiceConnector: { CdrBucket: 'belfry-vc-cdrs' } }));
    assert.deepEqual(await get(), {
      BusinessCalling: { CdrBucket: 'belfry-bc-cdrs' },
      VoiceConnector: { CdrBucket: 'belfry-vc-cdrs' },
    });
  });

  it('changes the default calling name at most once in 7 days', async () => {
    const chime = server().client();
    const before = await chime.send(new GetPhoneNumberSettingsCommand({}));
    assert.equal(before.CallingName, undefined);
    const set = (CallingName: string) => chime.send(new UpdatePhoneNumberSettingsCommand({ CallingName }));
    await rejectsWith(set('Far too long a name'), BadRequestException, /callingName/i);
    const first = await set('Belfry Ops');
    assert.equal(first.$metadata.httpStatusCode, 204);
    const after = await chime.send(new GetPhoneNumberSettingsCommand({}));
    assert.equal(after.CallingName, 'Belfry Ops');
    assert.equal(after.CallingNameUpdatedTimestamp?.getTime(), server().clock.now().getTime());
    await rejectsWith(set('Belfry Desk'), ConflictException, /can change again after/);
    server().clock.advance(7 * DAY_MS);
    await set('Belfry Desk');
    assert.equal((await chime.send(new GetPhoneNumberSettingsCommand({}))).CallingName, 'Belfry Desk');
  });

  it('lets a ReadOnly key list and get, but not order or change', async () => {
    const operator = server().client();
    const e164 = line('503', 100);
    await acquire(server(), [e164], 'BusinessCalling');
    const reader = server().client(await server().createKey('ReadOnly'));
    assert.ok((await listed(reader, {})).some((n) => n.E164PhoneNumber === e164));
    assert.equal((await getNumber(reader, e164)).Status, 'Unassigned');
    await reader.send(new GetPhoneNumberSettingsCommand({}));
    await reader.send(new GetGlobalSettingsCommand({}));
    const refused = [
      new CreatePhoneNumberOrderCommand({
        ProductType: 'BusinessCalling',
        E164PhoneNumbers: [line('503', 101)],
      }),
      new UpdatePhoneNumberCommand({ PhoneNumberId: e164, ProductType: 'VoiceConnector' }),
      new UpdatePhoneNumberSettingsCommand({ CallingName: 'Read Only' }),
      new UpdateGlobalSettingsCommand({ BusinessCalling: { CdrBucket: 'nope' } }),
    ];
    for (const command of refused)
      await rejectsWith(reader.send(command as never), ForbiddenException, /ReadOnly/);
    assert.equal((await getNumber(operator, e164)).ProductType, 'BusinessCalling');
    await rejectsWith(
      operator.send(new GetPhoneNumberCommand({ PhoneNumberId: line('503', 101) })),
      NotFoundException,
      /not found/,
    );
    // Limited to one account, a key sees only that account's numbers.
    const { accountId } = await assign(operator, e164);
    const scoped = server().client(await server().createKey('ReadOnly', accountId));
    assert.deepEqual(
      (await listed(scoped, {})).map((n) => n.E164PhoneNumber),
      [e164],
    );
    await rejectsWith(
      scoped.send(new GetPhoneNumberCommand({ PhoneNumberId: line('415', 100) })),
      ForbiddenException,
      /limited to account/,
    );
  });
});
