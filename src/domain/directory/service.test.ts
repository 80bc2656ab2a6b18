import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createTestDatabase,
  dialects,
  skipReason,
  type TestDatabase,
} from '../../../test/helpers/databases.js';
import { FakeDirectory } from '../../../test/helpers/fake-directory.js';
import { accountRecord, uniqueSuffix } from '../../../test/helpers/accounts.js';
import { LdapFailure } from '../../directory/types.js';
import { startWorker } from '../../jobs/queue.js';
import { ManualClock } from '../../lib/clock.js';
import { randomIds } from '../../lib/ids.js';
import { createSecretBox } from '../../lib/secret-box.js';
import { createServices, type Services } from '../../services.js';
import { insertAccount } from '../../store/accounts.js';
import { insertDomain } from '../../store/domains.js';
import { insertUser } from '../../store/users.js';
import { newMember } from '../users/rules.js';
import { listDirectoryMembers } from '../../store/directories.js';
import { systemActor } from '../access/actor.js';
import type { GroupTier } from './contract.js';

const BIND_PASSWORD = 'service-account-secret-4711';
const admin = systemActor('test');

for (const dialect of dialects) {
  const skip = await skipReason(dialect);
  if (skip) console.log(`# skipping directory domain on ${dialect}: ${skip}`);
  describe(`directory domain [${dialect}]`, { skip: skip ?? false }, () => {
    let database: TestDatabase;
    let services: Services;
    let worker: ReturnType<typeof startWorker>;
    const clock = new ManualClock();
    let current: FakeDirectory;
    const client = {
      open: (s: Parameters<FakeDirectory['open']>[0]) => current.open(s),
      bindAsUser: (s: Parameters<FakeDirectory['open']>[0], dn: string, pw: string) =>
        current.bindAsUser(s, dn, pw),
    };

    before(async () => {
      database = await createTestDatabase(dialect);
      services = await createServices({
        db: database.db,
        dialect,
        clock,
        ids: randomIds,
        secrets: createSecretBox(Buffer.alloc(32, 7)),
        config: { accountRetentionDays: 90, publicUrl: 'https://belfry.test', invitationTtlDays: 14 },
        mailer: { send: async () => undefined },
        directoryClient: client,
      });
      worker = startWorker({
        ...services,
        handlers: services.jobHandlers,
        workerId: 't',
        pollMs: 3_600_000,
        log: { error: () => undefined, warn: () => undefined },
      });
    });
    after(async () => {
      await worker.stop();
      await database.drop();
    });

    /** An EnterpriseLWA account with a verified domain, its directory connected and mapped. */
    async function connected(
      mapping: GroupTier[] = [
        { groupName: 'chime-pro', tier: 'Pro' },
        { groupName: 'chime-basic', tier: 'Basic' },
      ],
    ) {
      const id = randomIds.uuid();
      const domain = `corp-${uniqueSuffix()}.example`;
      const at = clock.now().toISOString();
      await insertAccount(database.db, accountRecord(id, 'EnterpriseLWA'));
      await insertDomain(database.db, {
        id: randomIds.uuid(),
        accountId: id,
        domainName: domain,
        status: 'Verified',
        txtRecordName: `_belfry.${domain}`,
        txtRecordValue: 'x',
        verificationDeadline: at,
        verifiedAt: at,
        recordMissingSince: undefined,
        lastCheckedAt: at,
        lastCheckResult: undefined,
        nextCheckAt: undefined,
        verifiedBy: 'DnsRecord',
        overrideReason: undefined,
        createdAt: at,
        updatedAt: at,
      });
      current = new FakeDirectory(domain);
      await services.directory.connect(admin, id, {
        type: 'ad',
        urls: ['ldap://127.0.0.1'],
        bindDn: 'cn=svc,dc=corp',
        bindPassword: BIND_PASSWORD,
        baseDn: 'dc=corp',
      });
      await services.directory.setGroupTiers(admin, id, mapping, { dryRun: false });
      await worker.drain();
      return { id, dir: current };
    }

    async function sync(accountId: string, options = { full: true, dryRun: false }) {
      const queued = await services.directory.startSync(admin, accountId, options);
      await worker.drain();
      return services.directory.getRun(admin, queued.runId);
    }

    const members = async (accountId: string) => [
      ...(await listDirectoryMembers(database.db, accountId)).values(),
    ];
    const byEmail = async (accountId: string, email: string) =>
      (await members(accountId)).find((u) => u.email === email);

    it('creates, tiers, suspends and restores users, a renamed user keeping their id', async () => {
      const { id, dir } = await connected();
      for (const n of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hal', 'ivy', 'jo', 'kim'])
        dir.user(n);
      dir.group('engineering', ['alice']);
      dir.group('chime-pro', ['engineering']);
      dir.group('chime-basic', [
        'bob',
        'carol',
        'dave',
        'erin',
        'frank',
        'gina',
        'hal',
        'ivy',
        'jo',
        'alice',
      ]);
      dir.user('outsider', { mail: 'outsider@elsewhere.example' });
      const first = await sync(id);
      assert.equal(first.status, 'applied', first.reason);
      assert.equal(first.counts.created, 10);
      assert.match(
        first.items.find((i) => i.email === `outsider@elsewhere.example`)!.reason,
        /elsewhere\.example/,
      );
      assert.equal(
        first.items.find(
          (i) => i.guid === [...dir.users.values()].find((u) => u.sAMAccountName === 'kim')!.guid,
        )!.action,
        'skip',
      );
      const alice = (await byEmail(id, `alice@${dir.domain}`))!;
      assert.equal(alice.license, 'Pro');
      assert.equal(alice.registrationStatus, 'Unregistered');
      assert.equal((await byEmail(id, `bob@${dir.domain}`))!.license, 'Basic');

      dir.user('bob', { userAccountControl: 514 });
      dir.user('alice', { mail: `alice.smith@${dir.domain}`, displayName: 'Alice Smith' });
      dir.group('chime-pro', ['engineering', 'carol']);
      const second = await sync(id);
      assert.equal(second.status, 'applied', second.reason);
      assert.deepEqual(
        [second.counts.suspended, second.counts.tierChanged, second.counts.updated],
        [1, 1, 1],
      );
      assert.match(second.items.find((i) => i.action === 'suspend')!.reason, /bit 2/);
      const renamed = (await byEmail(id, `alice.smith@${dir.domain}`))!;
      assert.equal(renamed.id, alice.id);
      assert.equal(renamed.displayName, 'Alice Smith');

      dir.user('bob', { userAccountControl: 512 });
      const third = await sync(id, { full: false, dryRun: false });
      assert.equal(third.status, 'applied');
      assert.equal(third.kind, 'incremental');
      assert.equal(third.counts.restored, 1);
      assert.equal((await byEmail(id, `bob@${dir.domain}`))!.registrationStatus, 'Unregistered');
    });

    it('fails a run whose directory cannot be read, applying nothing', async () => {
      const { id, dir } = await connected();
      dir.user('alice');
      dir.group('chime-pro', ['alice']);
      assert.equal((await sync(id)).status, 'applied');
      dir.failure = new LdapFailure('unreachable', 'connect ECONNREFUSED 127.0.0.1:389');
      const failed = await sync(id);
      assert.equal(failed.status, 'failed');
      assert.match(failed.reason!, /ECONNREFUSED/);
      assert.equal((await members(id))[0]!.registrationStatus, 'Unregistered');
    });

    it('holds a run that empties a mapped group; reject discards it, approve applies it', async () => {
      const { id, dir } = await connected();
      dir.user('alice');
      dir.user('bob');
      dir.group('chime-pro', ['alice', 'bob']);
      await sync(id);
      dir.group('chime-pro', []);
      const held = await sync(id);
      assert.equal(held.status, 'held');
      assert.match(held.reason!, /chime-pro/);
      assert.ok((await members(id)).every((u) => u.registrationStatus !== 'Suspended'));
      const shown = await services.directory.get(admin, id);
      assert.equal(shown.type === 'ad' && shown.heldRunId, held.runId);
      assert.equal((await services.directory.rejectRun(admin, held.runId)).status, 'rejected');
      const again = await sync(id);
      assert.equal(again.status, 'held');
      const approved = await services.directory.approveRun(admin, again.runId);
      assert.equal(approved.status, 'approved');
      assert.ok((await members(id)).every((u) => u.registrationStatus === 'Suspended'));
    });

    it('holds a run suspending more than the share of users, and reports a dry run without applying it', async () => {
      const { id, dir } = await connected();
      const names = Array.from({ length: 20 }, (_, i) => `u${i}`);
      for (const n of names) dir.user(n);
      dir.group('chime-basic', names);
      await sync(id);
      dir.user('u0', { userAccountControl: 514 });
      dir.user('u1', { userAccountControl: 514 });
      dir.user('u2', { userAccountControl: 514 });
      const dry = await sync(id, { full: true, dryRun: true });
      assert.equal(dry.status, 'dry');
      const held = await sync(id);
      assert.equal(held.status, 'held');
      assert.match(held.reason!, /3 of 20/);
      assert.equal((await members(id)).filter((u) => u.registrationStatus === 'Suspended').length, 0);
    });

    it('falls back to a full read when the invocationId changed', async () => {
      const { id, dir } = await connected();
      dir.user('alice');
      dir.group('chime-pro', ['alice']);
      await sync(id);
      dir.invocationId = 'restored-dc';
      const run = await sync(id, { full: false, dryRun: false });
      assert.equal(run.kind, 'full');
      assert.match(run.kindReason!, /invocationId/);
    });

    it('previews a mapping change and never keeps the bind password in clear', async () => {
      const { id, dir } = await connected();
      dir.user('alice');
      dir.user('bob');
      dir.group('chime-pro', ['alice']);
      dir.group('chime-basic', ['bob']);
      await sync(id);
      const { preview, saved } = await services.directory.setGroupTiers(
        admin,
        id,
        [{ groupName: 'chime-pro', tier: 'Basic' }],
        { dryRun: true },
      );
      assert.equal(saved, false);
      assert.deepEqual([preview.tierChanges, preview.loseSignIn], [1, 1]);
      const rows = await database.db.selectFrom('directory_connections').selectAll().execute();
      const audit = await database.db.selectFrom('audit_events').selectAll().execute();
      assert.ok(!JSON.stringify([rows, audit]).includes(BIND_PASSWORD));
    });

    it('explains alice → engineering → chime-pro, and reads only changes incrementally', async () => {
      const { id, dir } = await connected();
      dir.user('alice');
      dir.user('bob');
      dir.group('engineering', ['alice']);
      dir.group('chime-pro', ['engineering']);
      dir.group('chime-basic', ['bob']);
      const first = await sync(id);
      const why = await services.directory.explain(admin, id, `alice@${dir.domain}`);
      assert.deepEqual(why.chains[0]?.path, ['alice', 'engineering', 'chime-pro']);
      assert.equal(why.tier, 'Pro');
      assert.equal(why.lastChange?.runId, first.runId);
      dir.user('bob', { displayName: 'Bob B' });
      dir.reads.length = 0;
      const run = await sync(id, { full: false, dryRun: false });
      assert.equal(run.kind, 'incremental');
      assert.ok(dir.reads[0]?.startsWith('users>'), dir.reads.join());
      assert.deepEqual(
        run.items.map((i) => [i.action, i.email]),
        [['update', `bob@${dir.domain}`]],
      );
    });

    it('holds a run suspending more than the number allowed', async () => {
      const { id, dir } = await connected();
      const names = Array.from({ length: 60 }, (_, i) => `n${i}`);
      for (const n of names) dir.user(n);
      dir.group('chime-basic', names);
      dir.group('other', names.slice(0, 51));
      await sync(id);
      for (const n of names.slice(0, 51)) dir.user(n, { userAccountControl: 514 });
      const held = await sync(id);
      assert.equal(held.status, 'held');
      assert.match(held.reason!, /51 users, more than 50/);
    });

    it('signs in with directory credentials, mapping each refusal', async () => {
      const { id, dir } = await connected();
      const alice = dir.user('alice');
      const nobody = dir.user('nobody');
      dir.group('chime-pro', ['alice']);
      dir.passwords.set(alice.dn, 'pw-alice');
      dir.passwords.set(nobody.dn, 'pw-nobody');
      const ok = await services.directory.signIn(`alice@${dir.domain}`, 'pw-alice');
      assert.equal(ok.kind, 'signed_in');
      assert.equal((await byEmail(id, `alice@${dir.domain}`))!.registrationStatus, 'Registered');
      const wrong = await services.directory.signIn(`alice@${dir.domain}`, 'nope');
      const unknown = await services.directory.signIn(`ghost@${dir.domain}`, 'nope');
      assert.ok(wrong.kind === 'refused' && unknown.kind === 'refused');
      assert.equal(wrong.code, 'wrong_credentials');
      assert.equal(wrong.message, unknown.message);
      assert.equal(wrong.countsAsFailure, true);
      const noTier = await services.directory.signIn(`nobody@${dir.domain}`, 'pw-nobody');
      assert.ok(noTier.kind === 'refused' && noTier.code === 'no_tier');
      dir.bindOutcomes.set(alice.dn, { ok: false, reason: 'locked_out' });
      const locked = await services.directory.signIn(`alice@${dir.domain}`, 'pw-alice');
      assert.ok(locked.kind === 'refused' && locked.code === 'locked_out');
      dir.failure = new LdapFailure('unreachable', 'down');
      const down = await services.directory.signIn(`alice@${dir.domain}`, 'pw-alice');
      assert.ok(down.kind === 'refused' && down.code === 'directory_unavailable' && !down.countsAsFailure);
      assert.deepEqual(await services.directory.signIn('someone@elsewhere.example', 'x'), {
        kind: 'not_directory',
      });
    });

    it('applies a first sync of 10,000 users (timing printed, not asserted)', async () => {
      const { id, dir } = await connected();
      const names = Array.from({ length: 10_000 }, (_, i) => `p${i}`);
      for (const n of names) dir.user(n);
      for (let g = 0; g < 10; g++) dir.group(`team${g}`, names.slice(g * 1000, (g + 1) * 1000));
      dir.group(
        'chime-basic',
        Array.from({ length: 10 }, (_, g) => `team${g}`),
      );
      const started = performance.now();
      const run = await sync(id);
      console.log(
        `# [${dialect}] 10,000-user first sync applied in ${Math.round(performance.now() - started)} ms`,
      );
      assert.equal(run.status, 'applied', run.reason);
      assert.equal(run.counts.created, 10_000);
    });

    it('runs on schedule, and while a run is held scheduled runs only report', async () => {
      const { id, dir } = await connected();
      dir.user('alice');
      dir.group('chime-pro', ['alice']);
      clock.advance(10 * 60_000);
      await worker.drain();
      const { runs } = await services.directory.listRuns(admin, id, {});
      assert.equal(runs[0]?.trigger, 'schedule');
      assert.equal(runs[0]?.status, 'applied', runs[0]?.reason);
      dir.group('chime-pro', []);
      assert.equal((await sync(id)).status, 'held');
      clock.advance(10 * 60_000);
      await worker.drain();
      const latest = (await services.directory.listRuns(admin, id, { maxResults: 1 })).runs[0]!;
      assert.deepEqual([latest.trigger, latest.status], ['schedule', 'dry']);
    });

    it('connects Enterprise accounts only, checks the settings, and disconnects keeping the users', async () => {
      const team = randomIds.uuid();
      await insertAccount(database.db, accountRecord(team, 'Team'));
      const input = {
        type: 'ad' as const,
        urls: ['ldap://127.0.0.1'],
        bindDn: 'cn=svc',
        bindPassword: 'x',
        baseDn: 'dc=corp',
      };
      await assert.rejects(services.directory.connect(admin, team, input), /verify a domain first/);
      const { id, dir } = await connected();
      await assert.rejects(
        services.directory.connect(admin, id, {
          ...input,
          urls: ['http://dc'],
          userFilter: '(objectClass=user',
        }),
        (e: Error) => /ldap:\/\/ or ldaps:\/\//.test(e.message) && /user filter/.test(e.message),
      );
      dir.user('alice');
      dir.group('chime-pro', ['alice']);
      await sync(id);
      await services.directory.disconnect(admin, id);
      const account = await database.db
        .selectFrom('accounts')
        .select('account_type')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(account.account_type, 'EnterpriseLWA');
      assert.equal((await members(id)).length, 1);
    });

    it('ties a member who joined before the directory to their entry instead of creating them again', async () => {
      const { id, dir } = await connected();
      const at = clock.now().toISOString();
      const early = newMember(
        {
          id: randomIds.uuid(),
          accountId: id,
          email: `alice@${dir.domain}`,
          displayName: 'alice',
          license: 'Basic',
          userType: 'PrivateUser',
          joined: 'registered',
        },
        at,
      );
      await insertUser(database.db, early);
      dir.user('alice');
      dir.group('chime-pro', ['alice']);
      const run = await sync(id);
      assert.equal(run.status, 'applied', run.reason);
      assert.equal(run.counts.created, 0);
      const alice = (await byEmail(id, `alice@${dir.domain}`))!;
      assert.deepEqual([alice.id, alice.license], [early.id, 'Pro']);
    });
  });
}
