import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import * as oidc from 'openid-client';
import { SignInRefused } from '../../src/domain/sign-in/index.js';
import { replaceGroupTiers } from '../../src/store/directories.js';
import { proPeriodsOfUser } from '../../src/store/pro-periods.js';
import { findUserByEmail } from '../../src/store/users.js';
import { newAccountId, uniqueSuffix } from '../helpers/accounts.js';
import { accountType } from '../helpers/directory-accounts.js';
import { directoryApi } from '../helpers/directory.js';
import { domainApi, domainOf } from '../helpers/domains.js';
import { SiteBrowser, startIdp, textOf, type Hop, type IdpPerson, type TestIdp } from '../helpers/idp.js';
import type { TestServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { storedText } from '../helpers/stored-text.js';
import { belfry } from '../cli/processes.js';
import { databaseUrlOf } from '../helpers/databases.js';
import { GROUP, mintToken, patchOp, scimClient, scimTokenApi, USER } from '../helpers/scim.js';
import { eachDialect } from '../helpers/suite.js';
import { authorizationRequest, freePort, registeredApp, startCallback, type App } from './flow.js';

/**
 * Sign-in through the organisation's OpenID provider (issue 14 item 5) against a real one on
 * loopback (oidc-provider issuing a groups claim): an app sends the person to Belfry, Belfry to
 * the IdP, the IdP back to Belfry, and Belfry on to the app with a code whose ID token has the tier.
 */

const port = await freePort();
const publicUrl = `http://127.0.0.1:${port}`;
const callback = await startCallback();
const idp = await startIdp({ redirectUri: `${publicUrl}/signin/idp/callback` });
after(async () => {
  await idp.close();
  await callback.close();
});

const MAPPING = [
  { groupName: 'chime-pro', tier: 'Pro' as const },
  { groupName: 'chime-basic', tier: 'Basic' as const },
];

/** An EnterpriseLWA account holding a new verified domain (operator override: no DNS here). */
async function enterpriseAccount(server: TestServer): Promise<{ accountId: string; domain: string }> {
  const accountId = await newAccountId(server.client());
  const domain = `corp-${uniqueSuffix()}.example`;
  domainOf(await domainApi(server).claim(accountId, domain));
  const verified = await signedFetch(server.url, server.operator, {
    method: 'POST',
    path: `/accounts/${accountId}/domains/${domain}`,
    query: { operation: 'verify' },
    body: { OperatorOverride: true, OverrideReason: 'no public DNS in tests' },
  });
  assert.equal(domainOf(verified).Status, 'Verified');
  return { accountId, domain };
}

/** The account, connected to `provider` through the extension operation and mapped. */
async function connectedAccount(server: TestServer, provider: TestIdp = idp) {
  const account = await enterpriseAccount(server);
  const connected = await directoryApi(server).connect(account.accountId, {
    Type: 'OpenIdConnect',
    Issuer: provider.issuer,
    ClientId: provider.clientId,
    ClientSecret: provider.clientSecret,
  });
  assert.equal(connected.status, 200, connected.text);
  await replaceGroupTiers(server.services.db, account.accountId, MAPPING, server.clock.now().toISOString());
  return account;
}

let address = 0;
const browser = () => new SiteBrowser({ 'x-forwarded-for': `203.0.113.${++address}` });

interface Flow {
  /** the last page the browser showed */
  page: Hop;
  browser: SiteBrowser;
  /** the tokens the app got, when it got a code */
  tokens?: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
}

/** A change to a URL on the way (the IdP's authorization request, Belfry's callback), once. */
interface Alter {
  at: (url: URL) => boolean;
  change: (url: URL) => void;
}

/**
 * An app's sign-in as a person runs it: the app's authorization request, Belfry's form with the
 * address, on to the IdP's form, the person's IdP password, back through Belfry to the app.
 */
async function appSignIn(
  app: App,
  person: IdpPerson,
  options: { browser?: SiteBrowser; alter?: Alter } = {},
): Promise<Flow> {
  const b = options.browser ?? browser();
  const { url, checks } = await authorizationRequest(app);
  const form = await b.get(url);
  assert.match(form.url.pathname, /^\/interaction\//, textOf(form));
  const stop = options.alter?.at;
  /** A URL the browser stopped at: changed, then followed. */
  const resume = async (page: Hop) => {
    if (page.status !== 0) return page;
    options.alter!.change(page.url);
    return b.get(page.url);
  };
  let page = await resume(await b.submit(form, { email: person.email }, stop));
  if (page.url.origin === idp.issuer && page.html.includes('name="username"'))
    page = await resume(await b.submit(page, { username: person.email, password: person.password }, stop));
  if (page.url.origin !== new URL(app.redirectUri).origin) return { page, browser: b };
  const tokens = await oidc.authorizationCodeGrant(app.config, page.url, checks);
  return { page, browser: b, tokens };
}

const tierOf = (flow: Flow) => flow.tokens?.claims()?.tier;

await eachDialect(
  'sign-in through the organisation’s IdP',
  (server) => {
    let app: App;
    before(async () => {
      app = await registeredApp(server(), callback.url);
    });

    it('signs a person in to Belfry and the app through the IdP, creating them just in time with the tier of their groups (Pro wins)', async () => {
      const { accountId, domain } = await connectedAccount(server());
      assert.equal(await accountType(server(), accountId), 'EnterpriseOIDC');
      const ana = idp.person(`ana@${domain}`, { groups: ['chime-basic', 'chime-pro', 'engineering'] });
      const flow = await appSignIn(app, ana);
      assert.ok(flow.tokens, textOf(flow.page));
      const claims = flow.tokens.claims()!;
      assert.equal(claims.email, ana.email);
      assert.equal(claims.account_id, accountId);
      assert.equal(claims.tier, 'Pro');
      assert.ok(
        flow.browser.visited.some((u) => u.origin === idp.issuer),
        'the browser went to the IdP',
      );
      const member = await findUserByEmail(server().services.db, accountId, ana.email);
      assert.equal(member?.license, 'Pro');
      assert.equal(member?.registrationStatus, 'Registered');
      // Signed in to Belfry too: its sign-in page knows the person.
      const signin = await flow.browser.get(`${server().url}/signin`);
      assert.match(textOf(signin), new RegExp(`You are signed in as ${ana.email}`));
    });

    it('re-derives the tier from the groups at each sign-in, and refuses one in no tier group', async () => {
      const { domain } = await connectedAccount(server());
      const ben = idp.person(`ben@${domain}`, { groups: ['chime-basic'] });
      assert.equal(tierOf(await appSignIn(app, ben)), 'Basic');
      ben.groups = ['chime-pro'];
      assert.equal(tierOf(await appSignIn(app, ben)), 'Pro');
      ben.groups = ['engineering'];
      const refused = await appSignIn(app, ben);
      assert.equal(refused.tokens, undefined);
      assert.equal(refused.page.status, 403);
      assert.match(textOf(refused.page), /You are in no group that may sign in/);
      ben.groups = ['chime-basic'];
      // The refusal suspended ben and ended his sessions at this instant; sign-ins after it count.
      server().clock.advance(1000);
      const back = await appSignIn(app, ben);
      assert.equal(tierOf(back), 'Basic', textOf(back.page));
    });

    it('starts a Pro period at the sign-in whose groups make the person Pro and ends it at the one making them Basic (issue 17)', async () => {
      const { accountId, domain } = await connectedAccount(server());
      const db = server().services.db;
      const fay = idp.person(`fay@${domain}`, { groups: ['chime-basic'] });
      assert.equal(tierOf(await appSignIn(app, fay)), 'Basic');
      const userId = (await findUserByEmail(db, accountId, fay.email))!.id;
      assert.deepEqual(await proPeriodsOfUser(db, accountId, userId), [], 'Basic is never billable');
      const signedIn = () => (server().clock.advance(60_000), server().clock.now().toISOString());
      const becamePro = signedIn();
      fay.groups = ['chime-pro'];
      assert.equal(tierOf(await appSignIn(app, fay)), 'Pro');
      const becameBasic = signedIn();
      fay.groups = ['chime-basic'];
      assert.equal(tierOf(await appSignIn(app, fay)), 'Basic');
      const periods = await proPeriodsOfUser(db, accountId, userId);
      assert.deepEqual(
        periods.map((p) => [p.from, p.until]),
        [[becamePro, becameBasic]],
      );
    });

    it('keeps the stored state when the ID token has no groups claim, and never creates someone from it', async () => {
      const { accountId, domain } = await connectedAccount(server());
      const cleo = idp.person(`cleo@${domain}`, { groups: ['chime-basic'] });
      assert.equal(tierOf(await appSignIn(app, cleo)), 'Basic');
      cleo.groups = undefined;
      assert.equal(tierOf(await appSignIn(app, cleo)), 'Basic', 'a missing claim is unknown, not "no tier"');
      const member = await findUserByEmail(server().services.db, accountId, cleo.email);
      assert.equal(member?.registrationStatus, 'Registered');
      const dan = idp.person(`dan@${domain}`, { groups: undefined });
      const refused = await appSignIn(app, dan);
      assert.equal(refused.tokens, undefined);
      assert.match(textOf(refused.page), /has not given you access to Belfry yet/);
    });

    it('keeps a person SCIM deactivated suspended, whatever groups their ID token names', async () => {
      const { accountId, domain } = await connectedAccount(server());
      const scim = scimClient(server(), (await mintToken(server(), accountId)).token);
      const email = `eva@${domain}`;
      const created = await scim.post('/Users', {
        schemas: [USER],
        userName: email,
        emails: [{ value: email, primary: true }],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body?.id as string;
      await scim.post('/Groups', { schemas: [GROUP], displayName: 'chime-pro', members: [{ value: id }] });
      const eva = idp.person(email, { groups: ['chime-pro'] });
      assert.equal(tierOf(await appSignIn(app, eva)), 'Pro');
      const off = await scim.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } }));
      assert.equal(off.status, 200, JSON.stringify(off.body));
      server().clock.advance(1000);
      const refused = await appSignIn(app, eva);
      assert.equal(refused.tokens, undefined, 'no code for the app');
      const member = await findUserByEmail(server().services.db, accountId, email);
      assert.equal(member?.registrationStatus, 'Suspended');
    });

    it('refuses an address the IdP has not verified, and a person SCIM has not provisioned', async () => {
      const { accountId, domain } = await connectedAccount(server());
      const eve = idp.person(`eve@${domain}`, { groups: ['chime-pro'], emailVerified: false });
      const unverified = await appSignIn(app, eve);
      assert.equal(unverified.tokens, undefined);
      assert.match(textOf(unverified.page), new RegExp(`has not verified the address ${eve.email}`));
      const at = server().clock.now().toISOString();
      await server()
        .services.db.insertInto('scim_tokens')
        .values({
          id: server().services.ids.uuid(),
          account_id: accountId,
          name: 'okta',
          token_hash: uniqueSuffix(),
          created_by: 'test',
          created_at: at,
          last_used_at: null,
          revoked_at: null,
        })
        .execute();
      const fay = idp.person(`fay@${domain}`, { groups: ['chime-pro'] });
      const unprovisioned = await appSignIn(app, fay);
      assert.equal(unprovisioned.tokens, undefined);
      assert.match(textOf(unprovisioned.page), /has not given you access to Belfry yet/);
      assert.equal(await findUserByEmail(server().services.db, accountId, fay.email), undefined);
    });

    it('refuses a wrong nonce, a wrong state, a replayed callback and the IdP’s own refusal, each with a sentence', async () => {
      const { domain } = await connectedAccount(server());
      const gus = idp.person(`gus@${domain}`, { groups: ['chime-pro'] });
      const toIdp = (url: URL) => url.origin === idp.issuer && url.pathname === '/auth';
      const toCallback = (url: URL) => url.pathname === '/signin/idp/callback';

      const nonce = await appSignIn(app, gus, {
        alter: { at: toIdp, change: (url) => url.searchParams.set('nonce', 'not-the-nonce') },
      });
      assert.equal(nonce.tokens, undefined);
      assert.equal(nonce.page.status, 403);
      assert.match(textOf(nonce.page), /could not accept your identity provider’s answer/);

      const state = await appSignIn(app, gus, {
        alter: { at: toCallback, change: (url) => url.searchParams.set('state', 'forged') },
      });
      assert.equal(state.tokens, undefined);
      assert.match(textOf(state.page), /the state does not match/);

      let seen: URL | undefined;
      const first = await appSignIn(app, gus, {
        alter: { at: (url) => toCallback(url) && !seen, change: (url) => (seen = new URL(url)) },
      });
      assert.ok(first.tokens, textOf(first.page));
      const replay = await first.browser.get(seen!);
      assert.equal(replay.status, 403);
      assert.match(textOf(replay), /not known to this browser, or was already used/);

      const denied = await appSignIn(app, { ...gus, password: 'wrong' });
      assert.equal(denied.tokens, undefined);
      assert.match(textOf(denied.page), /did not sign you in \(access_denied: wrong username or password\)/);
    });

    it('says so on the sign-in page when the IdP cannot be reached', async () => {
      const down = await startIdp({ redirectUri: `${publicUrl}/signin/idp/callback` });
      const { domain } = await connectedAccount(server(), down);
      await down.close();
      const b = browser();
      const page = await b.submit(await b.get(`${server().url}/signin`), { email: `hal@${domain}` });
      assert.equal(page.status, 503);
      assert.match(textOf(page), /identity provider cannot be reached/);
    });

    it('refuses a Belfry password for an address of the IdP-connected account', async () => {
      const { domain } = await connectedAccount(server());
      const ivy = idp.person(`ivy@${domain}`, { groups: ['chime-pro'] });
      assert.ok((await appSignIn(app, ivy)).tokens);
      await assert.rejects(
        server().services.identities.signIn(ivy.email, ivy.password, { sourceIp: '203.0.113.250' }),
        (e) => e instanceof SignInRefused && e.refusal.code === 'use_identity_provider',
      );
      // Belfry's own form does not check a password for it: it sends the person to the IdP.
      const b = browser();
      const page = await b.submit(await b.get(`${server().url}/signin`), {
        email: ivy.email,
        password: 'anything',
      });
      assert.equal(page.url.origin, idp.issuer);
    });

    it('connects, shows, tests and disconnects through the extension operations, never showing the secret', async () => {
      const { accountId } = await enterpriseAccount(server());
      const api = directoryApi(server());
      const unreachable = await api.connect(accountId, {
        Type: 'OpenIdConnect',
        Issuer: 'http://127.0.0.1:9/',
        ClientId: 'x',
        ClientSecret: 'y',
      });
      assert.equal(unreachable.status, 400);
      assert.match(unreachable.json.Message, /cannot be reached/);
      const notProvider = await api.connect(accountId, {
        Type: 'OpenIdConnect',
        Issuer: `${server().url}/signin`,
        ClientId: 'x',
        ClientSecret: 'y',
      });
      assert.equal(notProvider.status, 400);
      assert.match(notProvider.json.Message, /did not answer as an OpenID provider/);
      assert.equal(await accountType(server(), accountId), 'EnterpriseLWA');

      const connected = await api.connect(accountId, {
        Type: 'OpenIdConnect',
        Issuer: idp.issuer,
        ClientId: idp.clientId,
        ClientSecret: idp.clientSecret,
        GroupsClaim: 'roles',
      });
      assert.equal(connected.status, 200, connected.text);
      assert.equal(await accountType(server(), accountId), 'EnterpriseOIDC');
      const shown = await api.get(accountId);
      assert.deepEqual(
        { ...shown.json.Directory, ConnectedTimestamp: undefined, UpdatedTimestamp: undefined },
        {
          AccountId: accountId,
          Type: 'OpenIdConnect',
          Issuer: idp.issuer,
          ClientId: idp.clientId,
          GroupsClaim: 'roles',
          RedirectUri: `${publicUrl}/signin/idp/callback`,
          Groups: [],
          LiveScimTokens: 0,
          ConnectedTimestamp: undefined,
          UpdatedTimestamp: undefined,
        },
      );
      assert.ok(!shown.text.includes(idp.clientSecret) && !connected.text.includes(idp.clientSecret));
      assert.ok(!(await storedText(server().database)).includes(idp.clientSecret), 'sealed at rest');
      const tested = await api.test(accountId);
      assert.equal(tested.json.DirectoryTest.Discovered, true);
      assert.deepEqual(tested.json.DirectoryTest.Problems, [
        'No group is mapped to a tier yet: nobody can sign in.',
      ]);

      const disconnected = await api.disconnect(accountId);
      assert.equal(disconnected.status, 200, disconnected.text);
      assert.equal(disconnected.json.AccountType, 'EnterpriseLWA');
      assert.equal(await accountType(server(), accountId), 'EnterpriseLWA');
      assert.equal((await api.get(accountId)).status, 404);
    });

    it('keeps the account EnterpriseOIDC after a disconnect while a SCIM token lives, and returns it once revoked', async () => {
      const { accountId } = await connectedAccount(server());
      const { tokenId } = await mintToken(server(), accountId, 'entra');
      assert.equal((await directoryApi(server()).get(accountId)).json.Directory.LiveScimTokens, 1);
      const disconnected = await directoryApi(server()).disconnect(accountId);
      assert.equal(disconnected.json.AccountType, 'EnterpriseOIDC');
      assert.match(disconnected.json.Reason, /1 SCIM token\(s\) still provision this account/);
      assert.equal(await accountType(server(), accountId), 'EnterpriseOIDC');
      // revoking keeps the type; a second disconnect, with no provider left, returns the account
      assert.equal((await scimTokenApi(server()).revoke(accountId, tokenId)).status, 200);
      assert.equal(await accountType(server(), accountId), 'EnterpriseOIDC');
      const again = await directoryApi(server()).disconnect(accountId);
      assert.equal(again.status, 200, JSON.stringify(again.json));
      assert.equal(again.json.AccountType, 'EnterpriseLWA');
      assert.equal(await accountType(server(), accountId), 'EnterpriseLWA');
    });

    it('connects, shows and disconnects with the CLI: the redirect URI to register is printed, the secret never', async () => {
      const { accountId } = await enterpriseAccount(server());
      const dir = mkdtempSync(join(tmpdir(), 'belfry-idp-cli-'));
      after(() => rmSync(dir, { recursive: true, force: true }));
      const secretFile = join(dir, 'client-secret');
      writeFileSync(secretFile, `${idp.clientSecret}\n`, { mode: 0o600 });
      const cli = async (...args: string[]) =>
        belfry(
          {
            BELFRY_DATA_DIR: dir,
            DATABASE_URL: await databaseUrlOf(server().database),
            // the key the test servers seal with (test/helpers/server.ts)
            BELFRY_MASTER_KEY: '07'.repeat(32),
            BELFRY_PUBLIC_URL: publicUrl,
          },
          ['directory', ...args],
          dir,
        );
      const connected = await cli(
        'connect',
        accountId,
        '--type',
        'oidc',
        '--issuer',
        idp.issuer,
        '--client-id',
        idp.clientId,
        '--client-secret-file',
        secretFile,
      );
      assert.equal(connected.code, 0, connected.stderr);
      assert.match(
        connected.stdout,
        new RegExp(`redirect URI at the identity provider: ${publicUrl}/signin/idp/callback`),
      );
      assert.match(connected.stdout, /groups claim: groups/);
      assert.equal(await accountType(server(), accountId), 'EnterpriseOIDC');
      const shown = await cli('show', accountId, '--json');
      assert.equal(JSON.parse(shown.stdout).issuer, idp.issuer);
      const tested = await cli('test', accountId);
      assert.match(tested.stdout, /answers as an OpenID provider/);
      for (const out of [connected, shown, tested])
        assert.ok(!(out.stdout + out.stderr).includes(idp.clientSecret));
      const disconnected = await cli('disconnect', accountId);
      assert.equal(disconnected.code, 0, disconnected.stderr);
      assert.match(disconnected.stdout, /the account is EnterpriseLWA/);
      assert.equal(await accountType(server(), accountId), 'EnterpriseLWA');
    });

    it('refuses Team accounts and AD-connected ones', async () => {
      const team = await newAccountId(server().client());
      const body = {
        Type: 'OpenIdConnect',
        Issuer: idp.issuer,
        ClientId: idp.clientId,
        ClientSecret: idp.clientSecret,
      };
      const refused = await directoryApi(server()).connect(team, body);
      assert.equal(refused.status, 422, refused.text);
      assert.match(refused.json.Message, /Team account: claim and verify a domain first/);
      const { accountId } = await enterpriseAccount(server());
      await server()
        .services.db.updateTable('accounts')
        .set({ account_type: 'EnterpriseDirectory' })
        .where('id', '=', accountId)
        .execute();
      const ad = await directoryApi(server()).connect(accountId, body);
      assert.match(ad.json.Message, /one directory per account/);
    });
  },
  { PORT: String(port), BELFRY_PUBLIC_URL: publicUrl },
);
