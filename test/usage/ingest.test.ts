import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { BatchSuspendUserCommand, InviteUsersCommand, UpdateUserCommand } from '@aws-sdk/client-chime';
import { newAccountId, uniqueEmail } from '../helpers/accounts.js';
import { signedUpMember } from '../helpers/members.js';
import type { TestServer } from '../helpers/server.js';
import { eachDialect } from '../helpers/suite.js';
import { meeting, proMember, usageServer } from '../helpers/usage.js';

/**
 * Meetings reported by the meetings service (issue 17 item 1), through the real HTTP interface:
 * HTTP Basic as an app client named in BELFRY_USAGE_REPORTER_CLIENTS, per-item outcomes, the live
 * check's reasons, idempotence by meeting id, one transaction for the accepted items.
 */
await eachDialect('usage: meetings reported by the meetings service', (server) => {
  let usage: Awaited<ReturnType<typeof usageServer>>;
  before(async () => {
    usage = await usageServer(server());
  });
  after(() => usage.reporting.close());
  /** Starts a minute after now (the member became Pro now), ends in the reporting server's past. */
  const soon = (minutes = 1) => new Date(server().clock.now().getTime() + minutes * 60_000).toISOString();
  const later = () => usage.reporting.clock.set(new Date(server().clock.now().getTime() + 3 * 3_600_000));
  const stored = (meetingId: string) =>
    server()
      .services.db.selectFrom('meeting_reports')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .executeTakeFirst();

  it('answers only the reporter app client: others are 401 or 403, OAuth-style', async () => {
    const member = await proMember(server());
    const body = { meetings: [meeting(member.sub, 'm-auth', soon())] };
    const none = await usage.post(body, '');
    assert.equal(none.status, 401);
    assert.equal(none.body.error, 'invalid_client');
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
    const wrong = await usage.post(
      body,
      `Basic ${Buffer.from(`${usage.meetings.clientId}:nope`).toString('base64')}`,
    );
    assert.equal(wrong.status, 401);
    const chat = await usage.asChat(body);
    assert.equal(chat.status, 403, 'a chat app cannot bill anyone');
    assert.equal(chat.body.error, 'unauthorized_client');
    assert.equal(await stored('m-auth'), undefined);
  });

  it('refuses a malformed batch whole, writing nothing', async () => {
    const member = await proMember(server());
    const one = meeting(member.sub, 'm-bad-batch', soon());
    for (const [body, pattern] of [
      ['{not json', /not valid JSON/],
      [{ meetings: [] }, /empty/],
      [{ meeting: [one] }, /meetings/],
      [{ meetings: [one], extra: 1 }, /only "meetings"/],
      [{ meetings: Array.from({ length: 501 }, (_, i) => ({ ...one, meetingId: `x${i}` })) }, /At most 500/],
    ] as const) {
      const answer = await usage.post(body);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error, 'invalid_request');
      assert.match(answer.body.error_description, pattern);
    }
    assert.equal((await usage.post({ meetings: [one] }, undefined, 'text/plain')).status, 415);
    assert.equal(await stored('m-bad-batch'), undefined);
  });

  it('takes a Pro host, is idempotent by meeting id, and lets the end replace the start', async () => {
    later();
    const member = await proMember(server());
    const started = soon();
    const open = meeting(member.sub, 'm-1', started, { minutes: null });
    const first = await usage.report(open);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.results, [
      { index: 0, meetingId: 'm-1', outcome: 'created', accountId: member.accountId, userId: member.userId },
    ]);
    assert.equal((await usage.report(open)).body.results[0].outcome, 'unchanged', 'a repeat changes nothing');
    const ended = meeting(member.sub, 'm-1', started, { minutes: 45 });
    assert.equal((await usage.report(ended)).body.results[0].outcome, 'replaced');
    assert.equal((await stored('m-1'))?.ended_at, ended.endedAt);
    // A late retry of the first report never takes the end away.
    assert.equal((await usage.report(open)).body.results[0].outcome, 'unchanged');
    assert.equal((await stored('m-1'))?.ended_at, ended.endedAt);
    const audit = await server()
      .services.db.selectFrom('audit_events')
      .select(['operation', 'principal'])
      .where('account_id', '=', member.accountId)
      .where('operation', '=', 'ReportMeetingUsage')
      .execute();
    assert.equal(audit.length, 2, 'one event per batch that changed something');
    assert.match(audit[0]!.principal, new RegExp(`^app-client/${usage.meetings.clientId}`));
  });

  it('refuses, per item, hosts the live check would not let host, with its reason', async () => {
    later();
    const chime = server().client();
    const pro = await proMember(server());
    const basic = await signedUpMember(server());
    await chime.send(
      new UpdateUserCommand({ AccountId: basic.accountId, UserId: basic.userId, LicenseType: 'Basic' }),
    );
    const suspended = await proMember(server(), { type: 'EnterpriseLWA' });
    // EnterpriseLWA suspends in place; a Team account's suspension removes the member (free user).
    const removed = await proMember(server());
    await chime.send(
      new BatchSuspendUserCommand({ AccountId: removed.accountId, UserIdList: [removed.userId] }),
    );
    await chime.send(
      new BatchSuspendUserCommand({ AccountId: suspended.accountId, UserIdList: [suspended.userId] }),
    );
    const at = soon();
    const answer = await usage.report(
      meeting(pro.sub, 'r-pro', at),
      meeting(basic.sub, 'r-basic', at),
      meeting(suspended.sub, 'r-suspended', at),
      meeting(removed.sub, 'r-removed', at),
      meeting('no-such-sub', 'r-unknown', at),
      { ...meeting(pro.sub, 'r-bad', at), attendees: 0 },
      meeting(pro.sub, 'r-pro', at),
      { ...meeting(pro.sub, 'r-future', at), startedAt: new Date(Date.now() + 86_400_000).toISOString() },
      { ...meeting(pro.sub, 'r-extra', at), host: 'x' },
    );
    assert.equal(answer.status, 200);
    const outcome = (i: number) => answer.body.results[i];
    assert.equal(outcome(0).outcome, 'created');
    assert.deepEqual(
      [1, 2, 3, 4].map((i) => [outcome(i).outcome, outcome(i).reason.code]),
      [
        ['refused', 'not_entitled'],
        ['refused', 'suspended'],
        ['refused', 'not_entitled'],
        ['refused', 'unknown_sub'],
      ],
    );
    assert.match(outcome(1).reason.message, /Pro/, "the live check's own words");
    for (const i of [5, 6, 7, 8]) assert.equal(outcome(i).outcome, 'invalid', JSON.stringify(outcome(i)));
    assert.match(outcome(6).reason.message, /more than once/);
    assert.deepEqual([answer.body.accepted, answer.body.refused, answer.body.invalid], [1, 4, 4]);
    for (const id of ['r-basic', 'r-suspended', 'r-removed', 'r-unknown', 'r-bad', 'r-future'])
      assert.equal(await stored(id), undefined, id);
  });

  it('refuses an invitee who has not accepted: no account pays, whatever is reported', async () => {
    later();
    const accountId = await newAccountId(server().client());
    const email = uniqueEmail();
    await server()
      .client()
      .send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: [email] }));
    await server().runJobs();
    const link = server().mailLog.findLast((e) => e.obj.to === email)!;
    const token = new URL(String(link.obj.link)).searchParams.get('token')!;
    await server().services.identities.register({
      email,
      password: 'correct horse battery',
      invitationToken: token,
    });
    const identity = await server()
      .services.db.selectFrom('identities')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const answer = await usage.report(meeting(identity.id, 'r-invitee', soon()));
    assert.equal(answer.body.results[0].outcome, 'refused');
    assert.equal(answer.body.results[0].reason.code, 'no_account', JSON.stringify(answer.body));
  });
});

export type { TestServer };
