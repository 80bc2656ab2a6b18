import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  BatchSuspendUserCommand,
  CreateUserCommand,
  InviteUsersCommand,
  ListUsersCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-chime';
import type { AuditEvent } from '../../src/api/chime/extensions.js';
import type { UserCount } from '../../src/api/chime/user-extensions.js';
import { updateAccount } from '../../src/store/accounts.js';
import { newAccountId, uniqueEmail } from '../helpers/accounts.js';
import type { TestServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

/**
 * An account of five: Registered Pro ×2 (one then suspended), Registered Basic, two invitees
 * (Unregistered Pro). EnterpriseLWA at the end, so the suspension suspends rather than removes.
 */
async function mixedAccount(server: TestServer) {
  const chime = server.client();
  const accountId = await newAccountId(chime);
  const created: string[] = [];
  for (let i = 0; i < 3; i++) {
    const { User } = await chime.send(new CreateUserCommand({ AccountId: accountId, Email: uniqueEmail() }));
    created.push(User!.UserId!);
  }
  const [pro, suspended, basic] = created as [string, string, string];
  await chime.send(new UpdateUserCommand({ AccountId: accountId, UserId: basic, LicenseType: 'Basic' }));
  await chime.send(
    new InviteUsersCommand({ AccountId: accountId, UserEmailList: [uniqueEmail(), uniqueEmail()] }),
  );
  await updateAccount(server.services.db, accountId, {
    type: 'EnterpriseLWA',
    updatedAt: new Date().toISOString(),
  });
  await chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [suspended] }));
  return { accountId, pro, suspended, basic };
}

await eachDialect('ListUsers filters, member counts, the audit trail by principal', (server) => {
  const get = (path: string, query: Record<string, string> = {}) =>
    signedFetch(server().url, server().operator, { method: 'GET', path, query });
  const users = (accountId: string, query: Record<string, string>) =>
    get(`/accounts/${accountId}/users`, query);

  it('filters by registration status and tier on the server, alone, together and page by page', async () => {
    const { accountId, pro, suspended, basic } = await mixedAccount(server());
    const ids = async (query: Record<string, string>) => {
      const r = await users(accountId, query);
      assert.equal(r.status, 200, r.text);
      return (r.json.Users as { UserId: string; UserRegistrationStatus: string }[]).map((u) => u.UserId);
    };
    assert.deepEqual((await ids({ 'user-registration-status': 'Registered' })).sort(), [pro, basic].sort());
    assert.deepEqual(await ids({ 'user-registration-status': 'Suspended' }), [suspended]);
    assert.equal((await ids({ 'user-registration-status': 'Unregistered' })).length, 2);
    assert.deepEqual(await ids({ 'license-type': 'Basic' }), [basic]);
    assert.deepEqual(await ids({ 'user-registration-status': 'Registered', 'license-type': 'Pro' }), [pro]);

    // Pages of one: the token carries the filter, and refuses to continue another query.
    const first = await users(accountId, { 'user-registration-status': 'Unregistered', 'max-results': '1' });
    assert.equal(first.json.Users.length, 1);
    const second = await users(accountId, {
      'user-registration-status': 'Unregistered',
      'max-results': '1',
      'next-token': first.json.NextToken,
    });
    assert.equal(second.json.Users.length, 1);
    assert.notEqual(second.json.Users[0].UserId, first.json.Users[0].UserId);
    assert.equal(second.json.Users[0].UserRegistrationStatus, 'Unregistered');
    const mixed = await users(accountId, { 'max-results': '1', 'next-token': first.json.NextToken });
    assert.equal(mixed.status, 400);
  });

  it("leaves Chime's own ListUsers as it was, and refuses a status or tier outside the model", async () => {
    const { accountId } = await mixedAccount(server());
    const all = await server()
      .client()
      .send(new ListUsersCommand({ AccountId: accountId }));
    assert.equal(all.Users!.length, 5);
    const wrong = await users(accountId, { 'user-registration-status': 'Gone', 'license-type': 'Gold' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json.Code, 'BadRequest');
    assert.match(wrong.json.Message, /2 validation errors/);
  });

  it('counts the members by registration status and tier', async () => {
    const { accountId } = await mixedAccount(server());
    const r = await get(`/accounts/${accountId}/user-counts`);
    assert.equal(r.status, 200, r.text);
    const counts = (r.json.UserCounts as UserCount[])
      .map((c) => `${c.UserRegistrationStatus} ${c.LicenseType} ${c.Count}`)
      .sort();
    assert.deepEqual(counts, [
      'Registered Basic 1',
      'Registered Pro 1',
      'Suspended Pro 1',
      'Unregistered Pro 2',
    ]);
    const other = await newAccountId(server().client());
    const scoped = await server().createKey('ReadOnly', other);
    const refused = await signedFetch(server().url, scoped, {
      method: 'GET',
      path: `/accounts/${accountId}/user-counts`,
    });
    assert.equal(refused.status, 403);
    assert.equal((await get('/accounts/no-such-account/user-counts')).status, 404);
  });

  it('lists the audit events of one principal', async () => {
    const { accountId } = await mixedAccount(server());
    const key = await server().createKey('FullAccess');
    await server()
      .client(key)
      .send(new CreateUserCommand({ AccountId: accountId, Email: uniqueEmail() }));
    const events = async (query: Record<string, string>) => {
      const r = await get(`/accounts/${accountId}/audit-events`, query);
      assert.equal(r.status, 200, r.text);
      return r.json.AuditEvents as AuditEvent[];
    };
    const everyone = await events({});
    const byKey = everyone.find((e) => e.Operation === 'CreateUser' && e.Principal.includes(key.accessKeyId));
    assert.ok(byKey, JSON.stringify(everyone.map((e) => [e.Operation, e.Principal])));
    const theirs = await events({ principal: byKey.Principal });
    assert.ok(theirs.length > 0);
    assert.ok(theirs.every((e) => e.Principal === byKey.Principal));
    assert.ok(theirs.length < everyone.length);
    assert.deepEqual(await events({ principal: 'nobody at all' }), []);
    const installation = await get('/audit-events', { principal: byKey.Principal });
    assert.equal(installation.status, 200);
  });
});
