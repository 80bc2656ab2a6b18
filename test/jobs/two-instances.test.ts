import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InviteUsersCommand } from '@aws-sdk/client-chime';
import { SEND_INVITATION_EMAIL_JOB } from '../../src/domain/users/invitation-email.js';
import { JOB_LEASE_MS } from '../../src/jobs/queue.js';
import { chime, startServer, type ServerProcess } from '../cli/processes.js';
import { newAccountId, uniqueSuffix } from '../helpers/accounts.js';
import {
  createTestDatabase,
  databaseUrlOf,
  dialects,
  skipReason,
  type TestDatabase,
} from '../helpers/databases.js';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from '../helpers/smtp.js';
import { waitFor } from '../helpers/wait.js';

const INVITEES = 30;
/** The message during whose delivery one instance is killed: the queue is well under way. */
const KILL_AT = 6;
const LINK = /\/invitations\/accept\?token=([A-Za-z0-9_-]{43})/;
const operatorKey = {
  accessKeyId: `AKIATWO${randomBytes(6).toString('hex').toUpperCase()}`,
  secretAccessKey: randomBytes(24).toString('base64url'),
};

for (const dialect of dialects) {
  const skip = await skipReason(dialect);
  if (skip) console.log(`# skipping the two-instance test on ${dialect}: ${skip}`);
  describe(`two servers on one ${dialect} database`, { skip: skip ?? false, timeout: 240_000 }, () => {
    let database: TestDatabase;
    let smtp: SmtpCapture;
    const dirs: string[] = [];
    const servers: ServerProcess[] = [];
    // The KILL_AT-th message is kept but not acknowledged until released: its sender is killed
    // meanwhile, so the message is delivered though the sender never heard so. The others are
    // acknowledged after a short while, as by a real server, so the queue takes a few seconds.
    let arrived = 0;
    let held: ((mail: CapturedMail) => void) | undefined;
    const heldMail = new Promise<CapturedMail>((resolve) => (held = resolve));
    let releaseHeld: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (releaseHeld = resolve));

    before(async () => {
      database = await createTestDatabase(dialect);
      smtp = await startSmtpCapture({
        beforeReply: async (mail) => {
          if (++arrived !== KILL_AT) return new Promise((resolve) => setTimeout(resolve, 100));
          held?.(mail);
          return released;
        },
      });
      const env = {
        DATABASE_URL: await databaseUrlOf(database),
        BELFRY_MASTER_KEY: randomBytes(32).toString('hex'),
        BELFRY_BOOTSTRAP_ACCESS_KEY_ID: operatorKey.accessKeyId,
        BELFRY_BOOTSTRAP_SECRET_ACCESS_KEY: operatorKey.secretAccessKey,
        BELFRY_JOBS: 'true',
        BELFRY_JOBS_POLL_MS: '50',
        SMTP_URL: smtp.url,
        BELFRY_PUBLIC_URL: 'https://belfry.test.example',
      };
      // One after the other: the first start creates the operator key the second finds.
      for (let n = 0; n < 2; n++) {
        const dataDir = mkdtempSync(join(tmpdir(), 'belfry-two-'));
        dirs.push(dataDir);
        servers.push(await startServer({ ...env, BELFRY_DATA_DIR: dataDir }));
      }
    });

    after(async () => {
      releaseHeld();
      for (const server of servers) killGroup(server);
      await smtp?.stop();
      await database?.drop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it('delivers every invitation once in effect when one server is killed (-9) mid-queue', async (t) => {
      const client = chime(servers[0]!.url, operatorKey);
      const accountId = await newAccountId(client);
      const emails = Array.from({ length: INVITEES }, (_, n) => `two-${n}-${uniqueSuffix()}@example.com`);
      const { Invites } = await client.send(
        new InviteUsersCommand({ AccountId: accountId, UserEmailList: emails }),
      );
      assert.equal(Invites?.length, INVITEES);

      // The server whose delivery is held is the one killed, in the middle of that job.
      const inFlight = await heldMail;
      const holder = await lockedBy(database, inviteIdOf(Invites, inFlight));
      const victim = servers.find((s) => holder.includes(`:${s.pid}:`));
      assert.ok(victim, `the job is held by ${holder}, one of the two servers`);
      process.kill(-victim.child.pid!, 'SIGKILL');
      const killedAt = Date.now();
      releaseHeld();

      // Sent is recorded only once the mail server acknowledged: for the killed server's
      // invitation, that is the other server's delivery after the lease ran out.
      const allSent = async () => (await invitationStates(database)).Sent === INVITEES;
      assert.ok(await waitFor(allSent, 90_000), 'every invitation is Sent within 90 s');
      const resentAfterMs = Date.now() - killedAt;

      const byMessageId = new Map<string, CapturedMail[]>();
      for (const mail of smtp.inbox) {
        const id = mail.mail.messageId ?? '';
        byMessageId.set(id, [...(byMessageId.get(id) ?? []), mail]);
      }
      assert.equal(byMessageId.size, INVITEES, 'one Message-ID per invitation');
      const twice = [...byMessageId.entries()].filter(([, copies]) => copies.length > 1);
      assert.deepEqual(
        twice.map(([id, copies]) => [id, copies.length]),
        [[inFlight.mail.messageId, 2]],
        'only the delivery in flight at the kill was sent again',
      );
      const [first, again] = twice[0]![1];
      assert.equal(
        LINK.exec(again!.mail.text ?? '')?.[1],
        LINK.exec(first!.mail.text ?? '')?.[1],
        'the same link',
      );
      assert.ok(resentAfterMs < 60_000, `taken over ${resentAfterMs} ms after the kill`);
      assert.deepEqual(
        [...new Set(smtp.inbox.flatMap((m) => m.to))].sort(),
        emails.map((e) => e.toLowerCase()).sort(),
        'every invitee got the email',
      );
      t.diagnostic(
        `${smtp.inbox.length} emails, ${byMessageId.size} Message-IDs; the killed server's job was ` +
          `delivered again ${resentAfterMs} ms after the kill (lease ${JOB_LEASE_MS} ms)`,
      );
    });
  });
}

function inviteIdOf(invites: { InviteId?: string; EmailAddress?: string }[], mail: CapturedMail): string {
  const invite = invites.find((i) => mail.to.includes(i.EmailAddress!.toLowerCase()));
  assert.ok(invite?.InviteId, `the held email is for one of the invitees (${mail.to.join(', ')})`);
  return invite.InviteId;
}

/** The worker id holding the invitation's email job. */
async function lockedBy(database: TestDatabase, inviteId: string): Promise<string> {
  const job = await database.db
    .selectFrom('jobs')
    .select(['locked_by'])
    .where('kind', '=', SEND_INVITATION_EMAIL_JOB)
    .where('payload', 'like', `%${inviteId}%`)
    .where('status', '=', 'running')
    .executeTakeFirstOrThrow();
  return job.locked_by ?? '';
}

async function invitationStates(database: TestDatabase): Promise<Record<string, number>> {
  const rows = await database.db.selectFrom('invites').select(['email_status']).execute();
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.email_status] = (counts[row.email_status] ?? 0) + 1;
  return counts;
}

function killGroup(server: ServerProcess): void {
  try {
    process.kill(-server.child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}
