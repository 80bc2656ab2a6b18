import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import * as oidc from 'openid-client';
import { Browser, type PageResponse } from '../helpers/browser.js';
import { eachDialect } from '../helpers/suite.js';
import { sqliteFileText, storedText } from '../helpers/stored-text.js';
import {
  authorizationRequest,
  freePort,
  PASSWORD,
  person,
  refusalOf,
  registeredApp,
  startCallback,
  teamAccount,
  type App,
} from './flow.js';

const port = await freePort();
const callback = await startCallback();
after(() => callback.close());

/** Every cookie value the pages set (a cleared cookie's placeholder aside). */
function cookieValues(pages: PageResponse[]): string[] {
  return pages
    .flatMap((p) => p.setCookies)
    .map((line) => line.slice(line.indexOf('=') + 1).split(';')[0]!)
    .filter((value) => value.length >= 16 && !value.startsWith('deleted'));
}

/**
 * An app's authorization request, stopped at Belfry's sign-in form (so the interaction is
 * stored while the test looks), then completed with the password and the code exchanged.
 */
async function signInStepwise(app: App, browser: Browser, email: string, parameters: Record<string, string>) {
  const { url, checks } = await authorizationRequest(app, parameters);
  const form = await browser.get(url.href);
  assert.match(form.path, /^\/interaction\//);
  return {
    form,
    async complete() {
      const landed = await browser.submit(form, form.path, { email, password: PASSWORD });
      const redirect = new URL(landed.path, app.redirectUri);
      const tokens = await oidc.authorizationCodeGrant(app.config, redirect, checks);
      return { landed, code: redirect.searchParams.get('code'), tokens };
    },
  };
}

await eachDialect(
  'OpenID provider: nothing usable at rest',
  (server) => {
    /**
     * The values a browser or an app holds after each step; none may be in a copy of the
     * database. The bearer values (code, access and refresh tokens, the provider's session and
     * interaction ids that its cookies carry, Belfry's session cookie) are stored only as keyed
     * hashes. The logout form's xsrf value only guards a form, but the sealed payloads hide it
     * too. Belfry's ID tokens carry no `jti` or `sid` (no front- or back-channel logout).
     */
    const issued = new Map<string, string>();
    const keep = (what: string, value: string | null | undefined) => {
      assert.ok(value, `${what} was issued`);
      issued.set(value, what);
    };

    async function assertNothingStored(step: string) {
      const database = server().database;
      const text = (await storedText(database)) + (await sqliteFileText(database));
      const found = [...issued].filter(([value]) => text.includes(value)).map(([, what]) => what);
      assert.deepEqual(found, [], `after ${step}, the database holds: ${found.join(', ')}`);
    }

    it('stores none of the issued values through sign-in, refresh and logout', async () => {
      const app = await registeredApp(server(), callback.url);
      const member = await person(server(), { accountId: await teamAccount(server()) });
      const browser = new Browser(server().url);

      const first = await signInStepwise(app, browser, member.email, {});
      keep('interaction id', /^\/interaction\/([^/?]+)/.exec(first.form.path)?.[1]);
      for (const value of cookieValues([first.form])) keep('interaction cookie', value);
      await assertNothingStored('the sign-in form');
      const signedIn = await first.complete();
      keep('authorization code', signedIn.code);
      keep('access token', signedIn.tokens.access_token);
      keep('refresh token', signedIn.tokens.refresh_token);
      keep('ID token', signedIn.tokens.id_token);
      for (const value of cookieValues([signedIn.landed])) keep('a cookie set at sign-in', value);
      keep('provider session cookie', browser.cookies.get('_session'));
      keep('Belfry session cookie', browser.cookies.get('belfry_session'));
      await assertNothingStored('sign-in');

      // A second sign-in with the session alive: the stored interaction refers to the session.
      const again = await signInStepwise(app, browser, member.email, { prompt: 'login' });
      keep('second interaction id', /^\/interaction\/([^/?]+)/.exec(again.form.path)?.[1]);
      await assertNothingStored('a sign-in form within a session');
      const second = await again.complete();
      keep('second code', second.code);
      keep('second access token', second.tokens.access_token);
      keep('second refresh token', second.tokens.refresh_token);
      for (const value of cookieValues([second.landed])) keep('a cookie set at the second sign-in', value);
      await assertNothingStored('the second sign-in');

      // Still usable: each is found again by the hash of the value presented.
      await oidc.fetchUserInfo(app.config, signedIn.tokens.access_token, member.identityId);
      const refreshed = await oidc.refreshTokenGrant(app.config, signedIn.tokens.refresh_token!);
      keep('refreshed access token', refreshed.access_token);
      keep('rotated refresh token', refreshed.refresh_token);
      await oidc.fetchUserInfo(app.config, refreshed.access_token, member.identityId);
      await assertNothingStored('refresh');
      // Revocation (RFC 7009) finds the token by its hash too, and it stops working.
      await oidc.tokenRevocation(app.config, second.tokens.access_token);
      const revoked = await refusalOf(
        oidc.fetchUserInfo(app.config, second.tokens.access_token, member.identityId),
      );
      assert.equal(revoked.error, 'invalid_token');

      const confirm = await browser.get(
        oidc.buildEndSessionUrl(app.config, { id_token_hint: refreshed.id_token! }).href,
      );
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.html)?.[1];
      keep('logout xsrf', xsrf);
      await assertNothingStored('the logout prompt');
      const done = await browser.post('/oidc/session/end/confirm', { xsrf: xsrf!, logout: 'yes' });
      assert.equal(done.status, 200, done.html);
      await assertNothingStored('logout');
    });
  },
  { PORT: String(port) },
);
