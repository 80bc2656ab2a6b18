import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportCsv } from './csv.js';
import { parseMeeting } from './meeting-input.js';
import type { UsageReport } from './months.js';
import { canonicalTimeZone, closesAt, monthAt } from './zone-months.js';

const NOW = new Date('2026-12-06T12:00:00Z');

describe('meeting reports: each field checked', () => {
  const ok = {
    meetingId: 'm',
    sub: 's',
    startedAt: '2026-12-06T10:00:00+01:00',
    endedAt: null,
    attendees: 2,
  };
  it('normalises times to UTC and takes an open meeting', () => {
    const parsed = parseMeeting(ok, NOW);
    assert.ok(parsed.ok);
    assert.equal(parsed.meeting.startedAt, '2026-12-06T09:00:00.000Z');
    assert.equal(parsed.meeting.endedAt, null);
  });
  it('refuses what is not a meeting, saying which field', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...ok, startedAt: '2026-12-06T10:00:00' }, /startedAt/], // no zone
      [{ ...ok, startedAt: '2026-12-07T10:00:00Z' }, /future/],
      [{ ...ok, endedAt: '2026-12-06T08:00:00Z' }, /before startedAt/],
      [{ ...ok, endedAt: '2026-12-06T11:00:00Z', startedAt: '2026-11-20T10:00:00Z' }, /7 days/],
      [{ ...ok, attendees: 1.5 }, /attendees/],
      [{ ...ok, meetingId: ' m' }, /meetingId/],
      [{ ...ok, sub: 'a\u0000' }, /sub/],
      [{ ...ok, host: 'x' }, /Unknown field "host"/],
    ];
    for (const [raw, message] of cases) {
      const parsed = parseMeeting(raw, NOW);
      assert.ok(!parsed.ok, JSON.stringify(raw));
      assert.match(parsed.message, message);
    }
  });
});

describe('months in a billing time zone', () => {
  it('names zones canonically and refuses offsets and unknown names', () => {
    assert.equal(canonicalTimeZone('europe/paris'), 'Europe/Paris');
    assert.equal(canonicalTimeZone('+05:00'), undefined);
    assert.equal(canonicalTimeZone('Mars/Olympus'), undefined);
  });
  it('puts an instant in the month of its zone and closes the month after the grace days', () => {
    assert.equal(monthAt('2026-11-30T23:30:00Z', 'Europe/Paris'), '2026-12');
    assert.equal(monthAt('2026-12-01T03:00:00Z', 'America/Los_Angeles'), '2026-11');
    assert.equal(closesAt('2026-12', 'UTC', 3), '2027-01-04T00:00:00.000Z');
    assert.equal(closesAt('2026-12', 'Asia/Tokyo', 0), '2026-12-31T15:00:00.000Z');
  });
});

describe('the report as CSV', () => {
  it('quotes what must be quoted and never lets a name run as a formula', () => {
    const report: UsageReport = {
      accountId: 'a',
      month: '2026-12',
      timeZone: 'UTC',
      currency: 'USD',
      status: 'Open',
      closesAt: '2027-01-04T00:00:00.000Z',
      closedAt: undefined,
      terms: { dailyPriceCents: 300, monthlyCapCents: 1500, minimumMinutes: 0 },
      users: [
        {
          userId: 'u',
          email: 'u@example.com',
          name: '=HYPERLINK("x"), Inc',
          days: [{ day: '2026-12-07', meetingId: 'm1' }],
          uncappedCents: 300,
          chargedCents: 300,
        },
      ],
      adjustments: [],
      usersCents: 300,
      adjustmentsCents: 0,
      totalCents: 300,
    };
    const lines = reportCsv(report).split('\r\n');
    assert.equal(lines[1], `day,a,2026-12,u,u@example.com,"'=HYPERLINK(""x""), Inc",2026-12-07,m1,,,,,USD`);
    assert.equal(lines[2], `user,a,2026-12,u,u@example.com,"'=HYPERLINK(""x""), Inc",,,,1,300,300,USD`);
    assert.equal(lines[3], 'total,a,2026-12,,,,,,,,,300,USD');
  });
});
