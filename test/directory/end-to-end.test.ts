import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  BatchSuspendUserCommand,
  BatchUpdateUserCommand,
  ChimeServiceException,
  UpdateUserCommand,
} from '@aws-sdk/client-chime';
import type { DirectoryRun } from '../../src/api/chime/directory-extensions.js';
import { newAccountId } from '../helpers/accounts.js';
import { accountType, enterpriseAccountForRealm, usersByEmail } from '../helpers/directory-accounts.js';
import { connectionTo, directoryApi, ok, syncNow } from '../helpers/directory.js';
import { sambaSkipReason, seeded, startSamba, usersContainer, type SambaDc } from '../helpers/samba.js';
import { storedText } from '../helpers/stored-text.js';
import { eachDialect } from '../helpers/suite.js';

/**
 * Issue 13 end to end: a real Samba AD DC (one per dialect suite, started from the seeded
 * template), the real server, the extension operations over SigV4 and the Chime SDK. The seed:
 * alice in engineering, engineering in chime-pro; bob and carol in chime-basic; carol disabled.
 * The suite is one story, in order: each step starts from where the one before left the directory.
 */
const PRO = 'chime-pro';
const REALM = seeded.alice.mail.slice(seeded.alice.mail.indexOf('@') + 1);
const BASIC = 'chime-basic';
const MAPPING = [
  { GroupName: PRO, Tier: 'Pro' },
  { GroupName: BASIC, Tier: 'Basic' },
];

/** The SDK's refusal of a whole request, or the per-user error of a batch, as one message. */
async function refusalOf(send: Promise<object>): Promise<string> {
  try {
    const answer = (await send) as { UserErrors?: { ErrorMessage?: string }[] };
    const message = answer.UserErrors?.[0]?.ErrorMessage;
    assert.ok(message, `accepted: ${JSON.stringify(answer)}`);
    return message;
  } catch (error) {
    assert.ok(error instanceof ChimeServiceException, String(error));
    return error.message;
  }
}

await eachDialect(
  'Active Directory end to end',
  (server) => {
    let dc: SambaDc;
    let accountId: string;
    const api = () => directoryApi(server());
    const users = () => usersByEmail(server(), accountId);
    const idOf = async (email: string) => (await users()).get(email)?.UserId;
    before(async () => {
      dc = await startSamba();
    });
    after(() => dc?.stop());

    it('refuses to connect a Team account, and answers nothing but the error', async () => {
      const team = await newAccountId(server().client());
      const refused = await api().connect(team, connectionTo(dc));
      assert.ok(refused.status >= 400 && refused.status < 500, refused.text);
      assert.ok(refused.json.Message, refused.text);
      assert.equal(await accountType(server(), team), 'Team');
    });

    it('connects an EnterpriseLWA account, which becomes EnterpriseDirectory; no answer holds the password', async () => {
      accountId = await enterpriseAccountForRealm(server());
      const connected = await api().connect(accountId, connectionTo(dc, { BaseDn: usersContainer }));
      const view = ok(connected).Directory;
      assert.deepEqual(view.Urls, [dc.tlsUrl]);
      assert.equal(view.BindDn, dc.bindDn);
      assert.ok(!connected.text.includes(dc.bindPassword));
      assert.ok(!(await api().get(accountId)).text.includes(dc.bindPassword));
      assert.equal(await accountType(server(), accountId), 'EnterpriseDirectory');
    });

    it('tests the connection and names a mapped group the directory does not have', async () => {
      ok(await api().groups(accountId, [...MAPPING, { GroupName: 'no-such-group', Tier: 'Basic' }]));
      const report = ok(await api().test(accountId)).DirectoryTest;
      assert.equal(report.Ok, false);
      assert.equal(report.Bound, true);
      assert.ok(report.UsersFound >= 3, JSON.stringify(report));
      assert.ok(
        report.Problems.some((p: string) => p.includes('no-such-group')),
        JSON.stringify(report.Problems),
      );
      const pro = report.Groups.find((g: { GroupName: string }) => g.GroupName === PRO);
      assert.equal(pro?.Found, true);
    });

    it('previews a mapping without saving it, then saves it', async () => {
      const preview = ok(await api().groups(accountId, MAPPING, true));
      assert.equal(preview.Saved, false);
      for (const count of ['TierChanges', 'LoseSignIn', 'GainSignIn'])
        assert.equal(typeof preview.Preview[count], 'number');
      assert.equal(ok(await api().groups(accountId, MAPPING)).Saved, true);
      const byName = (a: { GroupName: string }, b: { GroupName: string }) =>
        a.GroupName.localeCompare(b.GroupName);
      assert.deepEqual(
        ok(await api().get(accountId)).Directory.Groups.sort(byName),
        [...MAPPING].sort(byName),
      );
      const tested = ok(await api().test(accountId)).DirectoryTest;
      assert.equal(tested.Ok, true, JSON.stringify(tested));
    });

    // Saving the mapping queued a full run, which already brought alice, bob and carol in; a
    // person added in AD since is what a dry run shows, and leaves out.
    it('reports a dry run without applying it', async () => {
      await server().runJobs(); // the run the mapping queued
      const dave = await dc.addUser({ name: 'dave', password: 'Passw0rd!Dave', mail: `dave@${REALM}` });
      await dc.addMembers(seeded.groups.chimePro, [dave]);
      const run = await syncNow(server(), accountId, { Full: true, DryRun: true });
      assert.equal(run.Status, 'Dry', JSON.stringify(run));
      assert.ok(
        run.Items?.some((i) => i.Action === 'Create' && i.PrimaryEmail === `dave@${REALM}`),
        JSON.stringify(run),
      );
      assert.equal((await users()).has(`dave@${REALM}`), false);
    });

    it('creates alice (Pro through engineering), bob (Basic) and carol (suspended: disabled), all in ListUsers', async () => {
      const run = await syncNow(server(), accountId, { Full: true });
      assert.equal(run.Status, 'Applied', JSON.stringify(run));
      const listed = await users();
      const [alice, bob, carol] = [seeded.alice, seeded.bob, seeded.carol].map((u) => listed.get(u.mail));
      assert.equal(alice?.LicenseType, 'Pro');
      assert.equal(alice?.UserRegistrationStatus, 'Unregistered');
      assert.equal(bob?.LicenseType, 'Basic');
      assert.equal(bob?.UserRegistrationStatus, 'Unregistered');
      assert.equal(carol?.UserRegistrationStatus, 'Suspended', JSON.stringify(run.Items));
      assert.ok(listed.has(`dave@${REALM}`), 'the dry run left dave for this run');
      const carolWhy = ok(await api().explain(accountId, seeded.carol.mail)).Explanation;
      assert.match(carolWhy.Summary, /userAccountControl|disabled/i, JSON.stringify(carolWhy));
      const runs = ok(await api().runs(accountId, { 'max-results': '1' }));
      assert.equal(runs.Runs.length, 1);
      assert.ok(runs.NextToken, 'more runs than one page');
    });

    it('refuses manual tier changes and BatchSuspendUser, naming the directory action', async () => {
      const chime = server().client();
      const bob = (await idOf(seeded.bob.mail))!;
      const messages = [
        await refusalOf(
          chime.send(new UpdateUserCommand({ AccountId: accountId, UserId: bob, LicenseType: 'Pro' })),
        ),
        await refusalOf(
          chime.send(
            new BatchUpdateUserCommand({
              AccountId: accountId,
              UpdateUserRequestItems: [{ UserId: bob, LicenseType: 'Pro' }],
            }),
          ),
        ),
        await refusalOf(chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [bob] }))),
      ];
      for (const message of messages) assert.match(message, /directory/i);
      assert.equal((await users()).get(seeded.bob.mail)?.LicenseType, 'Basic');
    });

    it('explains alice: alice → engineering → chime-pro → Pro', async () => {
      const explained = ok(await api().explain(accountId, seeded.alice.mail)).Explanation;
      assert.equal(explained.CanSignIn, true, JSON.stringify(explained));
      assert.equal(explained.Tier, 'Pro');
      assert.deepEqual(explained.Chains[0].Path, ['alice', 'engineering', PRO]);
      assert.ok(explained.LastChange?.RunId);
      const byId = ok(await api().explain(accountId, (await idOf(seeded.alice.mail))!)).Explanation;
      assert.equal(byId.PrimaryEmail, seeded.alice.mail);
    });

    it('keeps the user id of a renamed user', async () => {
      const bobId = await idOf(seeded.bob.mail);
      const renamed = await dc.renameEntry(seeded.bob.dn, 'robert');
      await dc.setAttributes(renamed, { mail: 'robert@corp.example.test' });
      assert.equal((await syncNow(server(), accountId, { Full: true })).Status, 'Applied');
      const listed = await users();
      assert.equal(listed.get('robert@corp.example.test')?.UserId, bobId);
      assert.equal(listed.get('robert@corp.example.test')?.LicenseType, 'Basic');
      assert.equal(listed.has(seeded.bob.mail), false);
    });

    it('suspends a user moved out of the base DN and restores the same user when they come back', async () => {
      const aliceId = await idOf(seeded.alice.mail);
      const departed = await dc.addOu('Departed');
      const moved = await dc.moveEntry(seeded.alice.dn, departed);
      const gone = await syncNow(server(), accountId, { Full: true });
      assert.equal(gone.Status, 'Applied', JSON.stringify(gone));
      assert.equal((await users()).get(seeded.alice.mail)?.UserRegistrationStatus, 'Suspended');
      await dc.moveEntry(moved, usersContainer);
      const back = await syncNow(server(), accountId, { Full: true });
      assert.ok(
        back.Items?.some((i) => i.Action === 'Restore' && i.UserId === aliceId),
        JSON.stringify(back),
      );
      const alice = (await users()).get(seeded.alice.mail);
      assert.equal(alice?.UserId, aliceId);
      assert.equal(alice?.LicenseType, 'Pro');
      assert.notEqual(alice?.UserRegistrationStatus, 'Suspended');
    });

    it('holds a run that finds a mapped group empty, and applies it once approved', async () => {
      const robert = `CN=robert,${usersContainer}`;
      await dc.removeMembers(`CN=${BASIC},${usersContainer}`, [robert, seeded.carol.dn]);
      const held = await syncNow(server(), accountId, { Full: true });
      assert.equal(held.Status, 'Held', JSON.stringify(held));
      assert.match(held.Reason ?? '', new RegExp(BASIC));
      assert.equal(ok(await api().get(accountId)).Directory.HeldRunId, held.RunId);
      assert.equal((await users()).get('robert@corp.example.test')?.LicenseType, 'Basic');

      const approved = ok(await api().approve(held.RunId)).Run as DirectoryRun;
      assert.ok(['Approved', 'Applied'].includes(approved.Status), JSON.stringify(approved));
      await server().runJobs();
      assert.equal((await users()).get('robert@corp.example.test')?.UserRegistrationStatus, 'Suspended');
      await dc.addMembers(`CN=${BASIC},${usersContainer}`, [robert, seeded.carol.dn]);
      assert.equal((await syncNow(server(), accountId, { Full: true })).Status, 'Applied');
      assert.notEqual((await users()).get('robert@corp.example.test')?.UserRegistrationStatus, 'Suspended');
    });

    it('holds or fails a run with a filter that finds nobody, suspends nobody, and applies nothing once rejected', async () => {
      const wrong = connectionTo(dc, {
        BaseDn: usersContainer,
        UserFilter: '(sAMAccountName=nobody-has-this)',
      });
      ok(await api().connect(accountId, wrong));
      const run = await syncNow(server(), accountId, { Full: true });
      assert.ok(['Held', 'Failed'].includes(run.Status), JSON.stringify(run));
      if (run.Status === 'Held')
        assert.equal((ok(await api().reject(run.RunId)).Run as DirectoryRun).Status, 'Rejected');
      await server().runJobs();
      assert.equal((await users()).get(seeded.alice.mail)?.LicenseType, 'Pro');
      assert.notEqual((await users()).get(seeded.alice.mail)?.UserRegistrationStatus, 'Suspended');
      ok(await api().connect(accountId, connectionTo(dc, { BaseDn: usersContainer })));
    });

    it('fails a run against a stopped DC and suspends nobody', async () => {
      await dc.kill();
      const run = await syncNow(server(), accountId, { Full: true });
      assert.equal(run.Status, 'Failed', JSON.stringify(run));
      assert.ok(run.Reason, 'the failure says why');
      const alice = (await users()).get(seeded.alice.mail);
      assert.equal(alice?.LicenseType, 'Pro');
      assert.notEqual(alice?.UserRegistrationStatus, 'Suspended');
    });

    it('never stored the bind password, and disconnecting returns the account to EnterpriseLWA', async () => {
      assert.ok(!(await storedText(server().database)).includes(dc.bindPassword));
      const disconnected = await api().disconnect(accountId);
      assert.equal(disconnected.status, 200, disconnected.text);
      assert.equal(disconnected.json.AccountType, 'EnterpriseLWA');
      assert.equal(await accountType(server(), accountId), 'EnterpriseLWA');
      assert.equal((await api().get(accountId)).status, 404);
    });
  },
  // A run suspending one of these few users is not held for its share: the hold is tested by an emptied group.
  { BELFRY_DIRECTORY_HOLD_PERCENT: '50' },
  { skip: sambaSkipReason() },
);
