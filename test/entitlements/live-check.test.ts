import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  BatchSuspendUserCommand,
  BatchUnsuspendUserCommand,
  UpdateUserCommand,
  UpdateUserSettingsCommand,
} from '@aws-sdk/client-chime';
import { systemActor } from '../../src/domain/access/actor.js';
import { updateAccount } from '../../src/store/accounts.js';
import { giveNumber } from '../helpers/phone-numbers.js';
import { signedUpMember } from '../helpers/members.js';
import type { TestServer } from '../helpers/server.js';
import { eachDialect } from '../helpers/suite.js';

/** An app registered with the operator's rights, and a way to call the check as it. */
async function registeredApp(server: TestServer) {
  const app = await server.services.oidc.clients.createClient(systemActor('test'), {
    name: 'Meetings',
    redirectUris: ['http://127.0.0.1:9/callback'],
  });
  const basic = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
  const call = async (path: string, authorization = basic) => {
    const response = await fetch(`${server.url}${path}`, { headers: { authorization } });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  };
  const check = async (sub: string, entitlement: string) =>
    (await call(`/entitlements/check?sub=${sub}&entitlement=${encodeURIComponent(entitlement)}`)).body;
  return { app, call, check };
}

await eachDialect('live entitlement check', (server) => {
  it('answers only a registered app, with OAuth-style errors', async () => {
    const { app, call } = await registeredApp(server());
    const member = await signedUpMember(server());
    const path = `/entitlements/check?sub=${member.sub}&entitlement=chat`;
    for (const authorization of ['', `Basic ${Buffer.from(`${app.clientId}:wrong`).toString('base64')}`]) {
      const refused = await call(path, authorization);
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error, 'invalid_client');
      assert.match(refused.headers.get('www-authenticate') ?? '', /^Basic /);
    }
    const badName = await call(`/entitlements/check?sub=${member.sub}&entitlement=meetings:fly`);
    assert.equal(badName.status, 400);
    assert.equal(badName.body.error, 'invalid_request');
    assert.equal((await call('/entitlements/check?entitlement=chat')).status, 400);
    const unknown = await call('/entitlements/check?sub=no-such-person&entitlement=chat');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, 'unknown_sub');
    const ok = await call(path);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    assert.deepEqual(ok.body, { sub: member.sub, entitlement: 'chat', allowed: true });
    const secret = Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64');
    assert.equal((await call(path, `BASIC ${secret}`)).status, 200, 'the scheme in any case');
  });

  it('follows a tier change at once', async () => {
    const { check } = await registeredApp(server());
    const member = await signedUpMember(server());
    const chime = server().client();
    await chime.send(new UpdateUserCommand({ ...ids(member), LicenseType: 'Pro' }));
    assert.equal((await check(member.sub, 'meetings:host')).allowed, true);
    await chime.send(new UpdateUserCommand({ ...ids(member), LicenseType: 'Basic' }));
    const host = await check(member.sub, 'meetings:host');
    assert.equal(host.allowed, false);
    assert.equal(host.reason.code, 'not_entitled');
    assert.match(host.reason.message, /Pro/);
    assert.equal((await check(member.sub, 'meetings:attend')).allowed, true);
  });

  it('refuses a suspended member everything, with the reason, until unsuspended', async () => {
    const { check, call } = await registeredApp(server());
    const member = await signedUpMember(server(), { type: 'EnterpriseLWA' });
    const chime = server().client();
    await chime.send(
      new BatchSuspendUserCommand({ AccountId: member.accountId, UserIdList: [member.userId] }),
    );
    const chat = await check(member.sub, 'chat');
    assert.equal(chat.allowed, false);
    assert.equal(chat.reason.code, 'suspended');
    assert.match(chat.reason.message, /suspended/);
    const standing = (await call(`/entitlements/standing?sub=${member.sub}`)).body;
    assert.equal(standing.allowed, false);
    await chime.send(
      new BatchUnsuspendUserCommand({ AccountId: member.accountId, UserIdList: [member.userId] }),
    );
    assert.equal((await check(member.sub, 'chat')).allowed, true);
  });

  it('grants calling and SMS with a number and the switches, not before', async () => {
    const { check, call } = await registeredApp(server());
    const member = await signedUpMember(server());
    assert.equal((await check(member.sub, 'calling:outbound')).allowed, false);
    const e164 = await giveNumber(server(), server().client(), member.accountId, member.userId);
    assert.equal((await check(member.sub, 'calling:outbound')).allowed, false, 'switches start off');
    await server()
      .client()
      .send(
        new UpdateUserSettingsCommand({
          ...ids(member),
          UserSettings: { Telephony: { InboundCalling: false, OutboundCalling: true, SMS: true } },
        }),
      );
    assert.equal((await check(member.sub, 'calling:outbound')).allowed, true);
    assert.equal((await check(member.sub, 'sms')).allowed, true);
    assert.equal((await check(member.sub, 'calling:inbound')).allowed, false);
    const standing = (await call(`/entitlements/standing?sub=${member.sub}`)).body;
    assert.equal(standing.claims.phone_number, e164);
  });

  it('treats a member removed from a Team account as a free user, and refuses a deleted account', async () => {
    const { check, call } = await registeredApp(server());
    const removed = await signedUpMember(server());
    await server()
      .client()
      .send(new BatchSuspendUserCommand({ AccountId: removed.accountId, UserIdList: [removed.userId] }));
    const free = (await call(`/entitlements/standing?sub=${removed.sub}`)).body;
    assert.equal(free.allowed, true);
    assert.equal(free.claims.account_id, undefined);
    assert.equal((await check(removed.sub, 'meetings:attend')).allowed, true);
    assert.equal((await check(removed.sub, 'meetings:host')).allowed, false, 'the trial ended on joining');

    // A Team account is deleted only once empty, so its deletion is written as DeleteAccount
    // leaves it (a member left behind is what the gate must still refuse).
    const member = await signedUpMember(server());
    const at = new Date().toISOString();
    await updateAccount(server().services.db, member.accountId, {
      status: 'Suspended',
      deletedAt: at,
      updatedAt: at,
    });
    const refused = await check(member.sub, 'chat');
    assert.equal(refused.allowed, false);
    assert.equal(refused.reason.code, 'account_deleted');
  });
});

const ids = (m: { accountId: string; userId: string }) => ({ AccountId: m.accountId, UserId: m.userId });
