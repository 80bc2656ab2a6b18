import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import {
  BatchSuspendUserCommand,
  BatchUnsuspendUserCommand,
  GetAccountCommand,
  GetUserCommand,
  InviteUsersCommand,
  ListUsersCommand,
  LogoutUserCommand,
  UpdateAccountCommand,
} from '@aws-sdk/client-chime';
import { updateAccount } from '../../src/store/accounts.js';
import { findIdentityByEmail } from '../../src/store/identities.js';
import { updateUser } from '../../src/store/users.js';
import { newAccountId, uniqueEmail, uniqueSuffix } from '../helpers/accounts.js';
import { Browser, textOf, type PageResponse } from '../helpers/browser.js';
import type { TestServer } from '../helpers/server.js';
import { startSmtpCapture } from '../helpers/smtp.js';
import { eachDialect } from '../helpers/suite.js';

const smtp = await startSmtpCapture();
after(() => smtp.stop());

const PUBLIC_URL = 'https://belfry.test.example';
const PASSWORD = 'correct horse battery';

/** Runs the mail jobs and returns the path (with its token) of the newest link to `path` sent to the address. */
async function linkIn(server: TestServer, email: string, path: string): Promise<string> {
  await server.runJobs();
  const pattern = new RegExp(`${PUBLIC_URL}(${path}\\?token=[A-Za-z0-9_-]{43})`);
  const mail = smtp.inbox.findLast(
    (m) => m.to.includes(email.toLowerCase()) && pattern.test(m.mail.text ?? ''),
  );
  assert.ok(mail, `no ${path} link mailed to ${email}`);
  return pattern.exec(mail.mail.text!)![1]!;
}

/** The audit events an identity made, by operation name (the clock stands still in tests). */
async function identityTrail(server: TestServer, email: string) {
  const identity = (await findIdentityByEmail(server.services.db, email))!;
  const rows = await server.services.db
    .selectFrom('audit_events')
    .selectAll()
    .where('principal', '=', `identity/${identity.id}`)
    .orderBy('operation')
    .execute();
  return { identity, rows };
}

/** Registers through the pages and confirms the address through the emailed link. */
async function registered(server: TestServer, email = uniqueEmail()): Promise<string> {
  const browser = new Browser(server.url);
  const done = await browser.submit(await browser.get('/register'), '/register', {
    email,
    password: PASSWORD,
  });
  assert.equal(done.status, 200);
  const confirm = await browser.get(await linkIn(server, email, '/verify'));
  assert.equal((await browser.submit(confirm, '/verify', { password: PASSWORD })).status, 200);
  return email;
}

async function signIn(browser: Browser, email: string, path = '/signin'): Promise<PageResponse> {
  return browser.submit(await browser.get(path), '/signin', { email, password: PASSWORD });
}

await eachDialect(
  'sign-in pages',
  (server) => {
    it('registers, confirms the address by email, signs in and out', async () => {
      const email = uniqueEmail();
      const browser = new Browser(server().url);
      const form = await browser.get('/register');
      assert.equal(form.status, 200);
      assert.match(form.html, /<label for="email">Email address<\/label>/);
      assert.match(form.html, /<h1>Register<\/h1>/);
      const sent = await browser.submit(form, '/register', { email, password: PASSWORD });
      assert.match(textOf(sent), new RegExp(`We have sent a message to ${email}`));

      const early = await signIn(new Browser(server().url), email);
      assert.equal(early.status, 403);
      assert.match(textOf(early), /Confirm your email address first/);

      const link = await linkIn(server(), email, '/verify');
      const confirm = await browser.get(link);
      assert.equal(confirm.status, 200, 'opening the link spends nothing: mail scanners open links too');
      const confirmed = await browser.submit(confirm, '/verify', { password: PASSWORD });
      assert.match(textOf(confirmed), new RegExp(`${email} is confirmed`));
      assert.equal(
        (await browser.submit(await browser.get(link), '/verify', { password: PASSWORD })).status,
        404,
        'the link works once',
      );
      // Both changes are in the installation's trail, with the browser's request and address.
      const { identity, rows } = await identityTrail(server(), email);
      assert.deepEqual(
        rows.map((r) => [r.operation, r.outcome, r.account_id, r.target_id]),
        [
          ['ConfirmIdentityEmail', 'Success', null, identity.id],
          ['RegisterIdentity', 'Success', null, identity.id],
        ],
      );
      assert.ok(rows.every((r) => r.source_ip && r.request_id));
      assert.notEqual(rows[0]!.request_id, rows[1]!.request_id);
      assert.ok(rows.every((r) => !r.details?.includes(PASSWORD)));

      const signedIn = await signIn(browser, email);
      assert.equal(signedIn.status, 200);
      assert.equal(signedIn.path, '/signin');
      assert.match(textOf(signedIn), new RegExp(`You are signed in as ${email}`));
      const cookie = signedIn.setCookies.find((c) => c.startsWith('belfry_session='));
      assert.ok(cookie);
      for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Secure', 'Path=/'])
        assert.ok(cookie.split('; ').includes(attribute), `${attribute} in ${cookie}`);

      const out = await browser.submit(await browser.get('/signout'), '/signout');
      assert.match(textOf(out), /You are signed out/);
      assert.equal(browser.cookies.has('belfry_session'), false);
      assert.match(textOf(await browser.get('/signin')), /Forgot your password/);
    });

    it('refuses a form post without the CSRF token of its form', async () => {
      const email = await registered(server());
      const browser = new Browser(server().url);
      await browser.get('/signin');
      const missing = await browser.post('/signin', { email, password: PASSWORD });
      assert.equal(missing.status, 403);
      assert.match(missing.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(textOf(missing), /This form has expired/);
      const forged = await browser.post('/signin', { email, password: PASSWORD, csrf: 'A'.repeat(43) });
      assert.equal(forged.status, 403);
      assert.equal(browser.cookies.has('belfry_session'), false);
      // A token from another browser is no good either: it must match this browser's cookie.
      const other = new Browser(server().url);
      const otherForm = await other.get('/signin');
      const stolen = /name="csrf" value="([^"]+)"/.exec(otherForm.html)![1]!;
      assert.equal((await browser.post('/signin', { email, password: PASSWORD, csrf: stolen })).status, 403);
      // As long as the cookie in characters, longer in bytes: refused, not a crash.
      const wide = await browser.post('/signin', { email, password: PASSWORD, csrf: 'é'.repeat(43) });
      assert.equal(wide.status, 403);
      assert.match(textOf(wide), /This form has expired/);
    });

    it("confirms an address only with the registration's password; the owner of a hijacked address resets", async () => {
      const email = uniqueEmail();
      const attacker = new Browser(server().url);
      await attacker.submit(await attacker.get('/register'), '/register', {
        email,
        password: 'the attacker chose this',
      });
      const link = await linkIn(server(), email, '/verify');
      const owner = new Browser(server().url);
      const refused = await owner.submit(await owner.get(link), '/verify', { password: PASSWORD });
      assert.equal(refused.status, 401);
      assert.match(textOf(refused), /not the password chosen when this address was registered/);
      assert.equal((await findIdentityByEmail(server().services.db, email))?.emailVerifiedAt, undefined);
      const early = await attacker.submit(await attacker.get('/signin'), '/signin', {
        email,
        password: 'the attacker chose this',
      });
      assert.equal(early.status, 403, 'the attacker still cannot sign in');
    });

    it('answers wrong credentials alike and holds this client after 5 failures, saying until when', async () => {
      const email = await registered(server());
      const browser = new Browser(server().url);
      const wrong = await browser.submit(await browser.get('/signin'), '/signin', {
        email,
        password: 'not my password',
      });
      assert.equal(wrong.status, 401);
      assert.match(textOf(wrong), /The email or password is wrong/);
      assert.match(wrong.html, new RegExp(`value="${email}"`), 'the address stays filled in');
      const unknown = await browser.submit(await browser.get('/signin'), '/signin', {
        email: uniqueEmail(),
        password: PASSWORD,
      });
      assert.equal(unknown.status, 401);
      assert.match(textOf(unknown), /The email or password is wrong/);
      for (let i = 0; i < 4; i++)
        await browser.submit(await browser.get('/signin'), '/signin', { email, password: 'not my password' });
      const throttled = await signIn(browser, email);
      assert.equal(throttled.status, 429);
      assert.match(
        textOf(throttled),
        /Too many failed sign-ins for this address from your network\. Try again in 15 minutes \(at \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\./,
      );
      assert.equal(throttled.headers.get('retry-after'), '900');
      server().clock.advance(15 * 60_000);
      assert.equal((await signIn(browser, email)).status, 200);
    });

    it('resets a forgotten password through the emailed link', async () => {
      const email = await registered(server());
      const browser = new Browser(server().url);
      const asked = await browser.submit(await browser.get('/password/forgot'), '/password/forgot', {
        email,
      });
      const nobody = await browser.submit(await browser.get('/password/forgot'), '/password/forgot', {
        email: uniqueEmail(),
      });
      assert.equal(asked.status, 200);
      assert.equal(nobody.status, 200);
      assert.equal(
        textOf(asked).replace(email, 'X'),
        textOf(nobody).replace(/\S+@example\.com/, 'X'),
        'the same answer either way',
      );

      const link = await linkIn(server(), email, '/password/reset');
      const form = await browser.get(link);
      assert.match(form.html, /autocomplete="new-password"/);
      const short = await browser.submit(form, '/password/reset', { password: 'too short' });
      assert.equal(short.status, 400);
      assert.match(textOf(short), /at least 10 characters/);
      const done = await browser.submit(short, '/password/reset', { password: 'a brand new passphrase' });
      assert.match(textOf(done), /Your password is changed/);
      assert.equal((await browser.get(link)).status, 404, 'the link works once');

      const fresh = new Browser(server().url);
      assert.equal((await signIn(fresh, email)).status, 401, 'the old password no longer works');
      const signedIn = await fresh.submit(await fresh.get('/signin'), '/signin', {
        email,
        password: 'a brand new passphrase',
      });
      assert.match(textOf(signedIn), /You are signed in/);
    });

    it('leaves the Chime API as it was: JSON errors, raw bodies, its own 404', async () => {
      const unsigned = await fetch(`${server().url}/accounts`);
      assert.equal(unsigned.status, 403);
      assert.equal(unsigned.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
      const unknown = await fetch(`${server().url}/no-such-page`);
      assert.equal(unknown.status, 404);
      assert.match(unknown.headers.get('content-type') ?? '', /application\/json/);
      const account = await newAccountId(server().client());
      const got = await server()
        .client()
        .send(new GetAccountCommand({ AccountId: account }));
      assert.equal(got.Account?.AccountId, account);
    });
  },
  { SMTP_URL: smtp.url, BELFRY_PUBLIC_URL: PUBLIC_URL },
);

await eachDialect(
  'accepting an invitation',
  (server) => {
    /** Invites a new address to a new account; returns the accept link's path from the email. */
    async function invited(email = uniqueEmail(), name = `Acme ${uniqueSuffix()}`) {
      const accountId = await newAccountId(server().client(), name);
      await server()
        .client()
        .send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: [email] }));
      const { Users } = await server()
        .client()
        .send(new ListUsersCommand({ AccountId: accountId, UserEmail: email }));
      const link = await linkIn(server(), email, '/invitations/accept');
      return { accountId, name, email, link, userId: Users![0]!.UserId! };
    }

    const userOf = (accountId: string, userId: string) =>
      server()
        .client()
        .send(new GetUserCommand({ AccountId: accountId, UserId: userId }))
        .then((r) => r.User!);

    it('registers through the link, accepts, and becomes a Registered member on the default tier', async () => {
      const { accountId, name, email, link, userId } = await invited();
      await server()
        .client()
        .send(new UpdateAccountCommand({ AccountId: accountId, DefaultLicense: 'Basic' }));
      const browser = new Browser(server().url);
      const landing = await browser.get(link);
      assert.equal(landing.status, 200);
      assert.match(textOf(landing), new RegExp(`You have been invited to join ${name} as ${email}`));
      assert.equal(landing.headers.get('referrer-policy'), 'no-referrer');

      // The token rides along to the registration form; the invited address needs no separate
      // confirmation, since the link came to that mailbox.
      const register = await browser.get(/href="(\/register\?invitation=[^"]+)"/.exec(landing.html)![1]!);
      const accept = await browser.submit(register, '/register', { email, password: PASSWORD });
      assert.equal(accept.status, 200);
      assert.equal(accept.path, link);
      assert.match(textOf(accept), new RegExp(`You are signed in as ${email}`));
      const before = await userOf(accountId, userId);
      assert.equal(before.UserRegistrationStatus, 'Unregistered');

      const joined = await browser.submit(accept, '/invitations/accept');
      assert.equal(joined.status, 200);
      assert.match(textOf(joined), new RegExp(`You are now a member of ${name}`));
      const user = await userOf(accountId, userId);
      assert.equal(user.UserRegistrationStatus, 'Registered');
      assert.equal(user.UserInvitationStatus, 'Accepted');
      assert.equal(user.LicenseType, 'Basic', "the account's DefaultLicense at acceptance");
      assert.ok(user.RegisteredOn);
      const identity = await findIdentityByEmail(server().services.db, email);
      assert.equal(
        identity?.proTrialEndsAt,
        server().clock.now().toISOString(),
        'the personal Pro trial ends now',
      );
      const { rows } = await identityTrail(server(), email);
      assert.deepEqual(
        rows.map((r) => [r.operation, r.account_id, r.target_id]),
        [
          ['AcceptInvitation', accountId, userId],
          ['RegisterIdentity', null, identity!.id],
        ],
      );
      assert.equal(JSON.parse(rows[1]!.details!).verifiedByInvitation, true);

      const again = await browser.get(link);
      assert.equal(again.status, 404);
      assert.match(textOf(again), /no longer valid/);
    });

    it("ends the member's browser sessions at once on LogoutUser and on removal", async () => {
      const { accountId, link, userId, email } = await invited();
      const browser = new Browser(server().url);
      const landing = await browser.get(link);
      const register = await browser.get(/href="(\/register\?invitation=[^"]+)"/.exec(landing.html)![1]!);
      const accept = await browser.submit(register, '/register', { email, password: PASSWORD });
      await browser.submit(accept, '/invitations/accept');
      assert.match(textOf(await browser.get('/signout')), new RegExp(`You are signed in as ${email}`));

      await server()
        .client()
        .send(new LogoutUserCommand({ AccountId: accountId, UserId: userId }));
      assert.match(textOf(await browser.get('/signout')), /You are not signed in/);

      // Signed in again, then removed from the Team account: signed out again, at once.
      assert.equal((await signIn(browser, email)).status, 200);
      assert.match(textOf(await browser.get('/signout')), new RegExp(`You are signed in as ${email}`));
      const removed = await server()
        .client()
        .send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [userId] }));
      assert.deepEqual(removed.UserErrors, []);
      assert.match(textOf(await browser.get('/signout')), /You are not signed in/);
    });

    it('refuses sign-in to a suspended member until unsuspended; a live session stops counting', async () => {
      const { accountId, link, userId, email } = await invited();
      const browser = new Browser(server().url);
      const landing = await browser.get(link);
      const register = await browser.get(/href="(\/register\?invitation=[^"]+)"/.exec(landing.html)![1]!);
      const accept = await browser.submit(register, '/register', { email, password: PASSWORD });
      await browser.submit(accept, '/invitations/accept');
      await updateAccount(server().services.db, accountId, {
        type: 'EnterpriseLWA',
        updatedAt: new Date().toISOString(),
      });
      const suspend = new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [userId] });
      assert.deepEqual((await server().client().send(suspend)).UserErrors, []);
      assert.equal((await userOf(accountId, userId)).UserRegistrationStatus, 'Suspended');

      const refused = await signIn(browser, email);
      assert.equal(refused.status, 403);
      assert.match(textOf(refused), /Your account access is suspended; contact your administrator/);
      assert.match(textOf(await browser.get('/signout')), /You are not signed in/);

      const unsuspend = new BatchUnsuspendUserCommand({ AccountId: accountId, UserIdList: [userId] });
      assert.deepEqual((await server().client().send(unsuspend)).UserErrors, []);
      assert.match(textOf(await signIn(browser, email)), new RegExp(`You are signed in as ${email}`));

      // A session that outlived a suspension (say, one written straight to the database) is not honoured.
      const at = new Date().toISOString();
      await updateUser(server().services.db, accountId, userId, {
        registrationStatus: 'Suspended',
        updatedAt: at,
      });
      assert.match(textOf(await browser.get('/signout')), /You are not signed in/);
      // Nor is one whose account was deleted (Suspended) while the member stayed Registered.
      await updateUser(server().services.db, accountId, userId, {
        registrationStatus: 'Registered',
        updatedAt: at,
      });
      assert.match(textOf(await browser.get('/signout')), new RegExp(`You are signed in as ${email}`));
      await updateAccount(server().services.db, accountId, { status: 'Suspended', updatedAt: at });
      assert.match(textOf(await browser.get('/signout')), /You are not signed in/);
      assert.match(textOf(await signIn(browser, email)), /Your account access is suspended/);
    });

    it('signs an existing identity in through the link and accepts as that address', async () => {
      const email = await registered(server());
      const { accountId, link, userId } = await invited(email.toUpperCase());
      const browser = new Browser(server().url);
      const landing = await browser.get(link);
      const signInPath = /href="(\/signin\?invitation=[^"]+)"/.exec(landing.html)![1]!;
      const accept = await signIn(browser, email, signInPath);
      assert.equal(accept.path, link, 'back to the invitation after signing in');
      await browser.submit(accept, '/invitations/accept');
      assert.equal((await userOf(accountId, userId)).UserRegistrationStatus, 'Registered');
    });

    it('tells a differently signed-in identity that the invitation is not theirs', async () => {
      const someoneElse = await registered(server());
      const { accountId, email, link, userId } = await invited();
      const browser = new Browser(server().url);
      await signIn(browser, someoneElse);
      const page = await browser.get(link);
      assert.equal(page.status, 403);
      assert.match(
        textOf(page),
        new RegExp(`This invitation is for ${email}, but you are signed in as ${someoneElse}`),
      );
      assert.doesNotMatch(page.html, /action="\/invitations\/accept"/);
      // Posting anyway is refused by the rule itself, and the invitation stays pending.
      const token = new URL(link, PUBLIC_URL).searchParams.get('token')!;
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)![1]!;
      const forced = await browser.post('/invitations/accept', { csrf, token });
      assert.equal(forced.status, 403);
      assert.equal((await userOf(accountId, userId)).UserRegistrationStatus, 'Unregistered');
      // The account's trail shows the attempt, and whose it was.
      const attempt = await server()
        .services.db.selectFrom('audit_events')
        .select(['outcome', 'error_code', 'principal', 'user_id'])
        .where('account_id', '=', accountId)
        .where('operation', '=', 'AcceptInvitation')
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        [attempt.outcome, attempt.error_code, attempt.user_id],
        ['Failure', 'Forbidden', userId],
      );
      assert.match(attempt.principal, /^identity\//);
      // Signing out from there leads back to the invitation's sign-in.
      const out = await browser.submit(page, '/signout');
      assert.equal(out.path, `/signin?invitation=${encodeURIComponent(token)}`);
    });

    it('sends an accept without a session to sign in first', async () => {
      const { link } = await invited();
      const browser = new Browser(server().url);
      await browser.get(link);
      // No form on the page without a session, but the browser holds the CSRF cookie by now.
      const csrf = browser.cookies.get('belfry_csrf')!;
      const token = new URL(link, PUBLIC_URL).searchParams.get('token')!;
      const answer = await browser.post('/invitations/accept', { csrf, token });
      assert.ok(answer.path.startsWith('/signin?invitation='));
    });
  },
  { SMTP_URL: smtp.url, BELFRY_PUBLIC_URL: PUBLIC_URL },
);
