import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { DirectorySignInOutcome } from '../../src/domain/directory/contract.js';
import { DIRECTORY_ONLY_PASSWORD } from '../../src/domain/identities/credentials.js';
import { newMember } from '../../src/domain/users/rules.js';
import type { License } from '../../src/store/accounts.js';
import { updateAccount } from '../../src/store/accounts.js';
import { findIdentityByEmail } from '../../src/store/identities.js';
import { findUserById, insertUser, normalizeEmail, updateUser } from '../../src/store/users.js';
import { uniqueEmail, uniqueSuffix } from '../helpers/accounts.js';
import { Browser, textOf, type PageResponse } from '../helpers/browser.js';
import type { TestServer } from '../helpers/server.js';
import { eachDialect } from '../helpers/suite.js';
import {
  authorizationRequest,
  freePort,
  registeredApp,
  signIn,
  startCallback,
  teamAccount,
  type App,
} from './flow.js';

/**
 * AD sign-in wired into every password form (issue 13 item 7), with a fake directory in place of
 * the directory domain's `signIn` (built and tested against Samba elsewhere): what each of its
 * answers does on Belfry's sign-in page and an app's, and to the sign-in throttle.
 */

const port = await freePort();
const callback = await startCallback();
after(() => callback.close());

const AD_PASSWORD = 'the AD password 1';
type Refused = Extract<DirectorySignInOutcome, { kind: 'refused' }>;

/** What the fake directory answers, per address; an address it does not know is not_directory. */
const directory = new Map<string, (password: string) => Promise<DirectorySignInOutcome>>();

const refusal = (code: Refused['code'], countsAsFailure = false): Refused => ({
  kind: 'refused',
  code,
  message: `The directory says ${code.replaceAll('_', ' ')} (${uniqueSuffix()}).`,
  countsAsFailure,
});

/**
 * A user the directory synced into an EnterpriseDirectory account (Unregistered until their first
 * sign-in); the fake directory binds them with AD_PASSWORD, re-deriving `liveTier` into the
 * member as the real one does, and says wrong_credentials to any other password.
 */
async function directoryUser(server: TestServer, liveTier: License) {
  const accountId = await teamAccount(server);
  const at = server.clock.now().toISOString();
  await updateAccount(server.services.db, accountId, { type: 'EnterpriseDirectory', updatedAt: at });
  const email = uniqueEmail();
  const userId = server.services.ids.uuid();
  const synced = newMember(
    {
      id: userId,
      accountId,
      email,
      displayName: 'Dana',
      license: 'Pro',
      userType: 'PrivateUser',
      joined: 'registered',
    },
    at,
  );
  await insertUser(server.services.db, {
    ...synced,
    registrationStatus: 'Unregistered',
    registeredOn: undefined,
  });
  directory.set(normalizeEmail(email), async (password) => {
    if (password !== AD_PASSWORD) return refusal('wrong_credentials', true);
    await updateUser(server.services.db, accountId, userId, { license: liveTier, updatedAt: at });
    return { kind: 'signed_in', email, accountId, userId };
  });
  return { email, accountId, userId };
}

let address = 0;
/** A browser of its own client address (through the trusted proxy), so tests keep their own budgets. */
const browser = (server: TestServer) =>
  new Browser(server.url, { 'x-forwarded-for': `198.51.100.${++address}` });

async function pageSignIn(b: Browser, email: string, password = AD_PASSWORD): Promise<PageResponse> {
  return b.submit(await b.get('/signin'), '/signin', { email, password });
}

await eachDialect(
  'AD sign-in through the sign-in pages and the apps',
  (server) => {
    let app: App;
    before(async () => {
      app = await registeredApp(server(), callback.url);
    });

    it('signs a directory user in to an app with their AD password; the token has the live tier and the browser a session', async () => {
      const dana = await directoryUser(server(), 'Basic');
      const b = browser(server());
      const outcome = await signIn(app, b, { email: dana.email, password: AD_PASSWORD });
      assert.ok(outcome.ok, outcome.ok ? '' : outcome.error.error_description);
      const claims = outcome.tokens.claims()!;
      assert.equal(claims.email, dana.email);
      assert.equal(claims.account_id, dana.accountId);
      assert.equal(claims.user_id, dana.userId);
      assert.equal(claims.account_type, 'EnterpriseDirectory');
      assert.equal(claims.tier, 'Basic', 'the tier the directory gave at sign-in, not the synced Pro');
      assert.deepEqual(claims.entitlements, ['meetings:attend', 'chat']);
      const member = await findUserById(server().services.db, dana.accountId, dana.userId);
      assert.equal(member?.registrationStatus, 'Registered', 'the first sign-in registers the user');

      // The browser is signed in to Belfry: its pages and the next app need no password.
      assert.match(textOf(await b.get('/signin')), new RegExp(`You are signed in as ${dana.email}`));
      const again = await signIn(app, b);
      assert.ok(again.ok);
      assert.match(again.pages[0]!.path, /^\/callback\?code=/);

      // The identity the directory vouched for is verified and has no Belfry password to guess.
      const identity = await findIdentityByEmail(server().services.db, dana.email);
      assert.ok(identity?.emailVerifiedAt);
      assert.equal(identity.passwordHash, DIRECTORY_ONLY_PASSWORD);
      directory.delete(normalizeEmail(dana.email)); // as if the directory were disconnected
      const fallback = await pageSignIn(browser(server()), dana.email);
      assert.equal(fallback.status, 401, 'the AD password is no Belfry password');
      assert.match(textOf(fallback), /The email or password is wrong/);
    });

    it("shows each of the directory's refusals on Belfry's page and the app's form, and files it in the trail", async () => {
      const codes: Refused['code'][] = [
        'wrong_credentials',
        'disabled',
        'account_expired',
        'password_expired',
        'must_change_password',
        'locked_out',
        'logon_restricted',
        'directory_unavailable',
      ];
      for (const code of codes) {
        const email = uniqueEmail();
        const answer = refusal(code, code === 'wrong_credentials');
        directory.set(normalizeEmail(email), async () => answer);
        const page = await pageSignIn(browser(server()), email);
        const status = code === 'wrong_credentials' ? 401 : code === 'directory_unavailable' ? 503 : 403;
        assert.equal(page.status, status, code);
        assert.ok(textOf(page).includes(answer.message), `${code}: ${textOf(page)}`);

        const { url } = await authorizationRequest(app);
        const b = browser(server());
        const form = await b.get(url.href);
        const shown = await b.submit(form, form.path, { email, password: AD_PASSWORD });
        assert.equal(shown.status, code === 'directory_unavailable' ? 503 : 400, `${code} on the app's form`);
        assert.ok(textOf(shown).includes(answer.message), `${code} on the app's form: ${textOf(shown)}`);

        const filed = await server()
          .services.db.selectFrom('audit_events')
          .select('error_code')
          .where('operation', '=', 'SignIn')
          .where('details', 'like', `%${email}%`)
          .execute();
        assert.equal(filed.length, 2, `${code}: both refusals are in the trail`);
      }
    });

    it('ends the app sign-in with the reason when the directory gives no tier', async () => {
      const email = uniqueEmail();
      const answer = refusal('no_tier');
      directory.set(normalizeEmail(email), async () => answer);
      const outcome = await signIn(app, browser(server()), { email, password: AD_PASSWORD });
      assert.ok(!outcome.ok);
      assert.equal(outcome.error.error, 'access_denied');
      assert.equal(outcome.error.error_description, answer.message);
    });

    it('counts wrong AD passwords toward the throttle, and not a directory that cannot answer', async () => {
      const dana = await directoryUser(server(), 'Pro');
      const guesser = browser(server());
      for (let i = 0; i < 5; i++)
        assert.equal((await pageSignIn(guesser, dana.email, `guess ${i}`)).status, 401);
      const held = await pageSignIn(guesser, dana.email);
      assert.equal(held.status, 429, 'the right password too, from there, once the budget is spent');
      assert.match(textOf(held), /Too many failed sign-ins for this address from your network/);

      const erin = await directoryUser(server(), 'Pro');
      const sign = directory.get(normalizeEmail(erin.email))!;
      const outage = refusal('directory_unavailable');
      directory.set(normalizeEmail(erin.email), async () => outage);
      const patient = browser(server());
      for (let i = 0; i < 8; i++) assert.equal((await pageSignIn(patient, erin.email)).status, 503);
      directory.set(normalizeEmail(erin.email), sign);
      const back = await pageSignIn(patient, erin.email);
      assert.ok(
        textOf(back).includes(`You are signed in as ${erin.email}`),
        `signed in once the directory answers: ${textOf(back)}`,
      );
    });
  },
  { PORT: String(port), BELFRY_TRUST_PROXY: '127.0.0.1' },
  {
    directorySignIn: (email, password) =>
      directory.get(normalizeEmail(email))?.(password) ?? Promise.resolve({ kind: 'not_directory' }),
  },
);
