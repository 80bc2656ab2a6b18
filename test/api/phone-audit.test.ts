import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  AssociatePhoneNumberWithUserCommand,
  BatchDeletePhoneNumberCommand,
  BatchSuspendUserCommand,
  BatchUpdatePhoneNumberCommand,
  CreatePhoneNumberOrderCommand,
  CreateUserCommand,
  DeletePhoneNumberCommand,
  DisassociatePhoneNumberFromUserCommand,
  GetPhoneNumberCommand,
  NotFoundException,
  RestorePhoneNumberCommand,
  SearchAvailablePhoneNumbersCommand,
  UpdateGlobalSettingsCommand,
  UpdatePhoneNumberCommand,
  UpdatePhoneNumberSettingsCommand,
  type ChimeClient,
} from '@aws-sdk/client-chime';
import type { AuditEvent } from '../../src/api/chime/extensions.js';
import { DAY_MS } from '../../src/lib/clock.js';
import { newAccountId, uniqueEmail } from '../helpers/accounts.js';
import { freshNumber, importedNumber } from '../helpers/phone-numbers.js';
import type { Credentials } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

/** The request id the server gave a call, whether it succeeded or was refused. */
async function requestIdOf(promise: Promise<{ $metadata: { requestId?: string } }>): Promise<string> {
  try {
    return (await promise).$metadata.requestId!;
  } catch (error: any) {
    assert.ok(error.$metadata?.requestId, String(error));
    return error.$metadata.requestId;
  }
}

async function newUser(chime: ChimeClient, accountId: string): Promise<string> {
  const { User } = await chime.send(new CreateUserCommand({ AccountId: accountId, Email: uniqueEmail() }));
  return User!.UserId!;
}

/** What an event is: operation, outcome and target. */
const summary = (e: InventoryEvent) => [e.operation, e.outcome, e.targetType, e.targetId];

/** Rows compared as a set: a change's own event and its per-number events share one moment. */
const unordered = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

interface InventoryEvent {
  operation: string;
  outcome: string;
  errorCode: string | null;
  principal: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, any> | undefined;
}

await eachDialect('phone audit', (server) => {
  /** An account's trail through ListAuditEvents (Belfry's extension, one signed GET). */
  const accountEvents = async (accountId: string, query: Record<string, string> = {}) => {
    const response = await signedFetch(server().url, server().operator, {
      method: 'GET',
      path: `/accounts/${encodeURIComponent(accountId)}/audit-events`,
      query,
    });
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return response.json.AuditEvents as AuditEvent[];
  };

  /**
   * The inventory's events of one request, oldest first, read straight from the store: they
   * belong to no account, and ListAuditEvents (the only API over the trail) lists one account's.
   */
  const inventoryEvents = async (requestId: string): Promise<InventoryEvent[]> => {
    const rows = await server()
      .services.db.selectFrom('audit_events')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute();
    return rows.map((r) => {
      assert.equal(r.account_id, null, `${r.operation} names account ${r.account_id}`);
      return {
        operation: r.operation,
        outcome: r.outcome,
        errorCode: r.error_code,
        principal: r.principal,
        targetType: r.target_type,
        targetId: r.target_id,
        details: r.details === null ? undefined : JSON.parse(r.details),
      };
    });
  };

  /** The one event a single-number change wrote: its operation, outcome, target and details. */
  const onlyEvent = async (requestId: string) => {
    const events = await inventoryEvents(requestId);
    assert.equal(events.length, 1, JSON.stringify(events));
    return events[0]!;
  };

  it("records assignment and unassignment in the account's trail, with the user", async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const [ada, bob] = [await newUser(chime, accountId), await newUser(chime, accountId)];
    const e164 = await importedNumber(server());
    const assign = (UserId: string, E164PhoneNumber = e164) =>
      requestIdOf(
        chime.send(
          new AssociatePhoneNumberWithUserCommand({ AccountId: accountId, UserId, E164PhoneNumber }),
        ),
      );

    const assigned = await assign(ada);
    const refused = await assign(bob); // ada has it
    const malformed = await assign(bob, 'not-a-number');
    const unassigned = await requestIdOf(
      chime.send(new DisassociatePhoneNumberFromUserCommand({ AccountId: accountId, UserId: ada })),
    );

    const adas = await accountEvents(accountId, { 'user-id': ada });
    assert.deepEqual(
      adas.slice(0, 2).map((e) => [e.Operation, e.Outcome, e.TargetType, e.TargetId, e.RequestId, e.Details]),
      [
        ['DisassociatePhoneNumberFromUser', 'Success', 'User', ada, unassigned, { e164 }],
        ['AssociatePhoneNumberWithUser', 'Success', 'User', ada, assigned, { e164 }],
      ],
    );
    assert.ok(adas.every((e) => e.AccountId === accountId && e.UserId === ada));

    const bobs = await accountEvents(accountId, {
      'user-id': bob,
      'operation-name': 'AssociatePhoneNumberWithUser',
    });
    assert.deepEqual(
      bobs.map((e) => [e.Outcome, e.ErrorCode, e.RequestId]),
      [
        ['Failure', 'InvalidInput', malformed],
        ['Failure', 'Conflict', refused],
      ],
    );
    assert.equal(bobs[1]!.Details?.e164, e164);
    assert.match(String(bobs[1]!.Details?.message), /another user/);
  });

  it('records the number a removed user gave back', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const userId = await newUser(chime, accountId);
    const e164 = await importedNumber(server());
    await chime.send(
      new AssociatePhoneNumberWithUserCommand({
        AccountId: accountId,
        UserId: userId,
        E164PhoneNumber: e164,
      }),
    );
    const removed = await requestIdOf(
      chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [userId] })),
    );
    const [event] = await accountEvents(accountId, {
      'user-id': userId,
      'operation-name': 'BatchSuspendUser',
    });
    assert.equal(event?.RequestId, removed);
    assert.deepEqual(event?.Details, { effect: 'removed', freedNumber: e164 });
  });

  it('records imports and orders number by number, and the job that completes an order', async () => {
    const chime = server().client();
    const [fresh, again] = [freshNumber(), freshNumber()];
    const imported = await signedFetch(server().url, server().operator, {
      method: 'POST',
      path: '/phone-numbers',
      query: { operation: 'import' },
      body: { ProductType: 'BusinessCalling', E164PhoneNumbers: [fresh, again] },
    });
    assert.equal(imported.status, 201);
    const importEvents = await inventoryEvents(imported.requestId!);
    assert.deepEqual(
      unordered(importEvents.map(summary)),
      unordered([
        ['ImportPhoneNumbers', 'Success', 'PhoneNumber', null],
        ['ImportPhoneNumbers', 'Success', 'PhoneNumber', fresh],
        ['ImportPhoneNumbers', 'Success', 'PhoneNumber', again],
      ]),
    );
    assert.ok(importEvents.every((e) => e.principal.includes(server().operator.accessKeyId)));

    const found = await chime.send(
      new SearchAvailablePhoneNumbersCommand({ AreaCode: '425', MaxResults: 1 }),
    );
    const pooled = found.E164PhoneNumbers![0]!;
    const refusedByCarrier = freshNumber('425'); // not in the carrier's pool
    const order = await chime.send(
      new CreatePhoneNumberOrderCommand({
        ProductType: 'BusinessCalling',
        E164PhoneNumbers: [pooled, refusedByCarrier],
      }),
    );
    const orderId = order.PhoneNumberOrder!.PhoneNumberOrderId!;
    assert.deepEqual(
      unordered((await inventoryEvents(order.$metadata.requestId!)).map(summary)),
      unordered([
        ['CreatePhoneNumberOrder', 'Success', 'PhoneNumberOrder', orderId],
        ['CreatePhoneNumberOrder', 'Success', 'PhoneNumber', pooled],
        ['CreatePhoneNumberOrder', 'Success', 'PhoneNumber', refusedByCarrier],
      ]),
    );

    await server().runJobs();
    const completion = await server()
      .services.db.selectFrom('audit_events')
      .select(['request_id', 'principal'])
      .where('operation', '=', 'CompletePhoneNumberOrder')
      .where('target_id', '=', orderId)
      .executeTakeFirstOrThrow();
    // Belfry itself, in the job that asked the carrier.
    assert.equal(completion.principal, 'belfry');
    assert.match(completion.request_id, /^job-/);
    const completed = await inventoryEvents(completion.request_id);
    assert.deepEqual(
      unordered(completed.map((e) => [e.targetType, e.targetId, e.details?.status])),
      unordered([
        ['PhoneNumberOrder', orderId, 'Partial'],
        ['PhoneNumber', pooled, 'Unassigned'],
        ['PhoneNumber', refusedByCarrier, 'AcquireFailed'],
      ]),
    );
  });

  it('records updates, deletions, restores and releases of numbers, with what changed', async () => {
    const chime = server().client();
    const [first, second] = [await importedNumber(server()), await importedNumber(server())];

    const renamed = await chime.send(
      new UpdatePhoneNumberCommand({ PhoneNumberId: first, CallingName: 'Belfry Desk' }),
    );
    const rename = await onlyEvent(renamed.$metadata.requestId!);
    assert.deepEqual(summary(rename), ['UpdatePhoneNumber', 'Success', 'PhoneNumber', first]);
    assert.deepEqual(rename.details, { callingName: 'Belfry Desk' });
    // The job that gives the network the new name records that it did.
    await server().runJobs();
    const applied = await server()
      .services.db.selectFrom('audit_events')
      .select(['request_id'])
      .where('operation', '=', 'ApplyCallingName')
      .where('target_id', '=', first)
      .execute();
    assert.equal(applied.length, 1);
    const apply = await onlyEvent(applied[0]!.request_id);
    assert.deepEqual(summary(apply), ['ApplyCallingName', 'Success', 'PhoneNumber', first]);
    assert.deepEqual(apply.details, { callingName: 'Belfry Desk', status: 'UpdateSucceeded' });
    assert.equal(apply.principal, 'belfry');

    const batchUpdated = await chime.send(
      new BatchUpdatePhoneNumberCommand({
        UpdatePhoneNumberRequestItems: [
          { PhoneNumberId: second, ProductType: 'VoiceConnector' },
          { PhoneNumberId: first, CallingName: 'Too Soon' }, // once in 7 days: refused
        ],
      }),
    );
    const updates = await inventoryEvents(batchUpdated.$metadata.requestId!);
    assert.deepEqual(updates.map(summary), [
      ['BatchUpdatePhoneNumber', 'Success', 'PhoneNumber', second],
      ['BatchUpdatePhoneNumber', 'Failure', 'PhoneNumber', first],
    ]);
    assert.deepEqual(updates[0]!.details, {
      productType: { from: 'BusinessCalling', to: 'VoiceConnector' },
    });
    assert.equal(updates[1]!.errorCode, 'Conflict');

    const deleted = await chime.send(new DeletePhoneNumberCommand({ PhoneNumberId: first }));
    assert.deepEqual(summary(await onlyEvent(deleted.$metadata.requestId!)), [
      'DeletePhoneNumber',
      'Success',
      'PhoneNumber',
      first,
    ]);
    const batchDeleted = await chime.send(new BatchDeletePhoneNumberCommand({ PhoneNumberIds: [second] }));
    assert.deepEqual(summary(await onlyEvent(batchDeleted.$metadata.requestId!)), [
      'BatchDeletePhoneNumber',
      'Success',
      'PhoneNumber',
      second,
    ]);
    const restored = await chime.send(new RestorePhoneNumberCommand({ PhoneNumberId: second }));
    assert.deepEqual(summary(await onlyEvent(restored.$metadata.requestId!)), [
      'RestorePhoneNumber',
      'Success',
      'PhoneNumber',
      second,
    ]);

    // The end of the deletion queue: the job that releases the number records it.
    server().clock.advance(8 * DAY_MS);
    await server().runJobs();
    await assert.rejects(chime.send(new GetPhoneNumberCommand({ PhoneNumberId: first })), NotFoundException);
    const released = await server()
      .services.db.selectFrom('audit_events')
      .select(['request_id'])
      .where('operation', '=', 'ReleasePhoneNumber')
      .where('target_id', 'in', [first, second])
      .execute();
    assert.equal(released.length, 1);
    const release = await onlyEvent(released[0]!.request_id);
    assert.deepEqual(summary(release), ['ReleasePhoneNumber', 'Success', 'PhoneNumber', first]);
    assert.equal(release.principal, 'belfry');
  });

  it("lists the installation's own trail through ListInstallationAuditEvents, to unscoped keys only", async () => {
    const number = await importedNumber(server());
    const listed = await signedFetch(server().url, server().operator, {
      method: 'GET',
      path: '/audit-events',
      query: { 'operation-name': 'ImportPhoneNumbers', 'max-results': '200' },
    });
    assert.equal(listed.status, 200, JSON.stringify(listed.json));
    const events = listed.json.AuditEvents as AuditEvent[];
    assert.ok(events.every((e) => e.Operation === 'ImportPhoneNumbers' && e.AccountId === undefined));
    assert.ok(events.some((e) => e.TargetId === number && e.Outcome === 'Success'));

    const readOnly = await server().createKey('ReadOnly');
    const asReader = await signedFetch(server().url, readOnly, { method: 'GET', path: '/audit-events' });
    assert.equal(asReader.status, 200);
    const scoped = await server().createKey('FullAccess', await newAccountId(server().client()));
    const asScoped = await signedFetch(server().url, scoped, { method: 'GET', path: '/audit-events' });
    assert.equal(asScoped.status, 403);
    assert.equal(asScoped.errorType, 'ForbiddenException');
  });

  it("lists every account's events besides the installation's with scope=All, filtered alike, to unscoped keys only", async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const userId = await newUser(chime, accountId);
    const number = await importedNumber(server());
    const all = async (key: Credentials, query: Record<string, string>) =>
      signedFetch(server().url, key, {
        method: 'GET',
        path: '/audit-events',
        query: { scope: 'All', ...query },
      });
    const listed = await all(server().operator, { 'max-results': '200' });
    assert.equal(listed.status, 200, JSON.stringify(listed.json));
    const events = listed.json.AuditEvents as AuditEvent[];
    assert.ok(events.some((e) => e.AccountId === accountId && e.Operation === 'CreateUser'));
    assert.ok(events.some((e) => e.AccountId === undefined && e.TargetId === number));
    // The user filter reaches across accounts; the installation's own scope still has none of them.
    const byUser = (await all(server().operator, { 'user-id': userId })).json.AuditEvents as AuditEvent[];
    assert.ok(byUser.length > 0 && byUser.every((e) => e.UserId === userId && e.AccountId === accountId));
    const own = await signedFetch(server().url, server().operator, {
      method: 'GET',
      path: '/audit-events',
      query: { 'max-results': '200' },
    });
    assert.ok((own.json.AuditEvents as AuditEvent[]).every((e) => e.AccountId === undefined));
    // Paging stays in its scope: a token of one scope is refused by the other.
    const first = await all(server().operator, { 'max-results': '1' });
    const token = first.json.NextToken as string;
    assert.ok(token);
    const crossed = await signedFetch(server().url, server().operator, {
      method: 'GET',
      path: '/audit-events',
      query: { 'next-token': token },
    });
    assert.equal(crossed.status, 400);
    assert.equal((await all(server().operator, { scope: 'Everything' })).status, 400);
    const scoped = await server().createKey('FullAccess', accountId);
    assert.equal((await all(scoped, {})).status, 403);
  });

  it("records changes to the installation's phone settings", async () => {
    const chime = server().client();
    const global = await chime.send(
      new UpdateGlobalSettingsCommand({ BusinessCalling: { CdrBucket: 'cdr-business' } }),
    );
    const globalEvent = await onlyEvent(global.$metadata.requestId!);
    assert.deepEqual(summary(globalEvent), ['UpdateGlobalSettings', 'Success', null, null]);
    assert.equal(globalEvent.details?.businessCallingCdrBucket, 'cdr-business');
    const settings = await chime.send(new UpdatePhoneNumberSettingsCommand({ CallingName: 'Belfry' }));
    const settingsEvent = await onlyEvent(settings.$metadata.requestId!);
    assert.deepEqual(summary(settingsEvent), ['UpdatePhoneNumberSettings', 'Success', null, null]);
    assert.deepEqual(settingsEvent.details, { callingName: 'Belfry' });
  });

  it('records refused inventory changes as failures', async () => {
    const operator = server().client();
    const accountId = await newAccountId(operator);
    const userId = await newUser(operator, accountId);
    const e164 = await importedNumber(server());
    await operator.send(
      new AssociatePhoneNumberWithUserCommand({
        AccountId: accountId,
        UserId: userId,
        E164PhoneNumber: e164,
      }),
    );
    const admin = server().client(await server().createKey('UserManagement'));
    const forbidden = await onlyEvent(
      await requestIdOf(admin.send(new DeletePhoneNumberCommand({ PhoneNumberId: e164 }))),
    );
    assert.deepEqual(
      [forbidden.operation, forbidden.outcome, forbidden.errorCode, forbidden.targetId],
      ['DeletePhoneNumber', 'Failure', 'Forbidden', e164],
    );
    assert.match(forbidden.principal, /UserManagement/);
    const assigned = await onlyEvent(
      await requestIdOf(operator.send(new DeletePhoneNumberCommand({ PhoneNumberId: e164 }))),
    );
    assert.deepEqual(
      [assigned.operation, assigned.outcome, assigned.errorCode, assigned.targetId],
      ['DeletePhoneNumber', 'Failure', 'AssociationsExist', e164],
    );
  });
});
