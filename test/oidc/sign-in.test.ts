import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  BatchSuspendUserCommand,
  CreateUserCommand,
  LogoutUserCommand,
  UpdateUserCommand,
  UpdateUserSettingsCommand,
} from '@aws-sdk/client-chime';
import * as oidc from 'openid-client';
import { updateAccount } from '../../src/store/accounts.js';
import { Browser, textOf } from '../helpers/browser.js';
import { mailedLink } from '../helpers/mailed-links.js';
import { giveNumber } from '../helpers/phone-numbers.js';
import { eachDialect } from '../helpers/suite.js';
import {
  authorizationPage,
  freePort,
  person,
  refusalOf,
  registeredApp,
  signedIn,
  signIn,
  startCallback,
  teamAccount,
  type App,
  PASSWORD,
} from './flow.js';

const port = await freePort();
const callback = await startCallback();
after(() => callback.close());

await eachDialect(
  'OpenID provider: sign-in, claims, refresh and revocation',
  (server) => {
    let app: App;
    before(async () => {
      app = await registeredApp(server(), callback.url);
    });

    it('publishes discovery and a JWKS for the issuer under /oidc', async () => {
      const metadata = app.config.serverMetadata();
      assert.equal(metadata.issuer, `${server().url}/oidc`);
      assert.equal(metadata.authorization_endpoint, `${server().url}/oidc/auth`);
      assert.deepEqual(metadata.response_types_supported, ['code']);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      for (const scope of ['openid', 'email', 'phone', 'belfry'])
        assert.ok(metadata.scopes_supported?.includes(scope), scope);
      assert.deepEqual([...metadata.id_token_signing_alg_values_supported!].sort(), ['ES256', 'RS256']);
      const jwks = (await (await fetch(metadata.jwks_uri!)).json()) as {
        keys: Array<Record<string, string>>;
      };
      // One key per algorithm: ES256 for apps by default, RS256 for the apps registered for it.
      assert.deepEqual(jwks.keys.map((k) => [k.alg, k.kty]).sort(), [
        ['ES256', 'EC'],
        ['RS256', 'RSA'],
      ]);
      for (const key of jwks.keys) assert.equal(key.d, undefined, 'only the public half is published');
    });

    it('signs a Pro member in with the code flow and PKCE; the ID token carries account, tier and entitlements', async () => {
      const accountId = await teamAccount(server());
      const pro = await person(server(), { accountId, license: 'Pro' });
      const browser = new Browser(server().url);
      const outcome = await signIn(app, browser, { email: pro.email });
      assert.ok(outcome.ok);
      assert.match(textOf(outcome.pages[0]!), /Sign in to continue/);
      const cookies = outcome.pages.flatMap((p) => p.setCookies);
      assert.ok(cookies.some((c) => c.startsWith('_session=')));
      assert.ok(
        !cookies.some((c) => /;\s*secure/i.test(c)),
        'no Secure cookies while the public URL is http',
      );
      const claims = outcome.tokens.claims()!;
      assert.equal(claims.sub, pro.identityId);
      assert.equal(claims.email, pro.email);
      assert.equal(claims.email_verified, true);
      assert.equal(claims.account_id, accountId);
      assert.equal(claims.user_id, pro.userId, "the member's UserId, as the admin API names them");
      assert.match(String(claims.account_name), /^Acme /);
      assert.equal(claims.tier, 'Pro');
      assert.deepEqual(claims.entitlements, ['meetings:host', 'meetings:attend', 'chat']);
      assert.equal(claims.phone_number, undefined);
      assert.ok(outcome.tokens.refresh_token, 'first-party apps get a refresh token');
      const info = await oidc.fetchUserInfo(app.config, outcome.tokens.access_token, pro.identityId);
      assert.equal(info.tier, 'Pro');
      assert.equal(info.account_id, accountId);
      assert.equal(info.user_id, pro.userId);

      // The browser is now signed in to Belfry: the next sign-in needs no password.
      const again = await signIn(app, browser);
      assert.ok(again.ok);
      assert.equal(again.tokens.claims()!.sub, pro.identityId);
      assert.match(again.pages[0]!.path, /^\/callback\?code=/, 'straight back to the app, no Belfry page');
    });

    it('gives a Basic member attend and chat only, and the phone entitlements the admin turned on', async () => {
      const chime = server().client();
      const accountId = await teamAccount(server());
      const basic = await person(server(), { accountId, license: 'Basic' });
      const e164 = await giveNumber(server(), chime, accountId, basic.userId!);
      await chime.send(
        new UpdateUserSettingsCommand({
          AccountId: accountId,
          UserId: basic.userId!,
          UserSettings: { Telephony: { InboundCalling: true, OutboundCalling: false, SMS: true } },
        }),
      );
      const tokens = await signedIn(app, new Browser(server().url), basic.email);
      const claims = tokens.claims()!;
      assert.equal(claims.tier, 'Basic');
      assert.equal(claims.phone_number, e164);
      assert.deepEqual(claims.entitlements, ['meetings:attend', 'chat', 'calling:inbound', 'sms']);
    });

    it('refreshes with new claims after a tier change, rotating the refresh token', async () => {
      const chime = server().client();
      const accountId = await teamAccount(server());
      const member = await person(server(), { accountId, license: 'Pro' });
      const tokens = await signedIn(app, new Browser(server().url), member.email);
      await chime.send(
        new UpdateUserCommand({ AccountId: accountId, UserId: member.userId!, LicenseType: 'Basic' }),
      );
      const refreshed = await oidc.refreshTokenGrant(app.config, tokens.refresh_token!);
      assert.equal(refreshed.claims()!.tier, 'Basic');
      assert.deepEqual(refreshed.claims()!.entitlements, ['meetings:attend', 'chat']);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
      const reused = await refusalOf(oidc.refreshTokenGrant(app.config, tokens.refresh_token!));
      assert.equal(reused.error, 'invalid_grant', 'a rotated refresh token is spent');
    });

    it('revokes the grant when a spent refresh token is used again', async () => {
      const accountId = await teamAccount(server());
      const member = await person(server(), { accountId, license: 'Pro' });
      const tokens = await signedIn(app, new Browser(server().url), member.email);
      const refreshed = await oidc.refreshTokenGrant(app.config, tokens.refresh_token!);
      const reused = await refusalOf(oidc.refreshTokenGrant(app.config, tokens.refresh_token!));
      assert.equal(reused.error, 'invalid_grant');
      // The reuse may be a thief's: what the grant issued since is dead as well.
      const after = await refusalOf(oidc.refreshTokenGrant(app.config, refreshed.refresh_token!));
      assert.equal(after.error, 'invalid_grant', 'the rotated refresh token dies with its grant');
      const info = await refusalOf(oidc.fetchUserInfo(app.config, refreshed.access_token, member.identityId));
      assert.equal(info.error, 'invalid_token', 'so does the access token issued with it');
    });

    it('answers one of two refreshes racing with the same token, and revokes the grant', async () => {
      const accountId = await teamAccount(server());
      const member = await person(server(), { accountId, license: 'Pro' });
      const tokens = await signedIn(app, new Browser(server().url), member.email);
      const refreshes = await Promise.allSettled(
        [1, 2, 3].map(() => oidc.refreshTokenGrant(app.config, tokens.refresh_token!)),
      );
      const answered = refreshes.filter((r) => r.status === 'fulfilled');
      const refused = refreshes.filter((r) => r.status === 'rejected');
      assert.ok(answered.length <= 1, `one token, ${answered.length} answers`);
      for (const r of refused)
        assert.equal((await refusalOf(Promise.reject(r.reason))).error, 'invalid_grant');
      // A token used twice is a reuse whoever came first: the grant ends, the answer's tokens too.
      for (const r of answered) {
        const again = await refusalOf(oidc.refreshTokenGrant(app.config, r.value.refresh_token!));
        assert.equal(again.error, 'invalid_grant');
      }
    });

    it('refuses refresh and userinfo at once after BatchSuspendUser on an EnterpriseLWA account, with the reason', async () => {
      const chime = server().client();
      const accountId = await teamAccount(server());
      await updateAccount(server().services.db, accountId, {
        type: 'EnterpriseLWA',
        updatedAt: new Date().toISOString(),
      });
      const member = await person(server(), { accountId });
      const browser = new Browser(server().url);
      const tokens = await signedIn(app, browser, member.email);
      server().clock.advance(1000);
      const { UserErrors } = await chime.send(
        new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [member.userId!] }),
      );
      assert.deepEqual(UserErrors, []);
      const refresh = await refusalOf(oidc.refreshTokenGrant(app.config, tokens.refresh_token!));
      assert.equal(refresh.error, 'invalid_grant');
      assert.match(refresh.description, /access to the Belfry account "Acme .*" is suspended/);
      const info = await refusalOf(oidc.fetchUserInfo(app.config, tokens.access_token, member.identityId));
      assert.equal(info.error, 'invalid_token');
      assert.match(info.description, /suspended/);

      // Signing in again is refused too, and the app is told why.
      const again = await signIn(app, browser, { email: member.email });
      assert.equal(again.ok, false);
      assert.ok(!again.ok);
      assert.equal(again.error.error, 'access_denied');
      assert.match(again.error.error_description ?? '', /is suspended; contact your administrator/);
    });

    it('refuses refresh after LogoutUser, and signs the person in again afterwards', async () => {
      const chime = server().client();
      const accountId = await teamAccount(server());
      const member = await person(server(), { accountId });
      const browser = new Browser(server().url);
      const tokens = await signedIn(app, browser, member.email);
      server().clock.advance(1000);
      await chime.send(new LogoutUserCommand({ AccountId: accountId, UserId: member.userId! }));
      const refresh = await refusalOf(oidc.refreshTokenGrant(app.config, tokens.refresh_token!));
      assert.equal(refresh.error, 'invalid_grant');
      assert.match(refresh.description, /^You were signed out of Belfry/);
      // The browser's Belfry session ended too: the password is asked for again.
      server().clock.advance(1000);
      const again = await signIn(app, browser, { email: member.email });
      assert.ok(again.ok);
      assert.equal(again.pages[0]!.path.startsWith('/interaction/'), true);
      assert.ok(await oidc.refreshTokenGrant(app.config, again.tokens.refresh_token!));
    });

    it('asks for the password again when the app sends max_age and the password is older; auth_time is when it was entered', async () => {
      const member = await person(server(), { accountId: await teamAccount(server()) });
      const browser = new Browser(server().url);
      // An app that sends max_age gets auth_time in the ID token.
      const signedInFirst = await signIn(app, browser, { email: member.email }, { max_age: '86400' });
      assert.ok(signedInFirst.ok);
      const first = signedInFirst.tokens.claims()!;
      assert.ok(first.auth_time);
      // The provider keeps its own session, on the real clock: without it, the app's request
      // comes to Belfry's page, which vouches for its own session when it is recent enough.
      const forgetProviderSession = () => {
        for (const name of browser.cookies.keys())
          if (name.startsWith('_session')) browser.cookies.delete(name);
      };
      server().clock.advance(120_000);
      forgetProviderSession();
      const recent = await signIn(app, browser, undefined, { max_age: '3600' });
      assert.ok(recent.ok);
      assert.equal(recent.tokens.claims()!.auth_time, first.auth_time, 'auth_time stays the first sign-in');

      forgetProviderSession();
      const stale = await signIn(app, browser, { email: member.email }, { max_age: '60' });
      assert.ok(stale.pages[0]!.path.startsWith('/interaction/'), 'the password is asked for');
      assert.ok(stale.ok);
      assert.ok(stale.tokens.claims()!.auth_time! >= first.auth_time! + 120);
    });

    it('refuses refresh and userinfo after the person resets their password; the audit event counts it', async () => {
      const accountId = await teamAccount(server());
      const member = await person(server(), { accountId });
      const tokens = await signedIn(app, new Browser(server().url), member.email);
      server().clock.advance(1000);
      const { identities } = server().services;
      await identities.requestPasswordReset(member.email);
      const link = await mailedLink(server(), member.email, '/password/reset');
      await identities.resetPassword(
        new URL(link, server().url).searchParams.get('token')!,
        'a new passphrase',
      );
      const refresh = await refusalOf(oidc.refreshTokenGrant(app.config, tokens.refresh_token!));
      assert.equal(refresh.error, 'invalid_grant');
      const info = await refusalOf(oidc.fetchUserInfo(app.config, tokens.access_token, member.identityId));
      assert.equal(info.error, 'invalid_token');
      const reset = await server()
        .services.db.selectFrom('audit_events')
        .select('details')
        .where('operation', '=', 'ResetIdentityPassword')
        .where('target_id', '=', member.identityId)
        .executeTakeFirstOrThrow();
      assert.equal((JSON.parse(reset.details!) as { appSignInsEnded: number }).appSignInsEnded, 1);
    });

    it('ends the Belfry session too when the person signs out through an app (RP-initiated logout)', async () => {
      const accountId = await teamAccount(server());
      const member = await person(server(), { accountId });
      const browser = new Browser(server().url);
      const tokens = await signedIn(app, browser, member.email);
      const confirm = await browser.get(
        oidc.buildEndSessionUrl(app.config, { id_token_hint: tokens.id_token! }).href,
      );
      // The provider's confirmation page: its form carries the xsrf value; "Yes, sign me out" adds logout.
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.html)?.[1];
      assert.ok(xsrf, confirm.html);
      const done = await browser.post('/oidc/session/end/confirm', { xsrf, logout: 'yes' });
      assert.equal(done.status, 200);
      assert.equal(browser.cookies.has('belfry_session'), false);
      const again = await signIn(app, browser, { email: member.email });
      assert.ok(again.ok);
      assert.ok(again.pages[0]!.path.startsWith('/interaction/'), 'the password is asked for again');
    });

    it('signs a member removed from a Team account in as a free user without an account', async () => {
      const chime = server().client();
      const accountId = await teamAccount(server());
      const member = await person(server(), { accountId });
      const browser = new Browser(server().url);
      const tokens = await signedIn(app, browser, member.email);
      server().clock.advance(1000);
      await chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [member.userId!] }));
      // The app hears that the person was removed, not that they were signed out.
      const refresh = await refusalOf(oidc.refreshTokenGrant(app.config, tokens.refresh_token!));
      assert.equal(refresh.error, 'invalid_grant', 'removal ends the member tokens');
      assert.match(
        refresh.description,
        /^You were removed from the Belfry account "Acme [^"]+"; sign in again\.$/,
      );
      const info = await refusalOf(oidc.fetchUserInfo(app.config, tokens.access_token, member.identityId));
      assert.equal(info.error, 'invalid_token');
      assert.match(info.description, /removed from the Belfry account "Acme /);
      server().clock.advance(1000);
      const free = (await signedIn(app, browser, member.email)).claims()!;
      assert.equal(free.sub, member.identityId);
      assert.equal(free.account_id, undefined);
      assert.equal(free.user_id, undefined);
      assert.equal(free.tier, undefined);
      assert.deepEqual(free.entitlements, ['meetings:attend', 'chat']);
    });

    it('makes whoever signs in with an address CreateUser added that member, with its UserId and tier', async () => {
      const accountId = await teamAccount(server());
      const signedUp = await person(server());
      const { User } = await server()
        .client()
        .send(new CreateUserCommand({ AccountId: accountId, Email: signedUp.email, Username: 'Added' }));
      assert.equal(User!.UserRegistrationStatus, 'Registered');
      const claims = (await signedIn(app, new Browser(server().url), signedUp.email)).claims()!;
      assert.equal(claims.sub, signedUp.identityId);
      assert.equal(claims.account_id, accountId);
      assert.equal(claims.user_id, User!.UserId);
      assert.equal(claims.tier, User!.LicenseType);
      assert.equal(claims.name, 'Added');
    });

    it('refuses a member of a deleted account, with the reason, at sign-in and at refresh', async () => {
      const accountId = await teamAccount(server());
      const member = await person(server(), { accountId });
      const tokens = await signedIn(app, new Browser(server().url), member.email);
      await updateAccount(server().services.db, accountId, {
        status: 'Suspended',
        updatedAt: new Date().toISOString(),
      });
      const refresh = await refusalOf(oidc.refreshTokenGrant(app.config, tokens.refresh_token!));
      assert.match(refresh.description, /was deleted/);
      const outcome = await signIn(app, new Browser(server().url), { email: member.email });
      assert.ok(!outcome.ok);
      assert.equal(outcome.error.error, 'access_denied');
      assert.match(outcome.error.error_description ?? '', /The Belfry account "Acme .*" was deleted/);
    });

    it('keeps a wrong password on the sign-in page', async () => {
      const member = await person(server());
      const browser = new Browser(server().url);
      const form = await authorizationPage(app, browser);
      const wrong = await browser.submit(form, form.path, {
        email: member.email,
        password: 'not the password',
      });
      assert.equal(wrong.status, 400);
      assert.match(textOf(wrong), /The email or password is wrong/);
    });

    it("keeps a device that signed in before when a neighbour's guesses hold the address, and says when to retry", async () => {
      const member = await person(server());
      const device = new Browser(server().url);
      await signedIn(app, device, member.email);
      const form = (browser: Browser) => authorizationPage(app, browser);
      // Everyone here comes from 127.0.0.1, as people behind one office address do.
      const neighbour = new Browser(server().url);
      for (let i = 0; i < 5; i++) {
        const page = await form(neighbour);
        await neighbour.submit(page, page.path, { email: member.email, password: `guess ${i}` });
      }
      const page = await form(neighbour);
      const held = await neighbour.submit(page, page.path, { email: member.email, password: PASSWORD });
      assert.equal(held.status, 429);
      assert.match(
        textOf(held),
        /Too many failed sign-ins for this address from your network\. Try again in 15 minutes \(at \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\./,
      );
      assert.equal(held.headers.get('retry-after'), '900');
      // The password is asked again (prompt=login), and this browser's device cookie is its own budget.
      const again = await signIn(app, device, { email: member.email }, { prompt: 'login' });
      assert.ok(again.ok, again.ok ? '' : again.error.error_description);
      assert.equal(again.pages.length, 2, 'the form was shown and the password taken');
    });
  },
  { PORT: String(port) },
);
