import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import {
  BatchSuspendUserCommand,
  BatchUpdateUserCommand,
  CreateAccountCommand,
  CreateUserCommand,
  UpdateAccountCommand,
  UpdateUserCommand,
  type ChimeClient,
} from '@aws-sdk/client-chime';
import type { AuditEvent } from '../../src/api/chime/extensions.js';
import { uniqueEmail, uniqueSuffix } from '../helpers/accounts.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import type { Credentials } from '../helpers/server.js';
import { eachDialect } from '../helpers/suite.js';

async function createAccount(chime: ChimeClient) {
  const created = await chime.send(new CreateAccountCommand({ Name: `Audit ${uniqueSuffix()}` }));
  return { accountId: created.Account!.AccountId!, requestId: created.$metadata.requestId! };
}

async function createUser(chime: ChimeClient, accountId: string): Promise<string> {
  const { User } = await chime.send(new CreateUserCommand({ AccountId: accountId, Email: uniqueEmail() }));
  return User!.UserId!;
}

/** The request id of a call the server refused. */
async function refusedRequestId(promise: Promise<unknown>, name: string): Promise<string> {
  try {
    await promise;
  } catch (error: any) {
    assert.equal(error.name, name, error.message);
    assert.ok(error.$metadata.requestId);
    return error.$metadata.requestId;
  }
  assert.fail(`expected ${name}`);
}

await eachDialect('audit', (server) => {
  /** ListAuditEvents, Belfry's extension (no SDK command): one signed request. */
  const listEvents = (accountId: string, query: Record<string, string> = {}, credentials?: Credentials) =>
    signedFetch(server().url, credentials ?? server().operator, {
      method: 'GET',
      path: `/accounts/${encodeURIComponent(accountId)}/audit-events`,
      query,
    });
  const events = async (accountId: string, query: Record<string, string> = {}): Promise<AuditEvent[]> => {
    const response = await listEvents(accountId, query);
    assert.equal(response.status, 200, JSON.stringify(response.json));
    return response.json.AuditEvents;
  };
  /** Moves the business clock on, so each change has its own time. */
  const tick = () => {
    server().clock.advance(60_000);
    return server().clock.now().toISOString();
  };

  it('records who changed what, when, from where, under which request, and the outcome', async () => {
    const key = await server().createKey('FullAccess');
    const principal = (await server().services.accessKeys.resolveKey(key.accessKeyId))!.principal;
    const chime = server().client(key);
    const createdAt = tick();
    const { accountId, requestId } = await createAccount(chime);
    const updatedAt = tick();
    const updated = await chime.send(new UpdateAccountCommand({ AccountId: accountId, Name: 'Renamed' }));

    const [update, create, ...rest] = await events(accountId);
    assert.deepEqual(rest, []);
    for (const event of [create!, update!]) {
      assert.equal(event.Outcome, 'Success');
      assert.equal(event.AccountId, accountId);
      assert.equal(event.TargetType, 'Account');
      assert.equal(event.TargetId, accountId);
      assert.equal(event.PrincipalId, principal.id);
      assert.ok(
        event.Principal.includes(key.accessKeyId) && event.Principal.includes(principal.name),
        event.Principal,
      );
      assert.equal(event.SourceIpAddress, '127.0.0.1');
    }
    assert.equal(create!.Operation, 'CreateAccount');
    assert.equal(create!.RequestId, requestId);
    assert.equal(create!.EventTime, createdAt);
    assert.equal(update!.Operation, 'UpdateAccount');
    assert.equal(update!.RequestId, updated.$metadata.requestId);
    assert.equal(update!.EventTime, updatedAt);
  });

  it('names the created user as the target of CreateUser', async () => {
    const chime = server().client();
    const { accountId } = await createAccount(chime);
    const userId = await createUser(chime, accountId);
    const [event] = await events(accountId, { 'user-id': userId });
    assert.equal(event?.Operation, 'CreateUser');
    assert.equal(event?.TargetType, 'User');
    assert.equal(event?.TargetId, userId);
  });

  it('records refused changes as failures: an unknown user, a forbidden attempt', async () => {
    const chime = server().client();
    const { accountId } = await createAccount(chime);
    const missingUser = randomUUID();
    const notFoundId = await refusedRequestId(
      chime.send(new UpdateUserCommand({ AccountId: accountId, UserId: missingUser, LicenseType: 'Basic' })),
      'NotFoundException',
    );
    const readOnly = await server().createKey('ReadOnly');
    const readOnlyId = (await server().services.accessKeys.resolveKey(readOnly.accessKeyId))!.principal.id;
    const forbiddenId = await refusedRequestId(
      server()
        .client(readOnly)
        .send(new UpdateAccountCommand({ AccountId: accountId, Name: 'Not allowed' })),
      'ForbiddenException',
    );

    const [forbidden, notFound] = await events(accountId, {});
    assert.equal(forbidden?.Operation, 'UpdateAccount');
    assert.equal(forbidden?.Outcome, 'Failure');
    assert.equal(forbidden?.ErrorCode, 'Forbidden');
    assert.equal(forbidden?.RequestId, forbiddenId);
    assert.equal(forbidden?.PrincipalId, readOnlyId);
    assert.equal(notFound?.Operation, 'UpdateUser');
    assert.equal(notFound?.Outcome, 'Failure');
    assert.equal(notFound?.ErrorCode, 'NotFound');
    assert.equal(notFound?.UserId, missingUser);
    assert.equal(notFound?.RequestId, notFoundId);
  });

  it('records one event per user of a batch, newest first', async () => {
    const chime = server().client();
    const { accountId } = await createAccount(chime);
    const users: string[] = [];
    for (let i = 0; i < 6; i++) users.push(await createUser(chime, accountId));

    const updated = await chime.send(
      new BatchUpdateUserCommand({
        AccountId: accountId,
        UpdateUserRequestItems: [
          { UserId: users[0]!, LicenseType: 'Basic' },
          { UserId: users[1]!, LicenseType: 'Basic' },
        ],
      }),
    );
    const updates = await events(accountId, { 'operation-name': 'BatchUpdateUser' });
    assert.deepEqual(
      updates.map((e) => [e.UserId, e.TargetId, e.Outcome, e.RequestId]),
      [
        [users[1], users[1], 'Success', updated.$metadata.requestId],
        [users[0], users[0], 'Success', updated.$metadata.requestId],
      ],
    );

    const missing = randomUUID();
    const suspended = await chime.send(
      new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [...users, missing] }),
    );
    assert.deepEqual(
      suspended.UserErrors?.map((e) => e.UserId),
      [missing],
    );
    const batch = await events(accountId, { 'operation-name': 'BatchSuspendUser' });
    // Processed in list order within one millisecond or so; the newest event is the last user's.
    assert.deepEqual(
      batch.map((e) => e.UserId),
      [missing, ...[...users].reverse()],
    );
    assert.ok(batch.every((e) => e.RequestId === suspended.$metadata.requestId));
    assert.deepEqual(
      batch.map((e) => e.Outcome),
      ['Failure', ...users.map(() => 'Success')],
    );
    assert.equal(batch[0]!.ErrorCode, 'NotFound');
  });

  it('filters by user, operation and a time window [start, end)', async () => {
    const chime = server().client();
    const { accountId } = await createAccount(chime);
    const ana = await createUser(chime, accountId);
    const bob = await createUser(chime, accountId);
    const t1 = tick();
    await chime.send(new UpdateUserCommand({ AccountId: accountId, UserId: ana, LicenseType: 'Basic' }));
    const t2 = tick();
    await chime.send(new UpdateUserCommand({ AccountId: accountId, UserId: bob, LicenseType: 'Basic' }));
    const t3 = tick();
    await chime.send(new UpdateUserCommand({ AccountId: accountId, UserId: ana, LicenseType: 'Pro' }));

    const anas = await events(accountId, { 'user-id': ana });
    assert.deepEqual(
      anas.map((e) => [e.Operation, e.EventTime]),
      [
        ['UpdateUser', t3],
        ['UpdateUser', t1],
        ['CreateUser', anas[2]?.EventTime],
      ],
    );
    assert.ok(anas.every((e) => e.UserId === ana));

    const updates = await events(accountId, { 'operation-name': 'UpdateUser' });
    assert.deepEqual(
      updates.map((e) => e.UserId),
      [ana, bob, ana],
    );
    const window = await events(accountId, { 'start-time': t1, 'end-time': t3 });
    assert.deepEqual(
      window.map((e) => [e.UserId, e.EventTime]),
      [
        [bob, t2],
        [ana, t1],
      ],
    );
    const both = await events(accountId, {
      'user-id': bob,
      'operation-name': 'UpdateUser',
      'start-time': t2,
    });
    assert.deepEqual(
      both.map((e) => e.EventTime),
      [t2],
    );
  });

  it('pages newest first with max-results and next-token, within the limits', async () => {
    const chime = server().client();
    const { accountId } = await createAccount(chime);
    const userId = await createUser(chime, accountId);
    const times: string[] = [];
    for (const license of ['Basic', 'Pro', 'Basic', 'Pro'] as const) {
      times.push(tick());
      await chime.send(new UpdateUserCommand({ AccountId: accountId, UserId: userId, LicenseType: license }));
    }
    const query = { 'operation-name': 'UpdateUser', 'max-results': '3' };
    const first = await listEvents(accountId, query);
    assert.equal(first.status, 200);
    assert.equal(first.json.AuditEvents.length, 3);
    assert.ok(first.json.NextToken);
    const second = await listEvents(accountId, { ...query, 'next-token': first.json.NextToken });
    assert.equal(second.status, 200);
    assert.equal(second.json.NextToken, undefined);
    assert.deepEqual(
      [...first.json.AuditEvents, ...second.json.AuditEvents].map((e: AuditEvent) => e.EventTime),
      [...times].reverse(),
    );

    const tooMany = await listEvents(accountId, { 'max-results': '201' });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.errorType, 'BadRequestException');
    assert.match(tooMany.json.Message, /200/);
    assert.equal((await listEvents(accountId, { 'max-results': '200' })).status, 200);
    // A token belongs to the filters it was issued for.
    const otherFilter = await listEvents(accountId, {
      'max-results': '3',
      'next-token': first.json.NextToken,
    });
    assert.equal(otherFilter.status, 400);
    assert.equal(otherFilter.errorType, 'BadRequestException');
  });

  it('is readable with ReadOnly, and not with a key scoped to another account', async () => {
    const chime = server().client();
    const a = await createAccount(chime);
    const b = await createAccount(chime);

    const readOnly = await listEvents(a.accountId, {}, await server().createKey('ReadOnly'));
    assert.equal(readOnly.status, 200);
    assert.equal(readOnly.json.AuditEvents[0].Operation, 'CreateAccount');

    const scopedToA = await server().createKey('FullAccess', a.accountId);
    assert.equal((await listEvents(a.accountId, {}, scopedToA)).status, 200);
    const refused = await listEvents(b.accountId, {}, scopedToA);
    assert.equal(refused.status, 403);
    assert.equal(refused.errorType, 'ForbiddenException');

    const unknown = await listEvents(randomUUID());
    assert.equal(unknown.status, 404);
    assert.equal(unknown.errorType, 'NotFoundException');
  });
});
