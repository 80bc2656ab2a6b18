import assert from 'node:assert/strict';
import { it } from 'node:test';
import { uniqueSuffix } from '../helpers/accounts.js';
import { registerThroughPages, trySignInThroughPages } from '../helpers/pages.js';
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

/**
 * Issue 14 item 1: an account's provisioned people sign in with their Belfry password until an
 * OpenID provider is connected. The person the IdP pushed registers an identity with the same
 * address and becomes that very member (Registered, the tier their SCIM groups give); once the IdP
 * deactivates them, the password no longer signs them in.
 */
await eachDialect(
  'SCIM: provisioned people sign in with their Belfry password until an IdP is connected',
  (server) => {
    it('signs a provisioned person in as their member, and not once deactivated', async () => {
      const { accountId, domain } = await enterpriseAccount(server());
      const scim = scimClient(server(), (await mintToken(server(), accountId)).token);
      await mapGroups(server(), accountId, [{ GroupName: 'chime-pro', Tier: 'Pro' }]);
      const email = `mira-${uniqueSuffix()}@${domain}`;
      const created = await scim.post('/Users', {
        schemas: [USER],
        userName: email,
        emails: [{ value: email, type: 'work', primary: true }],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const scimId = created.body?.id as string;
      await scim.post('/Groups', {
        schemas: [GROUP],
        displayName: 'chime-pro',
        members: [{ value: scimId }],
      });
      const provisioned = (await chimeUsers(server(), accountId)).get(email)!;
      assert.equal(provisioned.UserRegistrationStatus, 'Unregistered');
      assert.equal(provisioned.LicenseType, 'Pro');

      await registerThroughPages(server(), email);
      assert.equal((await trySignInThroughPages(server(), email)).signedIn, true);
      const member = (await chimeUsers(server(), accountId)).get(email)!;
      assert.equal(member.UserId, provisioned.UserId, 'the provisioned member, not a second one');
      assert.equal(member.UserRegistrationStatus, 'Registered');
      assert.equal(member.LicenseType, 'Pro');

      const off = await scim.patch(`/Users/${scimId}`, patchOp({ op: 'replace', value: { active: false } }));
      assert.equal(off.status, 200, JSON.stringify(off.body));
      const refused = await trySignInThroughPages(server(), email);
      assert.equal(refused.signedIn, false);
      assert.match(refused.page.html, /suspended/i);
    });
  },
);
