import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { DirectoryRun } from '../../src/api/chime/directory-extensions.js';
import {
  chimeUsers,
  enterpriseAccount,
  GROUP,
  mapGroups,
  mintToken,
  scimClient,
  USER,
} from '../helpers/scim.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { newMember } from '../../src/domain/users/rules.js';
import { insertUsers } from '../../src/store/users.js';
import { eachDialect } from '../helpers/suite.js';

/**
 * The directory mapping in an EnterpriseOIDC account without Active Directory: the preview and
 * the run that applies a saved mapping read what the IdP pushed over SCIM, exactly as AD
 * accounts read their last sync; runs and their reports are listed the same way.
 */
/** Suspending one of two users is 50 %: above the default hold share, which AD tests cover. */
const HOLD = { BELFRY_DIRECTORY_HOLD_PERCENT: '90' };

await eachDialect(
  'SCIM groups mapped to tiers',
  (server) => {
    it('lists pushed users Suspended until a mapping names their group; saving it restores them by a run', async () => {
      const { accountId, domain } = await enterpriseAccount(server());
      const scim = scimClient(server(), (await mintToken(server(), accountId)).token);
      const ids: string[] = [];
      for (const name of ['erin', 'fred']) {
        const created = await scim.post('/Users', {
          schemas: [USER],
          userName: `${name}@${domain}`,
          emails: [{ value: `${name}@${domain}`, primary: true }],
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        ids.push(created.body?.id);
      }
      const pro = await scim.post('/Groups', {
        schemas: [GROUP],
        displayName: 'Chime-Pro',
        members: [{ value: ids[0] }],
      });
      assert.equal(pro.status, 201, JSON.stringify(pro.body));
      await scim.post('/Groups', {
        schemas: [GROUP],
        displayName: 'chime-basic',
        members: ids.map((value) => ({ value })),
      });
      let users = await chimeUsers(server(), accountId);
      assert.equal(
        users.get(`erin@${domain}`)!.UserRegistrationStatus,
        'Suspended',
        'no mapping yet: no tier',
      );

      const preview = await mapGroups(
        server(),
        accountId,
        [
          { GroupName: 'chime-pro', Tier: 'Pro' },
          { GroupName: 'chime-basic', Tier: 'Basic' },
        ],
        true,
      );
      assert.equal(preview.Saved, false);
      assert.equal(preview.Preview.GainSignIn, 2);
      users = await chimeUsers(server(), accountId);
      assert.equal(
        users.get(`erin@${domain}`)!.UserRegistrationStatus,
        'Suspended',
        'a preview changes nothing',
      );

      const saved = await mapGroups(server(), accountId, [
        { GroupName: 'chime-pro', Tier: 'Pro' },
        { GroupName: 'chime-basic', Tier: 'Basic' },
      ]);
      assert.equal(saved.Saved, true);
      assert.ok(saved.RunId);
      await server().runJobs();
      const run = await signedFetch(server().url, server().operator, {
        method: 'GET',
        path: `/directory-runs/${saved.RunId}`,
      });
      const report = run.json.Run as DirectoryRun;
      assert.equal(report.Status, 'Applied', JSON.stringify(report));
      assert.equal(report.Counts.Restored, 2);
      users = await chimeUsers(server(), accountId);
      assert.equal(users.get(`erin@${domain}`)!.LicenseType, 'Pro', 'Pro wins');
      assert.equal(users.get(`erin@${domain}`)!.UserRegistrationStatus, 'Unregistered');
      assert.equal(users.get(`fred@${domain}`)!.LicenseType, 'Basic');

      // a sync on demand re-applies what the IdP pushed (a dry one only reports)
      const dry = await signedFetch(server().url, server().operator, {
        method: 'POST',
        path: `/accounts/${accountId}/directory/runs`,
        body: { DryRun: true },
      });
      assert.equal(dry.status, 201, JSON.stringify(dry.json));
      await server().runJobs();
      const dryRun = await signedFetch(server().url, server().operator, {
        method: 'GET',
        path: `/directory-runs/${(dry.json.Run as DirectoryRun).RunId}`,
      });
      assert.equal((dryRun.json.Run as DirectoryRun).Status, 'Dry');
      assert.equal((dryRun.json.Run as DirectoryRun).Counts.Unchanged, 2);

      const runs = await signedFetch(server().url, server().operator, {
        method: 'GET',
        path: `/accounts/${accountId}/directory/runs`,
      });
      assert.equal(runs.status, 200);
      assert.deepEqual(
        (runs.json.Runs as DirectoryRun[]).map((r) => r.RunId),
        [(dry.json.Run as DirectoryRun).RunId, saved.RunId],
      );

      // a group that no longer leads to a tier: the next mapping run suspends, by the same rule
      const unmapped = await mapGroups(server(), accountId, [{ GroupName: 'chime-pro', Tier: 'Pro' }]);
      await server().runJobs();
      users = await chimeUsers(server(), accountId);
      assert.equal(users.get(`fred@${domain}`)!.UserRegistrationStatus, 'Suspended');
      assert.equal(users.get(`erin@${domain}`)!.UserRegistrationStatus, 'Unregistered');
      const explained = await signedFetch(server().url, server().operator, {
        method: 'GET',
        path: `/accounts/${accountId}/directory/explain`,
        query: { user: `fred@${domain}` },
      });
      const explanation = explained.json.Explanation as { CanSignIn: boolean; Summary: string };
      assert.equal(explanation.CanSignIn, false);
      assert.match(explanation.Summary, /no group mapped to a tier/);
      assert.ok(unmapped.RunId);
    });

    it('ties a member who joined before provisioning to their SCIM user instead of adding them twice', async () => {
      const { accountId, domain } = await enterpriseAccount(server());
      const member = newMember(
        {
          id: server().services.ids.uuid(),
          accountId,
          email: `gina@${domain}`,
          displayName: 'Gina',
          license: 'Pro',
          userType: 'PrivateUser',
          joined: 'registered',
        },
        new Date().toISOString(),
      );
      await insertUsers(server().database.db, [member]);
      const scim = scimClient(server(), (await mintToken(server(), accountId)).token);
      await mapGroups(server(), accountId, [{ GroupName: 'chime-basic', Tier: 'Basic' }]);
      const created = await scim.post('/Users', {
        schemas: [USER],
        userName: `Gina@${domain}`,
        emails: [{ value: `gina@${domain}`, primary: true }],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await scim.post('/Groups', {
        schemas: [GROUP],
        displayName: 'chime-basic',
        members: [{ value: created.body?.id }],
      });
      const users = await chimeUsers(server(), accountId);
      assert.equal(users.size, 1);
      const gina = users.get(`gina@${domain}`)!;
      assert.equal(gina.UserId, member.id, 'the same Belfry user');
      assert.equal(gina.UserRegistrationStatus, 'Registered');
      assert.equal(gina.LicenseType, 'Basic', 'the IdP decides the tier from now on');
      // a second SCIM user with the same address is refused
      const twice = await scim.post('/Users', {
        schemas: [USER],
        userName: `gina2@${domain}`,
        emails: [{ value: `gina@${domain}`, primary: true }],
      });
      assert.equal(twice.status, 409, JSON.stringify(twice.body));
      assert.equal(twice.body?.scimType, 'uniqueness');
    });
  },
  HOLD,
);
