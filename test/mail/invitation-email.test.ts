import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import PostalMime from 'postal-mime';
import { InviteUsersCommand, ListUsersCommand, UpdateAccountCommand } from '@aws-sdk/client-chime';
import {
  INVITATION_EMAIL_ATTEMPTS,
  SEND_INVITATION_EMAIL_JOB,
} from '../../src/domain/users/invitation-email.js';
import {
  findPendingInvitationByToken,
  hashInvitationToken,
  markInvitationTokenUsed,
} from '../../src/domain/users/invitation-tokens.js';
import { retryDelayMs } from '../../src/jobs/queue.js';
import { DAY_MS } from '../../src/lib/clock.js';
import { findInviteById } from '../../src/store/invites.js';
import { newAccountId, uniqueEmail, uniqueSuffix } from '../helpers/accounts.js';
import type { TestServer } from '../helpers/server.js';
import { startSmtpCapture, type CapturedMail } from '../helpers/smtp.js';
import { eachDialect } from '../helpers/suite.js';

// Addresses at refused.example.com are refused by the mail server, as a dead mailbox would be.
const smtp = await startSmtpCapture({
  auth: { user: 'belfry', pass: 'p@ss:word/1' },
  refuse: (address) => address.endsWith('@refused.example.com'),
});
after(() => smtp.stop());

const PUBLIC_URL = 'https://belfry.test.example';
const LINK = /https:\/\/belfry\.test\.example\/invitations\/accept\?token=([A-Za-z0-9_-]{43})(?=\s|$)/;

/** Invites one address through the API and returns the invite as the answer shows it. */
async function invite(server: TestServer, accountId: string, email: string) {
  const { Invites } = await server
    .client()
    .send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: [email] }));
  assert.equal(Invites?.length, 1);
  return Invites[0]!;
}

const mailTo = (email: string) => (m: CapturedMail) => m.to.includes(email.toLowerCase());
const mailsTo = (email: string) => smtp.inbox.filter(mailTo(email));

function tokenIn(mail: CapturedMail): string {
  const match = LINK.exec(mail.mail.text ?? '');
  assert.ok(match, `no accept link in:\n${mail.mail.text}`);
  return match[1]!;
}

await eachDialect(
  'invitation email over SMTP',
  (server) => {
    it('sends the invitee the account name and a link that finds the invitation, then says Sent', async () => {
      const name = `Acme ${uniqueSuffix()}`;
      const accountId = await newAccountId(server().client(), name);
      const email = uniqueEmail();
      const answered = await invite(server(), accountId, email);
      assert.equal(answered.Status, 'Pending');
      assert.equal(answered.EmailStatus, 'NotSent', 'delivery happens after the answer');
      assert.equal(mailsTo(email).length, 0, 'nothing is sent before the job runs');

      await server().runJobs();
      const mail = await smtp.waitFor(mailTo(email));
      assert.deepEqual(mail.to, [email]);
      assert.equal(mail.mail.from?.name, 'Belfry Test');
      assert.equal(mail.mail.subject, `Invitation to join ${name}`);
      assert.ok(mail.mail.text?.includes(name));
      const token = tokenIn(mail);
      assert.ok(mail.mail.html?.includes(`href="${PUBLIC_URL}/invitations/accept?token=${token}"`));

      const found = await findPendingInvitationByToken(server().services.db, token, server().clock.now());
      assert.equal(found?.invite.id, answered.InviteId);
      assert.equal(found?.account.name, name);
      assert.equal(found?.user.email, email);
      // EmailStatus is read from the store: the Chime User has no such field, and InviteUsers
      // answers only for the invite it creates.
      const stored = await findInviteById(server().services.db, answered.InviteId!);
      assert.equal(stored?.emailStatus, 'Sent');
      assert.equal(stored?.emailAttempts, 1);
      assert.equal(stored?.tokenHash, hashInvitationToken(token), 'only the hash is kept');

      const jobs = await server()
        .services.db.selectFrom('jobs')
        .select(['payload', 'status'])
        .where('kind', '=', SEND_INVITATION_EMAIL_JOB)
        .execute();
      assert.ok(jobs.some((j) => j.payload.includes(answered.InviteId!) && j.status === 'done'));
      assert.ok(
        jobs.every((j) => !j.payload.includes(token)),
        'no raw token in the jobs table',
      );
    });

    it('sends an invitation again as the same email when its worker stopped after sending', async () => {
      const accountId = await newAccountId(server().client());
      const email = uniqueEmail();
      const answered = await invite(server(), accountId, email);
      await server().runJobs();
      const first = await smtp.waitFor(mailTo(email));
      // As a worker that died after the mail server took the message, before it recorded that:
      // the job's lease runs out and another worker runs it again.
      const { db } = server().services;
      await db
        .updateTable('invites')
        .set({ email_status: 'NotSent' })
        .where('id', '=', answered.InviteId!)
        .execute();
      await db
        .updateTable('jobs')
        .set({ status: 'pending' })
        .where('kind', '=', SEND_INVITATION_EMAIL_JOB)
        .where('payload', 'like', `%${answered.InviteId!}%`)
        .execute();
      assert.equal(await server().runJobs(), 1);
      const copies = mailsTo(email);
      assert.equal(copies.length, 2);
      const messageId = `<invitation.${answered.InviteId!}@belfry.test.example>`;
      assert.deepEqual(
        copies.map((m) => m.mail.messageId),
        [messageId, messageId],
        'one Message-ID, so a receiver that has seen it keeps one copy',
      );
      assert.equal(tokenIn(copies[1]!), tokenIn(first), 'the same link');
      const found = await findPendingInvitationByToken(db, tokenIn(first), server().clock.now());
      assert.equal(found?.invite.id, answered.InviteId, 'and it works');
    });

    it('names the account as it is called when the email goes out', async () => {
      const chime = server().client();
      const accountId = await newAccountId(chime, `Old Name ${uniqueSuffix()}`);
      const email = uniqueEmail();
      await invite(server(), accountId, email);
      const renamed = `New Name ${uniqueSuffix()}`;
      await chime.send(new UpdateAccountCommand({ AccountId: accountId, Name: renamed }));
      await server().runJobs();
      const mail = await smtp.waitFor(mailTo(email));
      assert.equal(mail.mail.subject, `Invitation to join ${renamed}`);
      assert.ok(!mail.raw.includes('Old Name'));
    });

    it('lets a link be used once', async () => {
      const accountId = await newAccountId(server().client());
      const email = uniqueEmail();
      const answered = await invite(server(), accountId, email);
      await server().runJobs();
      const token = tokenIn(await smtp.waitFor(mailTo(email)));
      const { db } = server().services;
      const at = server().clock.now();
      assert.equal(await markInvitationTokenUsed(db, answered.InviteId!, at), true);
      assert.equal(await markInvitationTokenUsed(db, answered.InviteId!, at), false, 'a second use loses');
      assert.equal(await findPendingInvitationByToken(db, token, at), undefined);
      assert.equal((await findInviteById(db, answered.InviteId!))?.status, 'Accepted');
    });

    it('resends to a pending address with a new link, retires the old one, and keeps one user', async () => {
      const chime = server().client();
      const accountId = await newAccountId(chime);
      const email = uniqueEmail();
      await invite(server(), accountId, email);
      await server().runJobs();
      const first = tokenIn(await smtp.waitFor(mailTo(email)));

      const again = await invite(server(), accountId, email);
      assert.equal(again.Status, 'Pending');
      assert.equal(again.EmailStatus, 'NotSent');
      await server().runJobs();
      assert.equal(mailsTo(email).length, 2);
      const second = tokenIn(mailsTo(email)[1]!);
      assert.notEqual(second, first);

      const { db } = server().services;
      const now = server().clock.now();
      assert.equal(await findPendingInvitationByToken(db, first, now), undefined, 'the old link is dead');
      assert.equal((await findPendingInvitationByToken(db, second, now))?.invite.id, again.InviteId);
      const { Users } = await chime.send(new ListUsersCommand({ AccountId: accountId, UserEmail: email }));
      assert.equal(Users?.length, 1);
    });

    it('sends one email when an address is invited twice before the first one went out', async () => {
      const accountId = await newAccountId(server().client());
      const email = uniqueEmail();
      const first = await invite(server(), accountId, email);
      const second = await invite(server(), accountId, email);
      await server().runJobs();
      assert.equal(mailsTo(email).length, 1);
      const token = tokenIn(mailsTo(email)[0]!);
      const found = await findPendingInvitationByToken(server().services.db, token, server().clock.now());
      assert.equal(found?.invite.id, second.InviteId);
      const replaced = await findInviteById(server().services.db, first.InviteId!);
      assert.equal(replaced?.emailStatus, 'NotSent');
      assert.ok(replaced?.supersededAt);
    });

    it('lets a link expire after the configured 14 days', async () => {
      const accountId = await newAccountId(server().client());
      const email = uniqueEmail();
      await invite(server(), accountId, email);
      await server().runJobs();
      const token = tokenIn(await smtp.waitFor(mailTo(email)));
      const { db } = server().services;
      const sentAt = server().clock.now().getTime();
      assert.ok(await findPendingInvitationByToken(db, token, new Date(sentAt + 14 * DAY_MS - 60_000)));
      server().clock.advance(15 * DAY_MS);
      assert.equal(await findPendingInvitationByToken(db, token, server().clock.now()), undefined);
    });

    it('retries a refused delivery with back-off, then reports Failed', async () => {
      const accountId = await newAccountId(server().client());
      const email = `${uniqueSuffix()}@refused.example.com`;
      const answered = await invite(server(), accountId, email);
      const { db } = server().services;
      const refusedBefore = smtp.refused();
      await server().runJobs();
      assert.equal(smtp.refused(), refusedBefore + 1);
      let stored = await findInviteById(db, answered.InviteId!);
      assert.equal(stored?.emailStatus, 'NotSent', 'still trying');
      assert.match(stored?.emailLastError ?? '', /550|rejected/);
      assert.equal(await server().runJobs(), 0, 'the retry waits for its back-off');

      for (let attempt = 1; attempt < INVITATION_EMAIL_ATTEMPTS; attempt++) {
        server().clock.advance(retryDelayMs(attempt));
        assert.equal(await server().runJobs(), 1, `attempt ${attempt + 1} runs when due`);
      }
      assert.equal(smtp.refused(), refusedBefore + INVITATION_EMAIL_ATTEMPTS);
      stored = await findInviteById(db, answered.InviteId!);
      assert.equal(stored?.emailStatus, 'Failed');
      assert.equal(stored?.emailAttempts, INVITATION_EMAIL_ATTEMPTS);
      server().clock.advance(DAY_MS);
      assert.equal(await server().runJobs(), 0, 'a failed delivery is not retried again');
      assert.equal(mailsTo(email).length, 0);

      // The admin sees it through the API, and the trail says why.
      const listed = async () =>
        (
          await server()
            .client()
            .send(new ListUsersCommand({ AccountId: accountId, UserEmail: email }))
        ).Users?.[0]?.UserInvitationStatus;
      assert.equal(await listed(), 'Failed');
      const event = await db
        .selectFrom('audit_events')
        .select(['principal', 'request_id', 'user_id', 'details'])
        .where('account_id', '=', accountId)
        .where('operation', '=', 'FailInvitation')
        .executeTakeFirstOrThrow();
      assert.equal(event.principal, 'belfry');
      assert.match(event.request_id ?? '', /^job-/);
      assert.equal(event.user_id, stored?.userId);
      const details = JSON.parse(event.details!) as { invitationStatus: string; error: string };
      assert.equal(details.invitationStatus, 'Failed');
      assert.match(details.error, /550|rejected/);
      // Inviting the address again starts afresh.
      assert.equal((await invite(server(), accountId, email)).Status, 'Pending');
      assert.equal(await listed(), 'Pending');
    });
  },
  {
    SMTP_URL: smtp.url,
    BELFRY_MAIL_FROM: 'Belfry Test <belfry@test.example>',
    BELFRY_PUBLIC_URL: PUBLIC_URL,
  },
);

await eachDialect('invitation email without SMTP', (server) => {
  it('writes the email as an .eml file in the data directory and logs the link', async () => {
    const name = `Trial ${uniqueSuffix()}`;
    const accountId = await newAccountId(server().client(), name);
    const email = uniqueEmail();
    const answered = await invite(server(), accountId, email);
    await server().runJobs();

    const dir = join(server().dataDir, 'mail');
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    assert.equal(files.length, 1);
    const eml = await PostalMime.parse(readFileSync(join(dir, files[0]!)));
    assert.equal(eml.to?.[0]?.address, email);
    assert.equal(eml.subject, `Invitation to join ${name}`);
    assert.ok(eml.text?.includes(name));
    const token = /\/invitations\/accept\?token=([A-Za-z0-9_-]{43})/.exec(eml.text ?? '')?.[1];
    assert.ok(token);

    // Logged on purpose: without a mail server, the log is how a trial operator follows the link.
    // Without BELFRY_PUBLIC_URL the link's base is http://<HOST>:<PORT> (the defaults here).
    const note = server().mailLog.find((l) => l.obj.to === email);
    assert.equal(note?.obj.link, `http://127.0.0.1:8080/invitations/accept?token=${token}`);
    assert.equal(note?.obj.subject, `Invitation to join ${name}`);
    const found = await findPendingInvitationByToken(server().services.db, token, server().clock.now());
    assert.equal(found?.invite.id, answered.InviteId);
    assert.equal((await findInviteById(server().services.db, answered.InviteId!))?.emailStatus, 'Sent');
  });
});
