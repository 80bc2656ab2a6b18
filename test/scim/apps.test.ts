import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { systemActor } from '../../src/domain/access/actor.js';
import { newAccountId } from '../helpers/accounts.js';
import { uniqueDomain } from '../helpers/domains.js';
import { signedUpMember } from '../helpers/members.js';
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
import { eachDialect } from '../helpers/suite.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const receiver = await startWebhookReceiver();
after(() => receiver.stop());

/**
 * What the apps hear: a registered member, tied to the SCIM user their IdP pushes, is suspended
 * by `active:false` and every app's webhook is told (`suspended`), then `unsuspended`.
 */
await eachDialect(
  'SCIM deactivation tells the apps',
  (server) => {
    it('delivers suspended and unsuspended for a registered member the IdP deactivates and restores', async () => {
      const operator = systemActor('test');
      const app = await server().services.oidc.clients.createClient(operator, {
        name: 'Calls',
        redirectUris: ['http://127.0.0.1:9/callback'],
      });
      const url = `${receiver.url}?app=${app.clientId}`;
      await server().services.appWebhooks.setAppWebhook(operator, app.clientId, url);
      const path = new URL(url).pathname + new URL(url).search;

      const domain = uniqueDomain();
      const accountId = await newAccountId(server().client());
      const member = await signedUpMember(server(), { accountId, email: `hana@${domain}` });
      await enterpriseAccount(server(), accountId, domain);
      const scim = scimClient(server(), (await mintToken(server(), accountId)).token);
      await mapGroups(server(), accountId, [{ GroupName: 'chime-pro', Tier: 'Pro' }]);
      const created = await scim.post('/Users', {
        schemas: [USER],
        userName: member.email,
        emails: [{ value: member.email, primary: true }],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body?.id as string;
      await scim.post('/Groups', { schemas: [GROUP], displayName: 'chime-pro', members: [{ value: id }] });
      const user = (await chimeUsers(server(), accountId)).get(member.email)!;
      assert.equal(user.UserId, member.userId);
      assert.equal(user.UserRegistrationStatus, 'Registered');

      await server().runJobs();
      const before = receiver.received.filter((d) => d.path === path).length;
      const off = await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } }));
      assert.equal(off.status, 200, JSON.stringify(off.body));
      const on = await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: true } }));
      assert.equal(on.status, 200, JSON.stringify(on.body));
      await server().runJobs();
      const events = receiver.received
        .filter((d) => d.path === path)
        .slice(before)
        .map((d) => JSON.parse(d.body) as { reason: string; sub: string });
      assert.deepEqual(
        events.map((e) => [e.reason, e.sub]),
        [
          ['suspended', member.sub],
          ['unsuspended', member.sub],
        ],
      );
      assert.equal(
        (await chimeUsers(server(), accountId)).get(member.email)!.UserRegistrationStatus,
        'Registered',
      );
    });
  },
  { BELFRY_WEBHOOK_ALLOW_PRIVATE: '127.0.0.0/8' },
);
