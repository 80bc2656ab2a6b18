import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import * as oidc from 'openid-client';
import {
  BadRequestException,
  CreateUserCommand,
  InviteUsersCommand,
  ListUsersCommand,
  UpdateAccountCommand,
  type ChimeClient,
} from '@aws-sdk/client-chime';
import { newAccountId, uniqueSuffix } from '../helpers/accounts.js';
import { Browser } from '../helpers/browser.js';
import { startTestDns } from '../helpers/dns.js';
import { domainApi, domainOf, uniqueDomain, verifiedDomain } from '../helpers/domains.js';
import { MEMBER_PASSWORD, signedUpMember } from '../helpers/members.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import { eachDialect } from '../helpers/suite.js';
import { registerThroughPages, signInThroughPages } from '../helpers/pages.js';
import { freePort, registeredApp, signIn, startCallback } from '../oidc/flow.js';

const dns = await startTestDns();
const callback = await startCallback();
after(async () => {
  await dns.close();
  await callback.close();
});

async function memberOf(chime: ChimeClient, accountId: string, email: string) {
  const { Users } = await chime.send(new ListUsersCommand({ AccountId: accountId, UserEmail: email }));
  return Users?.[0];
}

await eachDialect(
  'claimed domains: auto-join',
  (server) => {
    it('makes a person on a verified domain a member at sign-in, on the account default tier', async () => {
      const chime = server().client();
      const accountId = await newAccountId(chime);
      await chime.send(new UpdateAccountCommand({ AccountId: accountId, DefaultLicense: 'Basic' }));
      const api = domainApi(server());
      const name = uniqueDomain();
      const claim = domainOf(await api.claim(accountId, name));
      // Registered while the claim was pending: nothing to join yet.
      const email = `ann-${uniqueSuffix()}@${name}`;
      await registerThroughPages(server(), email);
      assert.equal(await memberOf(chime, accountId, email), undefined);

      dns.txt.set(claim.TxtRecordName, [claim.TxtRecordValue]);
      assert.equal(domainOf(await api.verify(accountId, name)).Status, 'Verified');
      await signInThroughPages(server(), email);
      const member = await memberOf(chime, accountId, email);
      assert.equal(member?.UserRegistrationStatus, 'Registered');
      assert.equal(member?.LicenseType, 'Basic');
      // A second sign-in changes nothing.
      await signInThroughPages(server(), email);
      const { Users } = await chime.send(new ListUsersCommand({ AccountId: accountId }));
      assert.equal(Users?.filter((u) => u.PrimaryEmail === email).length, 1);
    });

    it('joins at once when the address is confirmed after the domain was verified', async () => {
      const chime = server().client();
      const accountId = await newAccountId(chime);
      const name = await verifiedDomain(server(), dns, accountId);
      const email = `cy-${uniqueSuffix()}@${name.toUpperCase()}`;
      await registerThroughPages(server(), email);
      assert.equal((await memberOf(chime, accountId, email))?.UserRegistrationStatus, 'Registered');
    });

    it('moves a Team member on the domain to the domain account at sign-in; Team accounts cannot invite or add people on the domain', async () => {
      const chime = server().client();
      const [enterprise, team, otherTeam] = [
        await newAccountId(chime),
        await newAccountId(chime),
        await newAccountId(chime),
      ];
      const name = uniqueDomain();
      const claim = domainOf(await domainApi(server()).claim(enterprise, name));
      const bob = await signedUpMember(server(), { accountId: team, email: `bob-${uniqueSuffix()}@${name}` });
      dns.txt.set(claim.TxtRecordName, [claim.TxtRecordValue]);
      await domainApi(server()).verify(enterprise, name);

      await rejectsWith(
        chime.send(new InviteUsersCommand({ AccountId: otherTeam, UserEmailList: [`carol@${name}`] })),
        BadRequestException,
        /claimed by another account/,
      );
      await rejectsWith(
        chime.send(new CreateUserCommand({ AccountId: otherTeam, Email: `dan@${name}` })),
        BadRequestException,
        /dan@.* cannot be added: .* claimed by another account/,
      );
      assert.equal(await memberOf(chime, otherTeam, `dan@${name}`), undefined);
      // Still a Team member until they sign in.
      assert.equal((await memberOf(chime, team, bob.email))?.UserId, bob.userId);
      await signInThroughPages(server(), bob.email);
      assert.equal(await memberOf(chime, team, bob.email), undefined);
      assert.equal((await memberOf(chime, enterprise, bob.email))?.UserRegistrationStatus, 'Registered');
      const trail = await server()
        .services.db.selectFrom('audit_events')
        .select(['account_id', 'operation', 'user_id'])
        .where('operation', '=', 'AutoJoinAccount')
        .where('account_id', 'in', [team, enterprise])
        .execute();
      assert.deepEqual(trail.map((e) => e.account_id).sort(), [enterprise, team].sort());
    });

    it("moves a Team member to the domain's account at their next app sign-in, asking for the password though a session is live", async () => {
      const chime = server().client();
      const [enterprise, team] = [await newAccountId(chime), await newAccountId(chime)];
      const name = uniqueDomain();
      const claim = domainOf(await domainApi(server()).claim(enterprise, name));
      const eve = await signedUpMember(server(), { accountId: team, email: `eve-${uniqueSuffix()}@${name}` });
      const app = await registeredApp(server(), callback.url);
      const browser = new Browser(server().url);
      const credentials = { email: eve.email, password: MEMBER_PASSWORD };
      const before = await signIn(app, browser, credentials);
      assert.ok(before.ok);
      assert.equal(before.tokens.claims()!.account_id, team);
      const quietly = await signIn(app, browser);
      assert.ok(quietly.ok, 'a live session signs in without the password');

      dns.txt.set(claim.TxtRecordName, [claim.TxtRecordValue]);
      await domainApi(server()).verify(enterprise, name);
      // The live session no longer vouches for her: the app's request shows the password form.
      const asked = await browser.get(
        oidc.buildAuthorizationUrl(app.config, {
          redirect_uri: app.redirectUri,
          scope: 'openid',
          code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
        }).href,
      );
      assert.equal(asked.status, 200);
      assert.ok(asked.path.startsWith('/interaction/'), `ended on ${asked.path}`);
      assert.equal((await memberOf(chime, team, eve.email))?.UserId, eve.userId, 'nothing moved yet');
      // Her password sign-in moves her (this one on Belfry's own page, which signs her out of her
      // other sessions); the app then signs her in as a member of the domain's account.
      await signInThroughPages(server(), eve.email);
      assert.equal(await memberOf(chime, team, eve.email), undefined);
      server().clock.advance(1000);
      const after = await signIn(app, browser, credentials);
      assert.ok(after.ok);
      assert.equal(after.tokens.claims()!.account_id, enterprise);
    });

    it('leaves a member of another Enterprise account where they are', async () => {
      const chime = server().client();
      const [enterprise, other] = [await newAccountId(chime), await newAccountId(chime)];
      const name = uniqueDomain();
      const claim = domainOf(await domainApi(server()).claim(enterprise, name));
      const dee = await signedUpMember(server(), {
        accountId: other,
        email: `dee-${uniqueSuffix()}@${name}`,
        type: 'EnterpriseLWA',
      });
      dns.txt.set(claim.TxtRecordName, [claim.TxtRecordValue]);
      await domainApi(server()).verify(enterprise, name);
      await signInThroughPages(server(), dee.email);
      assert.equal((await memberOf(chime, other, dee.email))?.UserId, dee.userId);
      assert.equal(await memberOf(chime, enterprise, dee.email), undefined);
    });
  },
  // A known port: the OpenID issuer is built from it.
  { DNS_SERVERS: dns.address, PORT: String(await freePort()) },
);
