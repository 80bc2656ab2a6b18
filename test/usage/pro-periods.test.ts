import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  BatchSuspendUserCommand,
  BatchUnsuspendUserCommand,
  BatchUpdateUserCommand,
  DeleteAccountCommand,
  InviteUsersCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-chime';
import { findIdentityByEmail } from '../../src/store/identities.js';
import { proPeriodAt, proPeriodsOf, proPeriodsOfUser, type ProPeriod } from '../../src/store/pro-periods.js';
import { newAccountId, uniqueEmail, uniqueSuffix } from '../helpers/accounts.js';
import { accountType } from '../helpers/directory-accounts.js';
import { directoryApi, ok, syncNow } from '../helpers/directory.js';
import { domainApi, uniqueDomain } from '../helpers/domains.js';
import { FakeDirectory } from '../helpers/fake-directory.js';
import { signedUpMember } from '../helpers/members.js';
import { registerThroughPages, signInThroughPages } from '../helpers/pages.js';
import {
  chimeUsers,
  enterpriseAccount,
  GROUP,
  mapGroups,
  mintToken,
  patchOp,
  scimClient,
  USER,
} from '../helpers/scim.js';
import type { TestServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

/**
 * Issue 17: the periods in which a user is a billable Pro member start and end at the moment of
 * the change, in the change's transaction, whichever way the change comes in. Each test moves the
 * server's clock a minute before a change, so a period bound equal to that instant can only come
 * from that change.
 */

const MINUTE = 60_000;

/** Moves the server's clock on a minute and answers the new instant: the next change's moment. */
function nextMinute(server: TestServer): string {
  server.clock.advance(MINUTE);
  return server.clock.now().toISOString();
}

const periodsOf = (server: TestServer, accountId: string, userId: string) =>
  proPeriodsOfUser(server.services.db, accountId, userId);

const span = (p: ProPeriod) => [p.from, p.until];

await eachDialect('Pro periods: every way a member becomes or stops being billable Pro', (server) => {
  it('starts at acceptance, not at the invitation; a tier change counts from its moment', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const email = uniqueEmail();
    await chime.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: [email] }));
    const pending = (await chimeUsers(server(), accountId)).get(email)!;
    assert.deepEqual(await periodsOf(server(), accountId, pending.UserId!), [], 'an invitee is not billable');

    // signedUpMember invites anew and accepts; the acceptance happens at the clock's instant.
    const accepted = nextMinute(server());
    const member = await signedUpMember(server(), { accountId, email: uniqueEmail() });
    assert.deepEqual((await periodsOf(server(), accountId, member.userId)).map(span), [[accepted, null]]);

    const toBasic = nextMinute(server());
    await chime.send(
      new UpdateUserCommand({ AccountId: accountId, UserId: member.userId, LicenseType: 'Basic' }),
    );
    const toPro = nextMinute(server());
    const batch = await chime.send(
      new BatchUpdateUserCommand({
        AccountId: accountId,
        UpdateUserRequestItems: [{ UserId: member.userId, LicenseType: 'Pro' }],
      }),
    );
    assert.deepEqual(batch.UserErrors, []);
    assert.deepEqual((await periodsOf(server(), accountId, member.userId)).map(span), [
      [accepted, toBasic],
      [toPro, null],
    ]);

    const db = server().services.db;
    const justBefore = new Date(Date.parse(toBasic) - 1).toISOString();
    assert.equal((await proPeriodAt(db, accountId, member.userId, justBefore))?.from, accepted);
    assert.equal(await proPeriodAt(db, accountId, member.userId, toBasic), undefined, 'Basic from that ms');
    assert.equal((await proPeriodAt(db, accountId, member.userId, toPro))?.from, toPro);
    // A window within the Basic stretch sees neither period; one across it sees both.
    const basicMiddle = new Date(Date.parse(toBasic) + MINUTE / 2).toISOString();
    assert.deepEqual(
      (await proPeriodsOf(db, accountId, basicMiddle, toPro)).filter((p) => p.userId === member.userId),
      [],
    );
    assert.equal(
      (await proPeriodsOf(db, accountId, accepted, toPro)).filter((p) => p.userId === member.userId).length,
      1,
    );
    assert.equal(
      (await proPeriodsOf(db, accountId, accepted, nextMinute(server()))).filter(
        (p) => p.userId === member.userId,
      ).length,
      2,
    );
  });

  it('a change that rolls back leaves no period behind', async () => {
    const chime = server().client();
    const member = await signedUpMember(server());
    const before = await periodsOf(server(), member.accountId, member.userId);
    nextMinute(server());
    // One item of the batch fails (unknown user), the other applies: only the applied one counts.
    const batch = await chime.send(
      new BatchUpdateUserCommand({
        AccountId: member.accountId,
        UpdateUserRequestItems: [
          { UserId: 'no-such-user', LicenseType: 'Basic' },
          { UserId: member.userId, LicenseType: 'Pro' },
        ],
      }),
    );
    assert.equal(batch.UserErrors?.length, 1);
    assert.deepEqual(
      await periodsOf(server(), member.accountId, member.userId),
      before,
      'Pro → Pro changes nothing',
    );
  });

  it('Team removal ends the period; the person accepted elsewhere is billable there, from then', async () => {
    const chime = server().client();
    const member = await signedUpMember(server());
    const removed = nextMinute(server());
    const result = await chime.send(
      new BatchSuspendUserCommand({ AccountId: member.accountId, UserIdList: [member.userId] }),
    );
    assert.deepEqual(result.UserErrors, []);
    const [first] = await periodsOf(server(), member.accountId, member.userId);
    assert.equal(first?.until, removed);

    // Moving: the same person accepts an invitation to another account.
    const other = await newAccountId(chime);
    await chime.send(new InviteUsersCommand({ AccountId: other, UserEmailList: [member.email] }));
    await server().runJobs();
    const link = server().mailLog.findLast(
      (e) => e.obj.to === member.email && String(e.obj.link).includes('/invitations/accept'),
    );
    const token = new URL(String(link!.obj.link)).searchParams.get('token')!;
    const moved = nextMinute(server());
    const identity = (await findIdentityByEmail(server().services.db, member.email))!;
    const joined = await server().services.identities.acceptInvitation(identity, token, {
      requestId: 'test',
      sourceIp: undefined,
    });
    assert.deepEqual((await periodsOf(server(), other, joined.userId)).map(span), [[moved, null]]);
    assert.equal((await periodsOf(server(), member.accountId, member.userId)).length, 1, 'A keeps its one');
  });

  it('EnterpriseLWA suspension ends it, unsuspension starts another', async () => {
    const chime = server().client();
    const member = await signedUpMember(server(), { type: 'EnterpriseLWA' });
    const suspended = nextMinute(server());
    await chime.send(
      new BatchSuspendUserCommand({ AccountId: member.accountId, UserIdList: [member.userId] }),
    );
    const restored = nextMinute(server());
    await chime.send(
      new BatchUnsuspendUserCommand({ AccountId: member.accountId, UserIdList: [member.userId] }),
    );
    const periods = await periodsOf(server(), member.accountId, member.userId);
    assert.deepEqual(periods.slice(1).map(span), [[restored, null]]);
    assert.equal(periods[0]?.until, suspended);
  });

  it('deleting the account ends its members’ periods; restoring it starts them again', async () => {
    const chime = server().client();
    // An Enterprise account without domains keeps its Registered members when deleted.
    const member = await signedUpMember(server(), { type: 'EnterpriseLWA' });
    const deleted = nextMinute(server());
    await chime.send(new DeleteAccountCommand({ AccountId: member.accountId }));
    assert.equal((await periodsOf(server(), member.accountId, member.userId))[0]?.until, deleted);
    const restored = nextMinute(server());
    const answer = await signedFetch(server().url, server().operator, {
      method: 'POST',
      path: `/accounts/${encodeURIComponent(member.accountId)}`,
      query: { operation: 'restore' },
    });
    assert.equal(answer.status, 200, answer.text);
    const periods = await periodsOf(server(), member.accountId, member.userId);
    assert.deepEqual(periods.slice(1).map(span), [[restored, null]]);
  });

  it('an account type change (a verified domain makes Team EnterpriseLWA) neither ends nor splits it', async () => {
    const member = await signedUpMember(server());
    const before = await periodsOf(server(), member.accountId, member.userId);
    nextMinute(server());
    await enterpriseAccount(server(), member.accountId);
    assert.equal(await accountType(server(), member.accountId), 'EnterpriseLWA');
    assert.deepEqual(await periodsOf(server(), member.accountId, member.userId), before);
    assert.equal(before[0]?.until, null);
  });

  it('auto-join moves a Team member to the domain’s account at sign-in; releasing the domain ends it there', async () => {
    const chime = server().client();
    const team = await newAccountId(chime);
    const domain = uniqueDomain();
    const member = await signedUpMember(server(), {
      accountId: team,
      email: `kai-${uniqueSuffix()}@${domain}`,
    });
    const { accountId: enterprise } = await enterpriseAccount(server(), undefined, domain);
    const moved = nextMinute(server());
    await signInThroughPages(server(), member.email);
    const joined = (await chimeUsers(server(), enterprise)).get(member.email)!;
    assert.equal(joined.UserRegistrationStatus, 'Registered');
    assert.equal((await periodsOf(server(), team, member.userId))[0]?.until, moved);
    assert.deepEqual((await periodsOf(server(), enterprise, joined.UserId!)).map(span), [[moved, null]]);

    const released = nextMinute(server());
    const answer = await domainApi(server()).release(enterprise, domain);
    assert.ok(answer.status < 300, answer.text);
    assert.deepEqual((await periodsOf(server(), enterprise, joined.UserId!)).map(span), [[moved, released]]);
  });

  it('SCIM: provisioned Pro is billable from registration, until deactivated or moved to Basic', async () => {
    const { accountId, domain } = await enterpriseAccount(server());
    const scim = scimClient(server(), (await mintToken(server(), accountId)).token);
    await mapGroups(server(), accountId, [
      { GroupName: 'chime-pro', Tier: 'Pro' },
      { GroupName: 'chime-basic', Tier: 'Basic' },
    ]);
    const email = `ada-${uniqueSuffix()}@${domain}`;
    const created = await scim.post('/Users', {
      schemas: [USER],
      userName: email,
      emails: [{ value: email, type: 'work', primary: true }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const scimId = created.body?.id as string;
    const pro = await scim.post('/Groups', {
      schemas: [GROUP],
      displayName: 'chime-pro',
      members: [{ value: scimId }],
    });
    const basic = await scim.post('/Groups', { schemas: [GROUP], displayName: 'chime-basic', members: [] });
    const userId = (await chimeUsers(server(), accountId)).get(email)!.UserId!;
    assert.deepEqual(await periodsOf(server(), accountId, userId), [], 'provisioned, not yet registered');

    const registered = nextMinute(server());
    await registerThroughPages(server(), email);
    await signInThroughPages(server(), email);
    assert.deepEqual((await periodsOf(server(), accountId, userId)).map(span), [[registered, null]]);

    const deactivated = nextMinute(server());
    const off = await scim.patch(`/Users/${scimId}`, patchOp({ op: 'replace', value: { active: false } }));
    assert.equal(off.status, 200, JSON.stringify(off.body));
    const reactivated = nextMinute(server());
    const on = await scim.patch(`/Users/${scimId}`, patchOp({ op: 'replace', value: { active: true } }));
    assert.equal(on.status, 200, JSON.stringify(on.body));

    const toBasic = nextMinute(server());
    const moved = await scim.patch(
      `/Groups/${basic.body?.id as string}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: scimId }] }),
    );
    assert.ok(moved.status < 300, JSON.stringify(moved.body));
    const left = await scim.patch(
      `/Groups/${pro.body?.id as string}`,
      patchOp({ op: 'remove', path: `members[value eq "${scimId}"]` }),
    );
    assert.ok(left.status < 300, JSON.stringify(left.body));
    assert.equal((await chimeUsers(server(), accountId)).get(email)!.LicenseType, 'Basic');
    assert.deepEqual((await periodsOf(server(), accountId, userId)).map(span), [
      [registered, deactivated],
      [reactivated, toBasic],
    ]);
  });
});

/** The directory every server of the AD suite reads; replaced per test. */
let directory = new FakeDirectory();
const directoryClient = {
  open: (settings: Parameters<FakeDirectory['open']>[0]) => directory.open(settings),
  bindAsUser: (settings: Parameters<FakeDirectory['open']>[0], dn: string, password: string) =>
    directory.bindAsUser(settings, dn, password),
};

await eachDialect(
  'Pro periods: Active Directory sync and sign-in',
  (server) => {
    it('starts at the first AD sign-in of a Pro user; a sync moving them to Basic or disabling them ends it', async () => {
      const domain = `corp-${uniqueSuffix()}.example`;
      directory = new FakeDirectory(domain);
      const { accountId } = await enterpriseAccount(server(), undefined, domain);
      ok(
        await directoryApi(server()).connect(accountId, {
          Type: 'ActiveDirectory',
          Urls: ['ldap://127.0.0.1'],
          BindDn: 'cn=svc,dc=corp',
          BindPassword: 'service-account-secret-4711',
          BaseDn: 'dc=corp',
        }),
      );
      ok(
        await directoryApi(server()).groups(accountId, [
          { GroupName: 'chime-pro', Tier: 'Pro' },
          { GroupName: 'chime-basic', Tier: 'Basic' },
        ]),
      );
      const grace = directory.user('grace');
      const alan = directory.user('alan');
      for (const person of [grace, alan]) directory.passwords.set(person.dn, 'correct horse battery');
      directory.group('chime-pro', ['grace', 'alan']);
      directory.group('chime-basic', []);
      assert.equal((await syncNow(server(), accountId, { Full: true })).Status, 'Applied');
      const users = await chimeUsers(server(), accountId);
      const graceId = users.get(grace.mail!)!.UserId!;
      const alanId = users.get(alan.mail!)!.UserId!;
      assert.deepEqual(await periodsOf(server(), accountId, graceId), [], 'synced, never signed in');

      const signedIn = nextMinute(server());
      await signInThroughPages(server(), grace.mail!);
      await signInThroughPages(server(), alan.mail!);
      assert.deepEqual((await periodsOf(server(), accountId, graceId)).map(span), [[signedIn, null]]);

      const synced = nextMinute(server());
      directory.group('chime-pro', ['alan']);
      directory.group('chime-basic', ['grace']);
      directory.user('alan', { userAccountControl: 514 });
      const run = await syncNow(server(), accountId, { Full: true });
      if (run.Status === 'Held') ok(await directoryApi(server()).approve(run.RunId));
      assert.deepEqual((await periodsOf(server(), accountId, graceId)).map(span), [[signedIn, synced]]);
      assert.deepEqual((await periodsOf(server(), accountId, alanId)).map(span), [[signedIn, synced]]);
    });
  },
  {},
  { directoryClient },
);
