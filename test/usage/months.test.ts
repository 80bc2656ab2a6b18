import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { systemActor } from '../../src/domain/access/actor.js';
import { belfry } from '../cli/processes.js';
import { databaseUrlOf } from '../helpers/databases.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';
import { meeting, proMember, usageServer } from '../helpers/usage.js';

const dir = mkdtempSync(join(tmpdir(), 'belfry-usage-months-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const DAY_MS = 86_400_000;

/**
 * A month closes once it has ended in the account's zone plus BELFRY_USAGE_CLOSE_AFTER_DAYS, by
 * its job or on the first read after; its report never changes again, and a late report for it
 * becomes an adjustment line in the next open month. The reporting instance's clock moves to the
 * next month (the suite's server keeps the real time its SigV4 checks need).
 */
await eachDialect('usage: closed months and adjustments', (server) => {
  let usage: Awaited<ReturnType<typeof usageServer>>;
  before(async () => {
    usage = await usageServer(server(), { BELFRY_USAGE_CLOSE_AFTER_DAYS: '2' });
  });
  after(() => usage.reporting.close());
  const at = (ms: number) => new Date(ms).toISOString();

  it('closes by its job, keeps its snapshot, and carries a late report into the next month', async () => {
    const member = await proMember(server());
    const now = server().clock.now().getTime();
    const month = at(now).slice(0, 7);
    const [y, m] = month.split('-').map(Number) as [number, number];
    const nextStart = Date.UTC(y, m, 1);
    const next = at(nextStart).slice(0, 7);
    usage.reporting.clock.set(new Date(now + 3_600_000));
    assert.equal((await usage.report(meeting(member.sub, 'on-time', at(now + 60_000)))).body.accepted, 1);

    // The month ended a day ago: not due yet (grace two days); then three days after its end.
    usage.reporting.clock.set(new Date(nextStart + DAY_MS));
    await usage.reporting.runJobs();
    const row = () =>
      server()
        .services.db.selectFrom('usage_months')
        .selectAll()
        .where('account_id', '=', member.accountId)
        .where('month', '=', month)
        .executeTakeFirstOrThrow();
    assert.equal((await row()).closed_at, null);
    usage.reporting.clock.set(new Date(nextStart + 3 * DAY_MS));
    await usage.reporting.runJobs();
    assert.ok((await row()).closed_at, 'the close job closed the month');
    const reader = systemActor('test');
    const closed = await usage.reporting.services.usage.report(reader, member.accountId, month);
    assert.equal(closed.status, 'Closed');
    assert.equal(closed.totalCents, 300);

    // A late report for a new day of the closed month: accepted, the month unchanged.
    const late = meeting(
      member.sub,
      'late',
      at(now + 60_000 + Math.min(DAY_MS, nextStart - now - 2 * 3_600_000)),
    );
    const sameDay = late.startedAt.slice(0, 10) === at(now).slice(0, 10);
    const answer = await usage.report(late);
    assert.equal(answer.body.results[0].outcome, 'created', JSON.stringify(answer.body));
    assert.deepEqual(await usage.reporting.services.usage.report(reader, member.accountId, month), closed);
    const carrying = await usage.reporting.services.usage.report(reader, member.accountId, next);
    if (sameDay) {
      assert.deepEqual(carrying.adjustments, [], 'the same day: nothing to add');
    } else {
      assert.equal(carrying.adjustments.length, 1);
      const line = carrying.adjustments[0]!;
      assert.equal(line.forMonth, month);
      assert.equal(line.userId, member.userId);
      assert.equal(line.cents, 300);
      assert.deepEqual(line.daysAdded, [{ day: late.startedAt.slice(0, 10), meetingId: 'late' }]);
      assert.equal(carrying.totalCents, 300);
      // The same report again adds nothing: the line is already there.
      await usage.report(late);
      const again = await usage.reporting.services.usage.report(reader, member.accountId, next);
      assert.equal(again.adjustments.length, 1);
    }

    // Through the extension operation and the CLI (both at the real time): the snapshot as stored.
    const wire = await signedFetch(server().url, server().operator, {
      method: 'GET',
      path: `/accounts/${member.accountId}/usage-reports/${month}`,
    });
    assert.equal(wire.json.UsageReport.Status, 'Closed');
    assert.equal(wire.json.UsageReport.TotalCents, 300);
    const env = { BELFRY_DATA_DIR: dir, DATABASE_URL: await databaseUrlOf(server().database) };
    const printed = await belfry(env, ['usage', 'report', member.accountId, '--month', month], dir);
    assert.match(printed.stdout, /closed/);
    if (!sameDay) {
      const carried = await belfry(env, ['usage', 'report', member.accountId, '--month', next, '--csv'], dir);
      assert.match(
        carried.stdout,
        new RegExp(`\\r\\nadjustment,${member.accountId},${next},${member.userId},.*,${month},1,,300,USD`),
      );
    }
  });

  it('closes on the first read after its close is due, even without a job', async () => {
    const member = await proMember(server());
    const now = server().clock.now().getTime();
    const month = at(now).slice(0, 7);
    const [y, m] = month.split('-').map(Number) as [number, number];
    usage.reporting.clock.set(new Date(Date.UTC(y, m, 1) + 5 * DAY_MS));
    const reader = systemActor('test');
    const first = await usage.reporting.services.usage.report(reader, member.accountId, month);
    assert.equal(first.status, 'Closed');
    assert.deepEqual(first.users, []);
    const events = await server()
      .services.db.selectFrom('audit_events')
      .select('operation')
      .where('account_id', '=', member.accountId)
      .where('operation', '=', 'CloseUsageMonth')
      .execute();
    assert.equal(events.length, 1);
    await usage.reporting.services.usage.report(reader, member.accountId, month);
    assert.equal(
      (
        await server()
          .services.db.selectFrom('audit_events')
          .select('operation')
          .where('account_id', '=', member.accountId)
          .where('operation', '=', 'CloseUsageMonth')
          .execute()
      ).length,
      1,
      'closed once',
    );
  });
});
