import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  createTestDatabase,
  dialects,
  skipReason,
  type TestDatabase,
} from '../../../test/helpers/databases.js';
import { startWorker } from '../../jobs/queue.js';
import { DAY_MS, ManualClock } from '../../lib/clock.js';
import { randomIds } from '../../lib/ids.js';
import { createSecretBox } from '../../lib/secret-box.js';
import type { OutgoingMail } from '../../mail/mailer.js';
import { createServices, type Services } from '../../services.js';
import { findIdentityByEmail } from '../../store/identities.js';
import { DomainError, type ErrorKind } from '../errors.js';
import { WRONG_CREDENTIALS } from './service.js';
import { SignInThrottled } from './throttle.js';
import { IDENTITY_RULES } from './deps.js';

const PUBLIC_URL = 'https://belfry.test.example';
const PASSWORD = 'correct horse battery';

let counter = 0;
const newEmail = () => `Person.${Date.now()}.${++counter}@Example.com`;

const refusedAs = (kind: ErrorKind, message?: RegExp | string) => (error: unknown) => {
  assert.ok(error instanceof DomainError, String(error));
  assert.equal(error.kind, kind, error.message);
  if (typeof message === 'string') assert.equal(error.message, message);
  else if (message) assert.match(error.message, message);
  return true;
};

for (const dialect of dialects) {
  const skip = await skipReason(dialect);
  describe(`identities [${dialect}]`, { skip: skip ?? false }, () => {
    let database: TestDatabase;
    let services: Services;
    let worker: ReturnType<typeof startWorker>;
    const clock = new ManualClock();
    const outbox: OutgoingMail[] = [];
    const ip = () => ({ sourceIp: `192.0.2.${counter % 250}` });

    before(async () => {
      database = await createTestDatabase(dialect);
      services = await createServices({
        db: database.db,
        dialect,
        clock,
        ids: randomIds,
        secrets: createSecretBox(Buffer.alloc(32, 3)),
        config: { accountRetentionDays: 90, publicUrl: PUBLIC_URL, invitationTtlDays: 14 },
        mailer: { send: async (mail) => void outbox.push(mail) },
      });
      const quiet = { error: () => undefined, warn: () => undefined };
      worker = startWorker({
        ...services,
        handlers: services.jobHandlers,
        workerId: 't',
        pollMs: 3_600_000,
        log: quiet,
      });
    });
    after(async () => {
      await worker.stop();
      await database.drop();
    });
    beforeEach(() => void counter++);

    /** Runs the queued jobs and returns the token of the last link sent to the address with the path. */
    async function linkSentTo(email: string, path: string): Promise<string> {
      await worker.drain();
      const mail = outbox.findLast((m) => m.to === email && m.text.includes(`${PUBLIC_URL}${path}?token=`));
      assert.ok(mail, `no ${path} link sent to ${email}`);
      return new RegExp(`${PUBLIC_URL}${path}\\?token=([A-Za-z0-9_-]{43})\\n`).exec(mail.text)![1]!;
    }

    /** The audit events about one identity, read straight from the store (they belong to no account). */
    async function identityEvents(identityId: string) {
      const rows = await services.db
        .selectFrom('audit_events')
        .selectAll()
        .where('target_id', '=', identityId)
        .execute();
      return rows.map((r) => {
        assert.equal(r.account_id, null, `${r.operation} names account ${r.account_id}`);
        assert.equal(r.principal, `identity/${identityId}`);
        assert.equal(r.target_type, 'Identity');
        return {
          operation: r.operation,
          outcome: r.outcome,
          errorCode: r.error_code,
          requestId: r.request_id,
          sourceIp: r.source_ip,
          details: r.details === null ? undefined : JSON.parse(r.details),
        };
      });
    }

    /** The only event of the operation about the identity. */
    async function onlyEvent(identityId: string, operation: string) {
      const events = (await identityEvents(identityId)).filter((e) => e.operation === operation);
      assert.equal(events.length, 1, JSON.stringify(events));
      return events[0]!;
    }

    const identityIdOf = async (email: string) => (await findIdentityByEmail(services.db, email))!.id;

    async function verifiedIdentity(email = newEmail()): Promise<string> {
      await services.identities.register({ email, password: PASSWORD });
      await services.identities.verifyEmail(await linkSentTo(email, '/verify'), PASSWORD);
      return email;
    }

    it('registers an unverified identity with an argon2id hash and a 30-day Pro trial', async () => {
      const email = newEmail();
      const result = await services.identities.register({ email: ` ${email} `, password: PASSWORD });
      assert.equal(result.session, undefined, 'no session before the address is confirmed');
      const stored = await findIdentityByEmail(services.db, email.toLowerCase());
      assert.equal(stored?.email, email, 'the address is kept as given (trimmed)');
      assert.match(stored.passwordHash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
      assert.ok(!stored.passwordHash.includes(PASSWORD));
      assert.equal(stored.emailVerifiedAt, undefined);
      assert.equal(stored.proTrialEndsAt, new Date(clock.now().getTime() + 30 * DAY_MS).toISOString());

      // The job carries only the identity: the link's token is made when the mail goes out.
      const jobs = await services.db
        .selectFrom('jobs')
        .select('payload')
        .where('kind', '=', 'identity.send-verification')
        .execute();
      assert.ok(jobs.some((j) => j.payload.includes(stored.id)));
      const token = await linkSentTo(email, '/verify');
      assert.ok(jobs.every((j) => !j.payload.includes(token)));
      const tokens = await services.db.selectFrom('identity_tokens').select('token_hash').execute();
      assert.ok(tokens.every((t) => t.token_hash !== token && /^[0-9a-f]{64}$/.test(t.token_hash)));

      const registered = await onlyEvent(stored.id, 'RegisterIdentity');
      assert.deepEqual(
        [registered.outcome, registered.details],
        ['Success', { email, verifiedByInvitation: false }],
      );
    });

    it('refuses a short password and a malformed address', async () => {
      await assert.rejects(
        services.identities.register({ email: newEmail(), password: 'nine char' }),
        refusedAs('InvalidInput', /at least 10 characters/),
      );
      await assert.rejects(
        services.identities.register({ email: 'not-an-address', password: PASSWORD }),
        refusedAs('InvalidInput', /not a valid email address/),
      );
    });

    it('confirms the address once; the link works a single time', async () => {
      const email = newEmail();
      await services.identities.register({ email, password: PASSWORD });
      const token = await linkSentTo(email, '/verify');
      const client = { requestId: `confirm-${counter}`, sourceIp: '192.0.2.77' };
      const identity = await services.identities.verifyEmail(token, PASSWORD, client);
      assert.equal(identity.emailVerifiedAt, clock.now().toISOString());
      await assert.rejects(
        services.identities.verifyEmail(token, PASSWORD),
        refusedAs('NotFound', /expired or was already used/),
      );
      const confirmed = await onlyEvent(identity.id, 'ConfirmIdentityEmail');
      assert.deepEqual(confirmed, {
        operation: 'ConfirmIdentityEmail',
        outcome: 'Success',
        errorCode: null,
        ...client,
        details: { email },
      });
    });

    it('refuses an unverified identity with the right password, and mails nothing new', async () => {
      const email = newEmail();
      await services.identities.register({ email, password: PASSWORD });
      const link = await linkSentTo(email, '/verify');
      const sent = outbox.length;
      await assert.rejects(
        services.identities.signIn(email, PASSWORD, ip()),
        refusedAs('PreconditionFailed', /Confirm your email address first: open the link we sent/),
      );
      await worker.drain();
      assert.equal(outbox.length, sent, 'signing in mails the address nothing');
      await services.identities.verifyEmail(link, PASSWORD);
      const grant = await services.identities.signIn(email.toUpperCase(), PASSWORD, ip());
      assert.equal(grant.identity.email, email);
    });

    it("keeps someone who registers another's address from taking it over when the owner clicks", async () => {
      const victim = newEmail();
      const attacker = 'the attacker chose this';
      await services.identities.register({ email: victim, password: attacker });
      const link = await linkSentTo(victim, '/verify');
      const sent = outbox.length;
      for (let i = 0; i < 3; i++)
        await assert.rejects(
          services.identities.signIn(victim, attacker, ip()),
          refusedAs('PreconditionFailed'),
        );
      await worker.drain();
      assert.equal(outbox.length, sent, "the attacker's sign-ins do not mail the owner a confirmation link");

      // The owner clicks the link: without the registration password nothing is confirmed.
      await assert.rejects(
        services.identities.verifyEmail(link, 'the owner does not know it'),
        refusedAs('Unauthorized', /Forgot your password/),
      );
      assert.equal((await findIdentityByEmail(services.db, victim))?.emailVerifiedAt, undefined);
      const victimId = await identityIdOf(victim);
      const refused = await onlyEvent(victimId, 'ConfirmIdentityEmail');
      assert.deepEqual([refused.outcome, refused.errorCode], ['Failure', 'Unauthorized']);
      await assert.rejects(
        services.identities.signIn(victim, attacker, ip()),
        refusedAs('PreconditionFailed'),
      );

      // "Forgot your password?" proves the mailbox and sets the owner's own password.
      await services.identities.requestPasswordReset(victim);
      await services.identities.resetPassword(await linkSentTo(victim, '/password/reset'), PASSWORD);
      assert.ok(await services.identities.signIn(victim, PASSWORD, ip()));
      await assert.rejects(services.identities.signIn(victim, attacker, ip()), refusedAs('Unauthorized'));
      const reset = await onlyEvent(victimId, 'ResetIdentityPassword');
      assert.deepEqual(reset.details, {
        email: victim,
        sessionsEnded: 0,
        appSignInsEnded: 0,
        emailConfirmed: true,
      });
      const trail = JSON.stringify(await identityEvents(victimId));
      assert.ok(!trail.includes(attacker) && !trail.includes(PASSWORD) && !trail.includes(link));
    });

    const kindsOf = (outcomes: PromiseSettledResult<unknown>[]) =>
      outcomes.map((o) =>
        o.status === 'rejected' && o.reason instanceof DomainError ? o.reason.kind : o.status,
      );

    it('lets at most 5 of 20 concurrent wrong passwords for one address from one client reach the check', async () => {
      const email = await verifiedIdentity();
      const sourceIp = `198.51.100.${counter % 250}`;
      const kinds = kindsOf(
        await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            services.identities.signIn(email, `wrong password ${i}`, { sourceIp }),
          ),
        ),
      );
      assert.equal(kinds.filter((k) => k === 'Unauthorized').length, 5, kinds.join());
      assert.equal(kinds.filter((k) => k === 'Throttled').length, 15, kinds.join());
      await assert.rejects(services.identities.signIn(email, PASSWORD, { sourceIp }), refusedAs('Throttled'));
      assert.ok(await services.identities.signIn(email, PASSWORD, { sourceIp: '192.0.2.250' }));
    });

    it('lets at most 10 of 30 concurrent wrong passwords for one address from 30 clients reach the check', async () => {
      const email = await verifiedIdentity();
      const kinds = kindsOf(
        await Promise.allSettled(
          Array.from({ length: 30 }, (_, i) =>
            services.identities.signIn(email, `wrong password ${i}`, {
              sourceIp: `198.18.${counter % 250}.${i}`,
            }),
          ),
        ),
      );
      const checked = kinds.filter((k) => k === 'Unauthorized').length;
      assert.ok(checked >= 1 && checked <= 10, kinds.join());
      assert.equal(kinds.filter((k) => k === 'Throttled').length, 30 - checked, kinds.join());
    });

    it('answers a wrong password and an unknown address with the same message', async () => {
      const email = await verifiedIdentity();
      await assert.rejects(
        services.identities.signIn(email, 'wrong password!', ip()),
        refusedAs('Unauthorized', WRONG_CREDENTIALS),
      );
      await assert.rejects(
        services.identities.signIn(newEmail(), PASSWORD, ip()),
        refusedAs('Unauthorized', WRONG_CREDENTIALS),
      );
    });

    it('stops guesses from one client there, never the owner elsewhere', async () => {
      const email = await verifiedIdentity();
      const attacker = { sourceIp: `198.51.100.${counter % 250}` };
      for (let i = 0; i < 5; i++)
        await assert.rejects(
          services.identities.signIn(email, `wrong password ${i}`, attacker),
          refusedAs('Unauthorized'),
        );
      await assert.rejects(
        services.identities.signIn(email, PASSWORD, attacker),
        refusedAs(
          'Throttled',
          /^Too many failed sign-ins for this address from your network\. Try again in 15 minutes \(at \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\.$/,
        ),
      );
      // The owner, from another address, is not concerned at all.
      assert.ok(await services.identities.signIn(email, PASSWORD, { sourceIp: '192.0.2.251' }));
      clock.advance(15 * 60_000);
      assert.ok(await services.identities.signIn(email, PASSWORD, attacker));

      // Each refusal is in the installation's trail (the address tried, from where, and why),
      // except those the throttle turned away unchecked.
      const refusals = await services.db
        .selectFrom('audit_events')
        .select(['account_id', 'principal', 'source_ip', 'error_code', 'details'])
        .where('operation', '=', 'SignIn')
        .where('details', 'like', `%${email}%`)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        refusals.map((r) => [r.account_id, r.principal, r.error_code, r.source_ip]),
        Array(5).fill([null, 'anonymous', 'Unauthorized', attacker.sourceIp]),
      );
      assert.ok(
        refusals.every((r) => !r.details!.includes('wrong password')),
        'never the password',
      );
    });

    it("gives a device that signed in before its own budget, which no other identity's cookie gives", async () => {
      const email = await verifiedIdentity();
      const sourceIp = `203.0.113.${counter % 250}`;
      const { device } = await services.identities.signIn(email, PASSWORD, { sourceIp });
      // A neighbour behind the same address spends that address's budgets for this identity and
      // for the whole address…
      for (let i = 0; i < 5; i++)
        await assert.rejects(
          services.identities.signIn(email, `wrong ${i}`, { sourceIp }),
          refusedAs('Unauthorized'),
        );
      for (let i = 0; i < 15; i++)
        await assert.rejects(
          services.identities.signIn(newEmail(), PASSWORD, { sourceIp }),
          refusedAs('Unauthorized'),
        );
      await assert.rejects(services.identities.signIn(email, PASSWORD, { sourceIp }), refusedAs('Throttled'));
      // …and the owner's browser still signs in, and gets 5 tries of its own.
      const again = await services.identities.signIn(email, PASSWORD, { sourceIp, device });
      for (let i = 0; i < 5; i++)
        await assert.rejects(
          services.identities.signIn(email, `typo ${i}`, { sourceIp, device: again.device }),
          refusedAs('Unauthorized'),
        );
      await assert.rejects(
        services.identities.signIn(email, PASSWORD, { sourceIp, device: again.device }),
        refusedAs('Throttled', /for this address on this device\. Try again in 15 minutes/),
      );

      // A cookie earned by signing in to one's own identity is worth nothing for another's,
      // and neither is one with a tag made up or moved.
      const other = await verifiedIdentity();
      const own = (await services.identities.signIn(other, PASSWORD, { sourceIp: '192.0.2.252' })).device;
      const [id, tag] = device.split('.');
      for (const forged of [own, `${own.split('.')[0]}.${tag}`, `${id}.${'A'.repeat(22)}`, 'garbage'])
        await assert.rejects(
          services.identities
            .signIn(email, PASSWORD, { sourceIp: '203.0.113.1', device: forged })
            .then(() => services.identities.signIn(email, PASSWORD, { sourceIp, device: forged })),
          refusedAs('Throttled', /from your network/),
        );
    });

    it('slows a guesser spread over many clients with growing waits, up to a day after 100, never a lock', async () => {
      const email = await verifiedIdentity();
      const from = (i: number) => ({ sourceIp: `198.19.${Math.floor(i / 250)}.${i % 250}` });
      const { device } = await services.identities.signIn(email, PASSWORD, { sourceIp: '192.0.2.253' });
      const waits: number[] = [];
      for (let i = 0; i < 100; i++) {
        const outcome = await services.identities
          .signIn(email, `guess ${i}`, from(i))
          .catch((e: unknown) => e);
        if (outcome instanceof SignInThrottled) {
          waits.push(outcome.retryAfterSeconds);
          assert.match(outcome.message, /from several places\. Belfry slows them down: try again in /);
          // Told when, retried then: the try is heard.
          clock.advance(outcome.retryAfterSeconds * 1000);
          await assert.rejects(
            services.identities.signIn(email, `guess ${i}`, from(i)),
            refusedAs('Unauthorized'),
          );
        } else assert.ok(outcome instanceof DomainError && outcome.kind === 'Unauthorized', String(outcome));
      }
      // 10 free, then 30 s doubling up to an hour; at 100 failures in a row, a day.
      assert.deepEqual(waits.slice(0, 8), [30, 60, 120, 240, 480, 960, 1920, 3600]);
      assert.ok(
        waits.slice(8).every((w) => w === 3600),
        waits.join(),
      );
      assert.equal(waits.length, 90);
      const held = await services.identities.signIn(email, PASSWORD, from(500)).catch((e: unknown) => e);
      assert.ok(held instanceof SignInThrottled, String(held));
      assert.match(held.message, /try again in 24 hours \(at \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
      // A browser that signed in to this address before is never held back.
      const known = { sourceIp: '192.0.2.253', device };
      await assert.rejects(services.identities.signIn(email, 'typo', known), refusedAs('Unauthorized'));
      assert.ok(await services.identities.signIn(email, PASSWORD, known));
      assert.ok(
        await services.identities.signIn(email, PASSWORD, from(501)),
        'a success starts the run afresh',
      );
    });

    for (const [title, local] of [
      ['', undefined],
      // Keys are compared in characters by the databases and measured in UTF-16 units by
      // JavaScript: a character outside the BMP once made the reset forget nothing.
      [' (an address with a character outside the BMP)', `\u{1D51E}.${Date.now()}`],
    ] as const)
      it(`forgets an address's failures from everywhere once a password reset proves who holds the mailbox${title}`, async () => {
        const email = await verifiedIdentity(local && `${local}.${++counter}@example.com`);
        const held = { sourceIp: `198.51.100.${counter % 250}` };
        for (let i = 0; i < 5; i++)
          await assert.rejects(
            services.identities.signIn(email, `wrong ${i}`, held),
            refusedAs('Unauthorized'),
          );
        for (let i = 0; i < 5; i++)
          await assert.rejects(
            services.identities.signIn(email, `wrong ${i}`, { sourceIp: `198.18.200.${i}` }),
            refusedAs('Unauthorized'),
          );
        await assert.rejects(services.identities.signIn(email, PASSWORD, held), refusedAs('Throttled'));
        await assert.rejects(
          services.identities.signIn(email, PASSWORD, { sourceIp: '198.18.200.99' }),
          refusedAs('Throttled', /from several places/),
        );
        await services.identities.requestPasswordReset(email);
        await services.identities.resetPassword(
          await linkSentTo(email, '/password/reset'),
          'a brand new passphrase',
        );
        assert.ok(await services.identities.signIn(email, 'a brand new passphrase', held));
      });

    it('throttles a client address after 20 failures, whichever addresses it tries', async () => {
      const sourceIp = '203.0.113.7';
      const email = await verifiedIdentity();
      for (let i = 0; i < 20; i++)
        await assert.rejects(
          services.identities.signIn(newEmail(), PASSWORD, { sourceIp }),
          refusedAs('Unauthorized'),
        );
      await assert.rejects(
        services.identities.signIn(email, PASSWORD, { sourceIp }),
        refusedAs('Throttled', /^Too many failed sign-ins from your network\. Try again in 15 minutes/),
      );
      assert.ok(await services.identities.signIn(email, PASSWORD, { sourceIp: '203.0.113.8' }));
      clock.advance(15 * 60_000 + 1);
      assert.ok(await services.identities.signIn(email, PASSWORD, { sourceIp }));
    });

    it('counts an IPv6 client by its /64: a fresh address per try does not escape the limit', async () => {
      const email = await verifiedIdentity();
      const prefix = `2001:db8:${(counter % 65_000).toString(16)}:1`;
      for (let i = 0; i < 20; i++)
        await assert.rejects(
          services.identities.signIn(newEmail(), PASSWORD, {
            sourceIp: `${prefix}::${(i + 1).toString(16)}`,
          }),
          refusedAs('Unauthorized'),
        );
      await assert.rejects(
        services.identities.signIn(email, PASSWORD, { sourceIp: `${prefix}::ffff` }),
        refusedAs('Throttled', /^Too many failed sign-ins from your network\./),
      );
      assert.ok(await services.identities.signIn(email, PASSWORD, { sourceIp: `${prefix}0::1` }));
    });

    it('keeps sessions until sign-out or expiry, and revokes them all at once', async () => {
      const email = await verifiedIdentity();
      const a = await services.identities.signIn(email, PASSWORD, ip());
      const b = await services.identities.signIn(email, PASSWORD, ip());
      assert.equal((await services.identities.sessionIdentity(a.token))?.email, email);
      await services.identities.signOut(a.token);
      assert.equal(await services.identities.sessionIdentity(a.token), undefined);
      assert.ok(await services.identities.sessionIdentity(b.token));
      assert.equal(await services.identities.revokeSessions(services.db, b.identity.id), 1);
      assert.equal(await services.identities.sessionIdentity(b.token), undefined);

      const c = await services.identities.signIn(email, PASSWORD, ip());
      clock.advance(14 * DAY_MS);
      assert.equal(await services.identities.sessionIdentity(c.token), undefined, 'expired after 14 days');
    });

    it('tells a second registration nothing new and mails the owner instead', async () => {
      const email = await verifiedIdentity();
      const before = await findIdentityByEmail(services.db, email);
      const result = await services.identities.register({
        email: email.toLowerCase(),
        password: 'another password',
      });
      assert.equal(result.session, undefined);
      await worker.drain();
      assert.equal(outbox.at(-1)?.to, email);
      assert.equal(outbox.at(-1)?.subject, 'You already have a Belfry identity');
      assert.equal((await findIdentityByEmail(services.db, email))?.passwordHash, before?.passwordHash);
      await onlyEvent(before!.id, 'RegisterIdentity'); // the first registration's, nothing new
    });

    it('registers one identity when the same address registers twice at once', async () => {
      const email = newEmail();
      const answers = await Promise.all([
        services.identities.register({ email, password: PASSWORD }),
        services.identities.register({ email: email.toLowerCase(), password: 'another password' }),
      ]);
      assert.deepEqual(answers, [{ session: undefined }, { session: undefined }]);
      const rows = await services.db
        .selectFrom('identities')
        .select('id')
        .where('email_normalized', '=', email.toLowerCase())
        .execute();
      assert.equal(rows.length, 1);
      const registrations = await services.db
        .selectFrom('audit_events')
        .select(['target_id', 'details'])
        .where('operation', '=', 'RegisterIdentity')
        .execute();
      assert.deepEqual(
        registrations
          .filter((r) => JSON.parse(r.details!).email.toLowerCase() === email.toLowerCase())
          .map((r) => r.target_id),
        [rows[0]!.id],
        'one event, for the identity that was made',
      );
      await worker.drain();
      const subjects = outbox
        .filter((m) => m.to.toLowerCase() === email.toLowerCase())
        .map((m) => m.subject)
        .sort();
      assert.deepEqual(subjects, [
        'Confirm your email address for Belfry',
        'You already have a Belfry identity',
      ]);
    });

    it('resets a password by email: one-time, one-hour link; old sessions end', async () => {
      const email = await verifiedIdentity();
      const session = await services.identities.signIn(email, PASSWORD, ip());
      const sent = outbox.length;
      await services.identities.requestPasswordReset(newEmail());
      await worker.drain();
      assert.equal(outbox.length, sent, 'nothing is sent for an unknown address');

      await services.identities.requestPasswordReset(email);
      const token = await linkSentTo(email, '/password/reset');
      assert.equal(await services.identities.isPasswordResetTokenUsable(token), true);
      await assert.rejects(services.identities.resetPassword(token, 'short'), refusedAs('InvalidInput'));
      assert.equal(
        await services.identities.isPasswordResetTokenUsable(token),
        true,
        'a refused password spends nothing',
      );
      const client = { requestId: `reset-${counter}`, sourceIp: '192.0.2.78' };
      await services.identities.resetPassword(token, 'a brand new passphrase', client);
      assert.equal(await services.identities.sessionIdentity(session.token), undefined);
      await assert.rejects(services.identities.signIn(email, PASSWORD, ip()), refusedAs('Unauthorized'));
      assert.ok(await services.identities.signIn(email, 'a brand new passphrase', ip()));
      await assert.rejects(
        services.identities.resetPassword(token, 'yet another passphrase'),
        refusedAs('NotFound'),
      );

      await services.identities.requestPasswordReset(email);
      const late = await linkSentTo(email, '/password/reset');
      clock.advance(60 * 60_000);
      assert.equal(await services.identities.isPasswordResetTokenUsable(late), false);
      await assert.rejects(
        services.identities.resetPassword(late, 'yet another passphrase'),
        refusedAs('NotFound'),
      );

      // One event, for the reset that happened; refused passwords and dead links change nothing.
      const reset = await onlyEvent(session.identity.id, 'ResetIdentityPassword');
      assert.deepEqual(reset, {
        operation: 'ResetIdentityPassword',
        outcome: 'Success',
        errorCode: null,
        ...client,
        details: { email, sessionsEnded: 1, appSignInsEnded: 0 },
      });
      assert.ok(!JSON.stringify(reset).includes('passphrase') && !JSON.stringify(reset).includes(token));
    });

    it("bounds the mails anyone can trigger, per address and per client; a stranger cannot retire the owner's reset link", async () => {
      const { perEmail, perIp, windowMs } = IDENTITY_RULES.mail;
      const email = await verifiedIdentity();
      const stranger = { requestId: `strangers-${counter}`, sourceIp: `198.51.100.${counter % 250}` };
      await services.identities.requestPasswordReset(email);
      const ownersLink = await linkSentTo(email, '/password/reset');
      // The owner's registration mail counted too; the stranger spends the rest of the budget.
      for (let i = 2; i < perEmail; i++) await services.identities.requestPasswordReset(email, stranger);
      await assert.rejects(
        services.identities.requestPasswordReset(email, stranger),
        refusedAs('Throttled', /Too many emails have been sent to this address/),
      );
      await assert.rejects(
        services.identities.register({ email, password: PASSWORD }, stranger),
        refusedAs('Throttled'),
        'registering the address again mails it too',
      );
      const strangersLink = await linkSentTo(email, '/password/reset');
      assert.notEqual(strangersLink, ownersLink);
      assert.equal(await services.identities.isPasswordResetTokenUsable(ownersLink), true);
      await services.identities.resetPassword(ownersLink, 'the owner chose this one');
      assert.equal(
        await services.identities.isPasswordResetTokenUsable(strangersLink),
        false,
        'using one link retires the others',
      );

      // Per client: many addresses, one network. An unknown address counts like a known one.
      const spammer = { requestId: `spammer-${counter}`, sourceIp: `203.0.113.${counter % 250}` };
      for (let i = 0; i < perIp; i++) await services.identities.requestPasswordReset(newEmail(), spammer);
      await assert.rejects(
        services.identities.requestPasswordReset(newEmail(), spammer),
        refusedAs('Throttled', /from your network/),
      );
      clock.advance(windowMs);
      await services.identities.requestPasswordReset(newEmail(), spammer);
      await services.identities.requestPasswordReset(email, stranger);
    });
  });
}
