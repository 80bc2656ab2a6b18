import assert from 'node:assert/strict';
import { it } from 'node:test';
import { base32Decode, hotp, totpStep } from '../../src/domain/admins/totp.js';
import { operatorActor } from '../../src/cli/context.js';
import { uniqueEmail } from '../helpers/accounts.js';
import { ConsoleClient } from '../helpers/console-client.js';
import { eachDialect } from '../helpers/suite.js';
import type { TestServer } from '../helpers/server.js';

const PASSWORD = 'correct horse battery';
const MINUTE_MS = 60_000;

async function newAdmin(
  server: TestServer,
  policy = 'FullAccess',
  extra: { accountId?: string; totp?: boolean } = {},
) {
  const email = uniqueEmail();
  const created = await server.services.consoleAdmins.createAdmin(operatorActor(), {
    email,
    password: PASSWORD,
    policy,
    ...extra,
  });
  return { email, totp: created.totp };
}

async function signedIn(server: TestServer, policy = 'FullAccess', extra: { accountId?: string } = {}) {
  const { email } = await newAdmin(server, policy, extra);
  const browser = new ConsoleClient(server.url);
  assert.equal((await browser.signIn(email, PASSWORD)).status, 201);
  return { browser, email };
}

await eachDialect(
  'console administrators and sessions',
  (server) => {
    it('the first-administrator link creates a FullAccess administrator once, and signs them in', async () => {
      const token = await server().services.consoleAdmins.issueSetupToken();
      assert.ok(token);
      const browser = new ConsoleClient(server().url);
      const probe = await browser.call('GET', `/console/api/setup?token=${token}`);
      assert.deepEqual(probe.json, { Usable: true });
      const email = uniqueEmail();
      const created = await browser.call('POST', '/console/api/setup', {
        Token: token,
        Email: email,
        Password: PASSWORD,
      });
      assert.equal(created.status, 201);
      assert.deepEqual(created.json.Administrator, {
        Email: email,
        Policy: 'FullAccess',
        AccountId: null,
        Totp: false,
      });
      assert.equal((await browser.call('GET', '/accounts')).status, 200);

      const again = await new ConsoleClient(server().url).call('POST', '/console/api/setup', {
        Token: token,
        Email: uniqueEmail(),
        Password: PASSWORD,
      });
      assert.equal(again.status, 422);
      assert.match(String(again.json.Message), /has been used, has expired/);
      assert.equal(
        await server().services.consoleAdmins.issueSetupToken(),
        undefined,
        'no link once an administrator exists',
      );
    });

    it('the session cookie is HttpOnly, SameSite=Strict and Secure under an https public URL', async () => {
      const { browser } = await signedIn(server());
      const cookie = browser.setCookies.find((c) => c.startsWith('belfry_console='));
      assert.ok(cookie);
      for (const attribute of ['HttpOnly', 'SameSite=Strict', 'Secure', 'Path=/'])
        assert.ok(cookie.includes(attribute), cookie);
      const stored = await server().services.db.selectFrom('console_sessions').select('id_hash').execute();
      const value = browser.cookies.get('belfry_console')!;
      assert.ok(!stored.some((row) => row.id_hash === value), 'only the hash is stored');
    });

    it('Chime operations answer the session as they answer a key: same routes, errors and audit, naming the administrator', async () => {
      const { browser, email } = await signedIn(server());
      const created = await browser.call('POST', '/accounts', { Name: 'Console Corp' });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const accountId = (created.json.Account as { AccountId: string }).AccountId;
      const event = await server()
        .services.db.selectFrom('audit_events')
        .select(['principal', 'principal_id', 'outcome'])
        .where('operation', '=', 'CreateAccount')
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow();
      assert.equal(event.principal, `console/${email}`);
      assert.equal(event.outcome, 'Success');
      assert.ok(event.principal_id);

      const missing = await browser.call('GET', '/accounts/not-an-account');
      assert.equal(missing.status, 404);
      assert.equal(missing.headers.get('x-amzn-errortype'), 'NotFoundException');
      const bad = await browser.call('POST', '/accounts', { Name: '' });
      assert.equal(bad.status, 400);
      assert.equal(bad.headers.get('x-amzn-errortype'), 'BadRequestException');
    });

    it('a state-changing request without the CSRF header is refused; reads need none', async () => {
      const { browser } = await signedIn(server());
      const refused = await browser.call('POST', '/accounts', { Name: 'Forged' }, { csrf: false });
      assert.equal(refused.status, 403);
      assert.equal(refused.headers.get('x-amzn-errortype'), 'ForbiddenException');
      assert.match(String(refused.json.Message), /CSRF token/);
      browser.csrf = 'x'.repeat(43);
      assert.equal((await browser.call('POST', '/accounts', { Name: 'Forged' })).status, 403);
      assert.equal((await browser.call('GET', '/accounts', undefined, { csrf: false })).status, 200);
    });

    it('policies hold: ReadOnly reads, cannot change; an account-scoped administrator sees only theirs', async () => {
      const { browser: reader } = await signedIn(server(), 'ReadOnly');
      assert.equal((await reader.call('GET', '/accounts')).status, 200);
      const refused = await reader.call('POST', '/accounts', { Name: 'Nope' });
      assert.equal(refused.status, 403);
      assert.match(String(refused.json.Message), /Policy ReadOnly does not allow/);

      const { browser: operator } = await signedIn(server());
      const account = await operator.call('POST', '/accounts', { Name: 'Scoped Co' });
      const accountId = (account.json.Account as { AccountId: string }).AccountId;
      const { browser: scoped } = await signedIn(server(), 'UserManagement', { accountId });
      assert.equal((await scoped.call('GET', `/accounts/${accountId}`)).status, 200);
      const other = await operator.call('POST', '/accounts', { Name: 'Other Co' });
      const otherId = (other.json.Account as { AccountId: string }).AccountId;
      assert.equal((await scoped.call('GET', `/accounts/${otherId}`)).status, 403);
    });

    it('a wrong password is refused in one sentence, counted by the sign-in throttle', async () => {
      const { email } = await newAdmin(server());
      const browser = new ConsoleClient(server().url);
      const wrong = await browser.signIn(email, 'not the password');
      assert.equal(wrong.status, 401);
      assert.match(String(wrong.json.Message), /email, password or authenticator code is wrong/);
      const unknown = await browser.signIn(uniqueEmail(), PASSWORD);
      assert.equal(unknown.status, 401);
      assert.equal(unknown.json.Message, wrong.json.Message);
      const rows = await server().services.db.selectFrom('signin_throttles').select('key').execute();
      assert.ok(
        rows.some((r) => r.key.includes(`console:${email}`)),
        'counted under the console subject',
      );
      for (let i = 0; i < 4; i++) await browser.signIn(email, 'not the password');
      const throttled = await browser.signIn(email, PASSWORD);
      assert.equal(throttled.status, 429);
      assert.ok(throttled.headers.get('retry-after'));
    });

    it('with TOTP on, sign-in needs the current code, and each code works once', async () => {
      const { email, totp } = await newAdmin(server(), 'FullAccess', { totp: true });
      assert.ok(totp);
      const browser = new ConsoleClient(server().url);
      assert.equal((await browser.signIn(email, PASSWORD)).status, 401, 'no code');
      const code = hotp(base32Decode(totp.secret), totpStep(server().clock.now()));
      assert.equal((await browser.signIn(email, PASSWORD, code)).status, 201);
      assert.equal(
        (await new ConsoleClient(server().url).signIn(email, PASSWORD, code)).status,
        401,
        'replayed',
      );
    });

    it('sign-out ends the session; so do idleness and the absolute limit', async () => {
      const { browser } = await signedIn(server());
      assert.equal(
        (await browser.call('DELETE', '/console/api/session', undefined, { csrf: false })).status,
        403,
      );
      const saved = new Map(browser.cookies);
      assert.equal((await browser.call('DELETE', '/console/api/session')).status, 204);
      browser.cookies = saved;
      const after = await browser.call('GET', '/accounts');
      assert.equal(after.status, 401);
      assert.match(String(after.json.Message), /Sign in again/);

      const { browser: idle } = await signedIn(server());
      server().clock.advance(31 * MINUTE_MS);
      assert.equal((await idle.call('GET', '/accounts')).status, 401, 'idle for 31 minutes');

      const { browser: busy } = await signedIn(server());
      for (let spent = 0; spent < 12 * 60; spent += 25) {
        server().clock.advance(25 * MINUTE_MS);
        if (spent + 25 < 12 * 60) assert.equal((await busy.call('GET', '/accounts')).status, 200);
      }
      assert.equal((await busy.call('GET', '/accounts')).status, 401, 'past 12 hours');
    });

    it("a password reset or deletion ends the administrator's sessions at once", async () => {
      const { browser, email } = await signedIn(server());
      const reset = await server().services.consoleAdmins.resetAdmin(operatorActor(), email, {
        password: 'another long password',
      });
      assert.equal(reset.sessionsEnded, 1);
      assert.equal((await browser.call('GET', '/accounts')).status, 401);
      assert.equal((await browser.signIn(email, 'another long password')).status, 201);
      await server().services.consoleAdmins.deleteAdmin(operatorActor(), email);
      assert.equal((await browser.call('GET', '/accounts')).status, 401);
    });
  },
  { BELFRY_PUBLIC_URL: 'https://belfry.test.example' },
);
