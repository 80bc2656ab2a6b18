import { invalid } from '../errors.js';

/**
 * Days and months in an account's billing time zone (IANA), through Intl: no time zone data of
 * our own to keep current. Pure, no clock.
 */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
    } catch {
      throw invalid(`${JSON.stringify(timeZone)} is not an IANA time zone (such as Europe/Berlin or UTC)`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Refuses (InvalidInput) a name that is not a time zone Intl knows. */
export function checkTimeZone(timeZone: string): void {
  formatterOf(timeZone);
}

/** Whether the name is a time zone Intl knows (for checking settings before they are saved). */
export function isTimeZone(timeZone: string): boolean {
  try {
    checkTimeZone(timeZone);
    return true;
  } catch {
    return false;
  }
}

function formatDay(timeZone: string, ms: number): string {
  const parts = formatterOf(timeZone).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * Days of 15-minute stretches, by zone. Every offset in use today is a multiple of 15 minutes and
 * changes on such a boundary, so a stretch whose first and last millisecond fall on the same day
 * lies wholly in it; a stretch that holds a midnight (or an old odd offset) is never cached.
 * A month's report formats one day per meeting; this makes most of them a map lookup.
 */
const STRETCH_MS = 15 * 60_000;
const dayCache = new Map<string, Map<number, string>>();

/** The calendar day (YYYY-MM-DD) in the zone at the instant (ms since the epoch). */
export function dayAt(timeZone: string, ms: number): string {
  let days = dayCache.get(timeZone);
  if (!days) dayCache.set(timeZone, (days = new Map()));
  const stretch = Math.floor(ms / STRETCH_MS);
  const cached = days.get(stretch);
  if (cached !== undefined) return cached;
  const first = formatDay(timeZone, stretch * STRETCH_MS);
  if (first !== formatDay(timeZone, (stretch + 1) * STRETCH_MS - 1)) return formatDay(timeZone, ms);
  if (days.size > 100_000) days.clear();
  days.set(stretch, first);
  return first;
}

/** The instant of an ISO 8601 timestamp, in ms; a clear error for one that is not. */
export function instantOf(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw invalid(`${JSON.stringify(iso)} is not an ISO 8601 instant`);
  return ms;
}

/** Checks a YYYY-MM month and answers its year and month number. */
export function parseMonth(month: string): { year: number; month: number } {
  const match = MONTH.exec(month);
  if (!match) throw invalid(`${JSON.stringify(month)} is not a month (YYYY-MM)`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

/** The month after (the one an adjustment of a closed month goes into). */
export function nextMonth(month: string): string {
  const { year, month: m } = parseMonth(month);
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * The first instant whose day in the zone is `day` or later. Found by bisection over a window
 * wider than any offset, so it holds in zones whose midnight is skipped by a clock change (the
 * day then starts at 01:00) as well as elsewhere.
 */
function startOfDay(timeZone: string, day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d);
  let low = utcMidnight - DAY_MS; // before the day starts anywhere (offsets stay within ±14 h)
  let high = utcMidnight + DAY_MS; // after it has started everywhere
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (formatDay(timeZone, middle) >= day) high = middle;
    else low = middle;
  }
  return high;
}

/**
 * The month in the zone as UTC instants, `from` inclusive and `until` exclusive: the window of
 * meeting starts and Pro periods a month's bill reads.
 */
export function monthBounds(month: string, timeZone: string): { from: string; until: string } {
  parseMonth(month);
  checkTimeZone(timeZone);
  return {
    from: new Date(startOfDay(timeZone, `${month}-01`)).toISOString(),
    until: new Date(startOfDay(timeZone, `${nextMonth(month)}-01`)).toISOString(),
  };
}
