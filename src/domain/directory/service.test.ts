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
      assert.equal((await services.directory.get(admin, id)).heldRunId, held.runId);
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
  });
}
