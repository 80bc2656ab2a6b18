import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { InviteUsersCommand, UpdateUserCommand } from '@aws-sdk/client-chime';
import { belfry } from '../cli/processes.js';
import { newAccountId, uniqueEmail } from '../helpers/accounts.js';
import { databaseUrlOf } from '../helpers/databases.js';
import { findIdentityByEmail } from '../../src/store/identities.js';
import type { TestServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';
import { meeting, proMember, usageServer } from '../helpers/usage.js';

const dir = mkdtempSync(join(tmpdir(), 'belfry-usage-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const DAY_MS = 86_400_000;

/**
 * Monthly reports (issue 17 items 3 and 4) through the extension operations (SigV4, as the SDK
 * signs) and `belfry usage`: billable days with their meetings, the cap, CSV, the billing time
 * zone, who may read and set what, and invitees never billed before they accept.
 */
await eachDialect('usage: monthly reports', (server) => {
  let usage: Awaited<ReturnType<typeof usageServer>>;
  before(async () => {
    usage = await usageServer(server());
  });
  after(() => usage.reporting.close());
  const t0 = () => server().clock.now().getTime();
  const at = (ms: number) => new Date(ms).toISOString();
  const month = () => at(t0()).slice(0, 7);
  const api = (accountId: string, credentials = server().operator) => {
    const base = `/accounts/${encodeURIComponent(accountId)}`;
    const send = (options: Parameters<typeof signedFetch>[2]) =>
      signedFetch(server().url, credentials, options);
    return {
      report: (m: string, format?: string) =>
        send({ method: 'GET', path: `${base}/usage-reports/${m}`, ...(format && { query: { format } }) }),
      settings: () => send({ method: 'GET', path: `${base}/billing-settings` }),
      setZone: (TimeZone: string) =>
        send({ method: 'PUT', path: `${base}/billing-settings`, body: { TimeZone } }),
    };
  };
  const cli = async (...args: string[]) =>
    belfry(
      { BELFRY_DATA_DIR: dir, DATABASE_URL: await databaseUrlOf(server().database) },
      ['usage', ...args],
      dir,
    );

  it('bills each day a Pro member hosts a qualifying meeting, names the meeting, and caps the month', async () => {
    const member = await proMember(server());
    const start = t0() + 60_000;
    // Six days in a row, each with a qualifying meeting; on the first also two that do not qualify.
    const days = Array.from({ length: 6 }, (_, i) => meeting(member.sub, `cap-${i}`, at(start + i * DAY_MS)));
    usage.reporting.clock.set(new Date(start + 6 * DAY_MS));
    const answer = await usage.report(
      ...days,
      meeting(member.sub, 'alone', at(start + 10 * 60_000), { attendees: 1 }),
      meeting(member.sub, 'open', at(start + 20 * 60_000), { minutes: null }),
    );
    assert.equal(answer.body.accepted, 8, JSON.stringify(answer.body));
    const m = month();
    const inMonth = days.filter((d) => d.startedAt.slice(0, 7) === m);
    const report = await api(member.accountId).report(m);
    assert.equal(report.status, 200, report.text);
    const r = report.json.UsageReport;
    assert.equal(r.Status, 'Open');
    assert.equal(r.TimeZone, 'UTC');
    assert.equal(r.Currency, 'USD');
    assert.equal(r.Users.length, 1);
    const user = r.Users[0];
    assert.equal(user.UserId, member.userId);
    assert.equal(user.PrimaryEmail, member.email);
    assert.deepEqual(
      user.BillableDays,
      inMonth.map((d) => ({ Day: d.startedAt.slice(0, 10), MeetingId: d.meetingId })),
    );
    assert.equal(user.UncappedCents, 300 * inMonth.length);
    assert.equal(user.ChargedCents, Math.min(1500, 300 * inMonth.length));
    assert.equal(r.TotalCents, user.ChargedCents);

    const csv = await api(member.accountId).report(m, 'csv');
    assert.equal(csv.status, 200, csv.text);
    const lines = (csv.json.Csv as string).trim().split('\r\n');
    assert.match(lines[0]!, /^kind,account_id,month,user_id,email/);
    assert.equal(lines.filter((l) => l.startsWith('day,')).length, inMonth.length);
    assert.ok(lines.at(-1)!.startsWith(`total,${member.accountId},${m}`));

    const printed = await cli('report', member.accountId, '--month', m);
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, new RegExp(`${inMonth[0]!.startedAt.slice(0, 10)} \\(cap-0\\)`));
    assert.match(printed.stdout, /Total: \d+\.\d\d USD/);
    const cliCsv = await cli('report', member.accountId, '--month', m, '--csv');
    assert.equal(cliCsv.stdout, csv.json.Csv);
    const json = JSON.parse((await cli('report', member.accountId, '--month', m, '--json')).stdout);
    assert.equal(json.totalCents, r.TotalCents);
    assert.equal((await cli('report', member.accountId)).code, 2, 'the month is required');
    assert.equal((await cli('report', member.accountId, '--month', '2026-13')).code, 1);
  });

  it('reads with any policy; the billing time zone is the operator\u2019s, IANA names only', async () => {
    const member = await proMember(server());
    const readOnly = await server().createKey('ReadOnly');
    assert.equal((await api(member.accountId, readOnly).report(month())).status, 200);
    const users = await server().createKey('UserManagement');
    assert.equal((await api(member.accountId, users).setZone('Europe/Paris')).status, 403);
    const scoped = await server().createKey('FullAccess', member.accountId);
    assert.equal((await api(member.accountId, scoped).setZone('Europe/Paris')).status, 403);
    for (const bad of ['Mars/Olympus', '+05:00', 'UTC; drop'])
      assert.equal((await api(member.accountId).setZone(bad)).status, 400, bad);
    const set = await api(member.accountId).setZone('europe/paris');
    assert.equal(set.status, 200, set.text);
    assert.equal(set.json.BillingSettings.TimeZone, 'Europe/Paris');
    assert.equal(
      (await api(member.accountId, readOnly).settings()).json.BillingSettings.TimeZone,
      'Europe/Paris',
    );
    const shown = await cli('time-zone', member.accountId);
    assert.match(shown.stdout, /bills in Europe\/Paris/);
    assert.equal((await cli('time-zone', member.accountId, '--set', 'Asia/Tokyo')).code, 0);
    assert.equal((await api(member.accountId).settings()).json.BillingSettings.TimeZone, 'Asia/Tokyo');
    const trail = await server()
      .services.db.selectFrom('audit_events')
      .select(['outcome'])
      .where('account_id', '=', member.accountId)
      .where('operation', '=', 'UpdateAccountBillingSettings')
      .execute();
    assert.ok(trail.some((e) => e.outcome === 'Failure') && trail.some((e) => e.outcome === 'Success'));
    assert.equal((await api('no-such-account').report(month())).status, 404);
  });

  it('never bills an invitee before acceptance; accepting ends the personal trial at that moment', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const email = uniqueEmail();
    await chime.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: [email] }));
    await server().runJobs();
    const link = server().mailLog.findLast((e) => e.obj.to === email)!;
    const token = new URL(String(link.obj.link)).searchParams.get('token')!;
    const { identities } = server().services;
    await identities.register({ email, password: 'correct horse battery', invitationToken: token });
    const identity = (await server()
      .services.db.selectFrom('identities')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow())!;
    assert.ok(identity.pro_trial_ends_at! > at(t0()), 'a personal trial runs');
    const beforeAcceptance = meeting(identity.id, 'trial-meeting', at(t0() - 30 * 60_000), { minutes: 20 });
    usage.reporting.clock.set(new Date(t0() + 2 * 3_600_000));
    assert.equal((await usage.report(beforeAcceptance)).body.results[0].reason.code, 'no_account');

    server().clock.advance(60_000);
    const acceptedAt = at(t0());
    const person = (await findIdentityByEmail(server().services.db, email))!;
    await identities.acceptInvitation(person, token, { requestId: 'test', sourceIp: undefined });
    const ended = await server()
      .services.db.selectFrom('identities')
      .select('pro_trial_ends_at')
      .where('id', '=', identity.id)
      .executeTakeFirstOrThrow();
    assert.equal(ended.pro_trial_ends_at, acceptedAt, 'the trial ends on accepting');
    const users = await server()
      .services.db.selectFrom('users')
      .select('id')
      .where('account_id', '=', accountId)
      .execute();
    await chime.send(
      new UpdateUserCommand({ AccountId: accountId, UserId: users[0]!.id, LicenseType: 'Pro' }),
    );
    // The meetings service reports again, now that the host is a member: the meeting before
    // acceptance is taken (the host may host now) but is not billed; one after is.
    const afterAcceptance = meeting(identity.id, 'member-meeting', at(t0() + 60_000));
    const answer = await usage.report(beforeAcceptance, afterAcceptance);
    assert.deepEqual(
      answer.body.results.map((r: { outcome: string }) => r.outcome),
      ['created', 'created'],
    );
    const r = (await api(accountId).report(month())).json.UsageReport;
    assert.deepEqual(
      r.Users.map((u: { BillableDays: Array<{ MeetingId: string }> }) =>
        u.BillableDays.map((d) => d.MeetingId),
      ),
      [['member-meeting']],
    );
  });
});

export type { TestServer };
