import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../errors.js';
import {
  adjustmentsOf,
  billableDays,
  billMonth,
  dayAt,
  DEFAULT_BILLING_TERMS,
  isTimeZone,
  monthBounds,
  nextMonth,
  type BillingTerms,
  type MeetingReport,
  type ProPeriod,
} from './rule.js';

const TERMS: BillingTerms = { ...DEFAULT_BILLING_TERMS, minimumMinutes: 5 };
const ACCOUNT = 'acct-a';
const ALICE = 'user-alice';

let sequence = 0;
/** A qualifying 30-minute meeting of Alice's with two attendees, unless told otherwise. */
function meeting(startedAt: string, fields: Partial<MeetingReport> = {}): MeetingReport {
  const end = new Date(Date.parse(startedAt) + 30 * 60_000).toISOString();
  return {
    meetingId: `m-${String(++sequence).padStart(4, '0')}`,
    accountId: ACCOUNT,
    userId: ALICE,
    startedAt,
    endedAt: end,
    attendees: 2,
    ...fields,
  };
}

const always = (accountId = ACCOUNT, userId = ALICE): ProPeriod => ({
  accountId,
  userId,
  from: '2000-01-01T00:00:00.000Z',
  until: null,
});

const daysOf = (meetings: MeetingReport[], month: string, timeZone = 'UTC', periods = [always()]) =>
  billableDays(meetings, periods, TERMS, timeZone, month).map((d) => d.day);

/** `n` meetings on consecutive days from the 1st of the month at noon UTC. */
const dailyMeetings = (month: string, n: number, fields: Partial<MeetingReport> = {}) =>
  Array.from({ length: n }, (_, i) =>
    meeting(`${month}-${String(i + 1).padStart(2, '0')}T12:00:00.000Z`, fields),
  );

describe('billing rule: which meetings qualify', () => {
  it('bills a day for an ended meeting with another attendee that lasted the minimum', () => {
    assert.deepEqual(daysOf([meeting('2026-12-07T09:00:00.000Z')], '2026-12'), ['2026-12-07']);
  });

  it('never bills a meeting alone (the host only), or one with nobody', () => {
    const alone = meeting('2026-12-07T09:00:00.000Z', { attendees: 1 });
    const empty = meeting('2026-12-08T09:00:00.000Z', { attendees: 0 });
    assert.deepEqual(daysOf([alone, empty], '2026-12'), []);
  });

  it('never bills a meeting that has not ended', () => {
    assert.deepEqual(daysOf([meeting('2026-12-07T09:00:00.000Z', { endedAt: null })], '2026-12'), []);
  });

  it('bills a meeting of exactly the minimum, not one a second shorter', () => {
    const start = '2026-12-07T09:00:00.000Z';
    const short = meeting(start, { endedAt: '2026-12-07T09:04:59.000Z' });
    assert.deepEqual(daysOf([short], '2026-12'), []);
    const exact = meeting(start, { endedAt: '2026-12-07T09:05:00.000Z' });
    assert.deepEqual(daysOf([exact], '2026-12'), ['2026-12-07']);
    const noMinimum = { ...TERMS, minimumMinutes: 0 };
    assert.equal(billableDays([short], [always()], noMinimum, 'UTC', '2026-12').length, 1);
  });

  it('never bills a meeting that ended before it started (a broken report)', () => {
    const broken = meeting('2026-12-07T09:00:00.000Z', { endedAt: '2026-12-07T08:00:00.000Z' });
    assert.deepEqual(
      billableDays([broken], [always()], { ...TERMS, minimumMinutes: 0 }, 'UTC', '2026-12'),
      [],
    );
  });
});

describe('billing rule: who is billed (Pro periods)', () => {
  it('never bills a host without a Pro period: invitee, Basic, personal trial, free user', () => {
    const someoneElse = always(ACCOUNT, 'user-bob');
    assert.deepEqual(daysOf([meeting('2026-12-07T09:00:00.000Z')], '2026-12', 'UTC', [someoneElse]), []);
    const free = meeting('2026-12-07T09:00:00.000Z', { accountId: '', userId: 'identity-1' });
    assert.deepEqual(daysOf([free], '2026-12', 'UTC', [always()]), []);
  });

  it('counts a Pro → Basic change from its instant, mid-day: the start decides', () => {
    const pro: ProPeriod = { ...always(), until: '2026-12-07T12:00:00.000Z' };
    const beforeChange = meeting('2026-12-07T11:59:00.000Z', { endedAt: '2026-12-07T13:00:00.000Z' });
    const atChange = meeting('2026-12-07T12:00:00.000Z');
    const after = meeting('2026-12-08T09:00:00.000Z');
    const days = billableDays([atChange, beforeChange, after], [pro], TERMS, 'UTC', '2026-12');
    assert.deepEqual(
      days.map((d) => [d.day, d.meetingId]),
      [['2026-12-07', beforeChange.meetingId]],
    );
    // The meeting that started at the change is Basic's: alone it bills nothing.
    assert.deepEqual(billableDays([atChange], [pro], TERMS, 'UTC', '2026-12'), []);
  });

  it('counts a Basic → Pro change from its instant: the day shows the first meeting after it', () => {
    const pro: ProPeriod = { ...always(), from: '2026-12-07T12:00:00.000Z' };
    const asBasic = meeting('2026-12-07T09:00:00.000Z');
    const asPro = meeting('2026-12-07T12:00:00.000Z');
    const days = billableDays([asBasic, asPro], [pro], TERMS, 'UTC', '2026-12');
    assert.deepEqual(
      days.map((d) => [d.day, d.meetingId]),
      [['2026-12-07', asPro.meetingId]],
    );
  });

  it('bills within any of several periods, not in the gap between them', () => {
    const periods: ProPeriod[] = [
      { ...always(), from: '2026-12-01T00:00:00.000Z', until: '2026-12-05T00:00:00.000Z' },
      { ...always(), from: '2026-12-10T00:00:00.000Z', until: null },
    ];
    const meetings = ['03', '07', '12'].map((d) => meeting(`2026-12-${d}T09:00:00.000Z`));
    assert.deepEqual(daysOf(meetings, '2026-12', 'UTC', periods), ['2026-12-03', '2026-12-12']);
  });

  it('bills a person who moved between accounts by each account, each with its own cap', () => {
    const bAccount = 'acct-b';
    const periods: ProPeriod[] = [
      { ...always(ACCOUNT, ALICE), until: '2026-12-15T00:00:00.000Z' },
      { ...always(bAccount, 'user-alice-in-b'), from: '2026-12-15T00:00:00.000Z' },
    ];
    const inA = [1, 2, 3, 4].map((d) => meeting(`2026-12-0${d}T09:00:00.000Z`));
    const inB = [16, 17, 18, 19].map((d) =>
      meeting(`2026-12-${d}T09:00:00.000Z`, { accountId: bAccount, userId: 'user-alice-in-b' }),
    );
    // Still reported as A's host after the move: A no longer bills it.
    const lateInA = meeting('2026-12-20T09:00:00.000Z');
    const all = [...inA, ...inB, lateInA];
    const a = billMonth(ACCOUNT, '2026-12', 'UTC', all, periods, TERMS);
    const b = billMonth(bAccount, '2026-12', 'UTC', all, periods, TERMS);
    assert.deepEqual([a.totalCents, b.totalCents], [1200, 1200], 'not 1500 across both');
    assert.deepEqual(
      b.users.map((u) => [u.accountId, u.userId, u.days.length]),
      [[bAccount, 'user-alice-in-b', 4]],
    );
    // The same user id in two accounts is two members too.
    const sameId: ProPeriod[] = [always(ACCOUNT), always(bAccount)];
    const twice = [...dailyMeetings('2026-12', 5), ...dailyMeetings('2026-12', 5, { accountId: bAccount })];
    assert.equal(billMonth(bAccount, '2026-12', 'UTC', twice, sameId, TERMS).totalCents, 1500);
    assert.equal(billableDays(twice, sameId, TERMS, 'UTC', '2026-12').length, 10);
  });
});

describe('billing rule: days and time zones', () => {
  const instant = '2026-03-10T03:30:00.000Z';

  it('takes the day in the billing time zone, west and east of UTC', () => {
    assert.deepEqual(daysOf([meeting(instant)], '2026-03', 'UTC'), ['2026-03-10']);
    assert.deepEqual(daysOf([meeting(instant)], '2026-03', 'America/Los_Angeles'), ['2026-03-09']);
    assert.deepEqual(daysOf([meeting(instant)], '2026-03', 'Asia/Tokyo'), ['2026-03-10']);
    assert.deepEqual(daysOf([meeting('2026-03-10T15:30:00.000Z')], '2026-03', 'Asia/Tokyo'), ['2026-03-11']);
    assert.deepEqual(daysOf([meeting('2026-03-10T11:30:00.000Z')], '2026-03', 'Pacific/Kiritimati'), [
      '2026-03-11',
    ]);
  });

  it('handles half- and three-quarter-hour zones at a month end', () => {
    // Asia/Kolkata is UTC+05:30: 18:15Z is 23:45 on the 30th, 18:45Z is 00:15 on July 1.
    assert.deepEqual(daysOf([meeting('2026-06-30T18:15:00.000Z')], '2026-06', 'Asia/Kolkata'), [
      '2026-06-30',
    ]);
    assert.deepEqual(daysOf([meeting('2026-06-30T18:45:00.000Z')], '2026-06', 'Asia/Kolkata'), []);
    assert.deepEqual(daysOf([meeting('2026-06-30T18:45:00.000Z')], '2026-07', 'Asia/Kolkata'), [
      '2026-07-01',
    ]);
    assert.equal(dayAt('Asia/Kathmandu', Date.parse('2026-06-30T18:14:00.000Z')), '2026-06-30');
    assert.equal(dayAt('Asia/Kathmandu', Date.parse('2026-06-30T18:15:00.000Z')), '2026-07-01');
    assert.deepEqual(monthBounds('2026-07', 'Asia/Kolkata'), {
      from: '2026-06-30T18:30:00.000Z',
      until: '2026-07-31T18:30:00.000Z',
    });
  });

  it('follows daylight saving changes: a 25-hour day is one day, month bounds move', () => {
    const ny = 'America/New_York';
    // DST ends on 2026-11-01 at 06:00Z: 04:30Z that day and 04:30Z the next are both Nov 1.
    const early = meeting('2026-11-01T04:30:00.000Z');
    const late = meeting('2026-11-02T04:30:00.000Z');
    const days = billableDays([late, early], [always()], TERMS, ny, '2026-11');
    assert.deepEqual(
      days.map((d) => [d.day, d.meetingId]),
      [['2026-11-01', early.meetingId]],
    );
    assert.deepEqual(daysOf([meeting('2026-11-01T03:59:00.000Z')], '2026-10', ny), ['2026-10-31']);
    assert.deepEqual(monthBounds('2026-11', ny), {
      from: '2026-11-01T04:00:00.000Z',
      until: '2026-12-01T05:00:00.000Z',
    });
    // Europe/Berlin springs forward on 2026-03-29: March starts at +01:00 and ends at +02:00.
    assert.deepEqual(monthBounds('2026-03', 'Europe/Berlin'), {
      from: '2026-02-28T23:00:00.000Z',
      until: '2026-03-31T22:00:00.000Z',
    });
    // 01:30 CET and 23:30 CEST on the 23-hour day: one day.
    const shortDay = [meeting('2026-03-29T00:30:00.000Z'), meeting('2026-03-29T21:30:00.000Z')];
    assert.deepEqual(daysOf(shortDay, '2026-03', 'Europe/Berlin'), ['2026-03-29']);
    // The southern hemisphere: Sydney leaves daylight time on 2026-04-05.
    assert.deepEqual(monthBounds('2026-04', 'Australia/Sydney'), {
      from: '2026-03-31T13:00:00.000Z',
      until: '2026-04-30T14:00:00.000Z',
    });
  });

  it('starts a day at 01:00 where the clock skips midnight', () => {
    // America/Santiago moves from 00:00 to 01:00 on 2026-09-06: that day begins at 01:00 -03.
    assert.equal(dayAt('America/Santiago', Date.parse('2026-09-06T03:59:59.999Z')), '2026-09-05');
    assert.equal(dayAt('America/Santiago', Date.parse('2026-09-06T04:00:00.000Z')), '2026-09-06');
    assert.deepEqual(monthBounds('2026-09', 'America/Santiago'), {
      from: '2026-09-01T04:00:00.000Z',
      until: '2026-10-01T03:00:00.000Z',
    });
  });

  it('counts a meeting across midnight and across the month end for the day it started', () => {
    const newYearsEve = meeting('2026-12-31T23:50:00.000Z', { endedAt: '2027-01-01T00:40:00.000Z' });
    assert.deepEqual(daysOf([newYearsEve], '2026-12'), ['2026-12-31']);
    assert.deepEqual(daysOf([newYearsEve], '2027-01'), []);
    // In Berlin the same meeting starts at 00:50 on January 1.
    assert.deepEqual(daysOf([newYearsEve], '2027-01', 'Europe/Berlin'), ['2027-01-01']);
    assert.deepEqual(daysOf([newYearsEve], '2026-12', 'Europe/Berlin'), []);
  });

  it('knows leap days and month lengths', () => {
    assert.deepEqual(daysOf([meeting('2028-02-29T12:00:00.000Z')], '2028-02'), ['2028-02-29']);
    assert.deepEqual(monthBounds('2028-02', 'UTC'), {
      from: '2028-02-01T00:00:00.000Z',
      until: '2028-03-01T00:00:00.000Z',
    });
    assert.equal(monthBounds('2026-02', 'UTC').until, '2026-03-01T00:00:00.000Z');
    // Leap day evening in Los Angeles is March 1 in UTC.
    assert.deepEqual(daysOf([meeting('2028-03-01T06:00:00.000Z')], '2028-02', 'America/Los_Angeles'), [
      '2028-02-29',
    ]);
    assert.deepEqual([nextMonth('2026-12'), nextMonth('2028-02')], ['2027-01', '2028-03']);
  });

  it('shows the earliest qualifying meeting of a day, ties broken by meeting id', () => {
    const later = meeting('2026-12-07T15:00:00.000Z', { meetingId: 'a-late' });
    const tieB = meeting('2026-12-07T09:00:00.000Z', { meetingId: 'tie-b' });
    const tieA = meeting('2026-12-07T09:00:00.000Z', { meetingId: 'tie-a' });
    const alone = meeting('2026-12-07T08:00:00.000Z', { meetingId: 'alone', attendees: 1 });
    for (const order of [
      [later, tieB, tieA, alone],
      [alone, tieA, tieB, later],
    ]) {
      const days = billableDays(order, [always()], TERMS, 'UTC', '2026-12');
      assert.deepEqual(
        days.map((d) => d.meetingId),
        ['tie-a'],
      );
    }
  });

  it('refuses an unknown time zone and a malformed month with a clear error', () => {
    assert.throws(
      () => billableDays([], [], TERMS, 'Mars/Olympus_Mons', '2026-12'),
      (e: unknown) =>
        e instanceof DomainError && e.kind === 'InvalidInput' && /IANA time zone/.test(e.message),
    );
    assert.throws(() => monthBounds('2026-13', 'UTC'), /not a month/);
    assert.throws(() => billMonth(ACCOUNT, '2026-1', 'UTC', [], [], TERMS), /not a month/);
    assert.equal(isTimeZone('Europe/Berlin'), true);
    assert.equal(isTimeZone('Europe/Atlantis'), false);
  });
});

describe('billing rule: reports of one meeting', () => {
  it('takes the last report of a meeting id: a re-report with its end makes it count, once', () => {
    const started = meeting('2026-12-07T09:00:00.000Z', { meetingId: 'dup', endedAt: null });
    const ended = { ...started, endedAt: '2026-12-07T10:00:00.000Z', attendees: 3 };
    assert.deepEqual(daysOf([started, ended, ended], '2026-12'), ['2026-12-07']);
    assert.equal(
      billMonth(ACCOUNT, '2026-12', 'UTC', [started, ended, ended], [always()], TERMS).totalCents,
      300,
    );
    // A correction to one attendee, reported last, takes the day away.
    assert.deepEqual(daysOf([ended, { ...ended, attendees: 1 }], '2026-12'), []);
  });
});

describe('billing rule: the month bill and the cap', () => {
  it('charges days × price up to the cap, per user', () => {
    const bob = 'user-bob';
    const meetings = [...dailyMeetings('2026-12', 6), ...dailyMeetings('2026-12', 4, { userId: bob })];
    const bill = billMonth(ACCOUNT, '2026-12', 'UTC', meetings, [always(), always(ACCOUNT, bob)], TERMS);
    assert.deepEqual(
      bill.users.map((u) => [u.userId, u.days.length, u.uncappedCents, u.chargedCents]),
      [
        [ALICE, 6, 1800, 1500],
        [bob, 4, 1200, 1200],
      ],
    );
    assert.equal(bill.totalCents, 2700);
    assert.deepEqual([bill.accountId, bill.month, bill.timeZone], [ACCOUNT, '2026-12', 'UTC']);
    const five = billMonth(ACCOUNT, '2026-12', 'UTC', dailyMeetings('2026-12', 5), [always()], TERMS);
    assert.equal(five.users[0]?.chargedCents, 1500);
  });

  it('uses the operator’s price and cap', () => {
    const terms: BillingTerms = { dailyPriceCents: 250, monthlyCapCents: 1000, minimumMinutes: 0 };
    const bill = billMonth(ACCOUNT, '2026-12', 'UTC', dailyMeetings('2026-12', 3), [always()], terms);
    assert.equal(bill.totalCents, 750);
    assert.equal(
      billMonth(ACCOUNT, '2026-12', 'UTC', dailyMeetings('2026-12', 9), [always()], terms).totalCents,
      1000,
    );
  });

  it('bills nothing and lists nobody for a month without billable days', () => {
    assert.deepEqual(billMonth(ACCOUNT, '2026-11', 'UTC', dailyMeetings('2026-12', 3), [always()], TERMS), {
      accountId: ACCOUNT,
      month: '2026-11',
      timeZone: 'UTC',
      users: [],
      totalCents: 0,
    });
  });
});

describe('billing rule: adjustments of a closed month', () => {
  const bill = (meetings: MeetingReport[]) =>
    billMonth(ACCOUNT, '2026-11', 'UTC', meetings, [always(), always(ACCOUNT, 'user-bob')], TERMS);

  it('adds a late day at the daily price, and a day past the cap at nothing', () => {
    const three = dailyMeetings('2026-11', 3);
    const lateDay = meeting('2026-11-20T09:00:00.000Z');
    const lines = adjustmentsOf(bill(three), bill([...three, lateDay]));
    assert.deepEqual(lines, [
      {
        accountId: ACCOUNT,
        userId: ALICE,
        month: '2026-11',
        daysAdded: [{ accountId: ACCOUNT, userId: ALICE, day: '2026-11-20', meetingId: lateDay.meetingId }],
        daysRemoved: [],
        centsDifference: 300,
      },
    ]);
    const five = dailyMeetings('2026-11', 5);
    const capped = adjustmentsOf(bill(five), bill([...five, lateDay]));
    assert.deepEqual(
      capped.map((l) => [l.daysAdded.length, l.centsDifference]),
      [[1, 0]],
    );
  });

  it('bills a user the closed month did not have, and credits a day that no longer qualifies', () => {
    const alice = dailyMeetings('2026-11', 2);
    const bobLate = meeting('2026-11-10T09:00:00.000Z', { userId: 'user-bob' });
    const corrected = { ...alice[1]!, attendees: 1 };
    const lines = adjustmentsOf(bill(alice), bill([...alice, bobLate, corrected]));
    assert.deepEqual(
      lines.map((l) => [
        l.userId,
        l.daysAdded.map((d) => d.day),
        l.daysRemoved.map((d) => d.day),
        l.centsDifference,
      ]),
      [
        [ALICE, [], ['2026-11-02'], -300],
        ['user-bob', ['2026-11-10'], [], 300],
      ],
    );
  });

  it('gives no line when only the meeting shown for a day changed', () => {
    const day = meeting('2026-11-03T15:00:00.000Z');
    const earlierSameDay = meeting('2026-11-03T08:00:00.000Z');
    assert.deepEqual(adjustmentsOf(bill([day]), bill([day, earlierSameDay])), []);
    assert.throws(() => adjustmentsOf(bill([day]), billMonth(ACCOUNT, '2026-12', 'UTC', [], [], TERMS)));
  });
});

describe('billing rule: the day cache', () => {
  it('answers what Intl answers, minute by minute across clock changes and odd offsets', () => {
    const zones = [
      'Asia/Kathmandu',
      'America/St_Johns',
      'Australia/Lord_Howe',
      'Europe/Berlin',
      'Pacific/Chatham',
    ];
    // Two days around the 2026 April changes (Lord Howe moves by 30 minutes, Chatham by an hour).
    const from = Date.parse('2026-04-04T00:00:00.000Z');
    for (const timeZone of zones) {
      const direct = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
      for (let ms = from; ms < from + 2 * 86_400_000; ms += 7 * 60_000 + 13_000)
        assert.equal(dayAt(timeZone, ms), direct.format(ms), `${timeZone} at ${new Date(ms).toISOString()}`);
    }
  });
});
