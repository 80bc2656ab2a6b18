import { invalid } from '../errors.js';

/**
 * Months in an account's billing time zone: which month an instant falls in there, and the UTC
 * instants a month starts and ends at. Pure; Intl's time-zone data (ICU) is the only source.
 */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The canonical IANA name of `name` (any case), or undefined when Intl knows no such zone. */
export function canonicalTimeZone(name: string): string | undefined {
  // Offsets ("+05:00") and other non-names are refused: a month is a zone's, with its DST rules.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The zone's canonical name, or InvalidInput naming what was given. */
export function requireTimeZone(name: string): string {
  const zone = canonicalTimeZone(name);
  if (!zone)
    throw invalid(`"${name}" is not an IANA time zone name (such as UTC, Europe/Paris or America/New_York)`);
  return zone;
}

/** Whether `month` is YYYY-MM. */
export const isMonth = (month: string): boolean => MONTH.test(month);

export function requireMonth(month: string): string {
  if (!isMonth(month)) throw invalid(`The month must be YYYY-MM (such as 2026-12), not "${month}"`);
  return month;
}

const partsFormat = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time in the zone at an instant. */
function wallClock(instant: number, timeZone: string) {
  let format = partsFormat.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormat.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(instant)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return parts as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant the zone's wall clock shows midnight starting that date (twice corrected for DST). */
function zonedMidnight(year: number, month: number, day: number, timeZone: string): number {
  const naive = Date.UTC(year, month - 1, day);
  let instant = naive - offsetAt(naive, timeZone);
  instant = naive - offsetAt(instant, timeZone);
  return instant;
}

/** YYYY-MM in the zone at an instant (ISO text or epoch ms). */
export function monthAt(instant: string | number, timeZone: string): string {
  const w = wallClock(typeof instant === 'number' ? instant : Date.parse(instant), timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}`;
}

/** The month after. */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The UTC instants (ISO) the month starts at (inclusive) and ends at (exclusive) in the zone. */
export function monthBounds(month: string, timeZone: string): { from: string; until: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const [ny, nm] = nextMonth(month).split('-').map(Number) as [number, number];
  return {
    from: new Date(zonedMidnight(y, m, 1, timeZone)).toISOString(),
    until: new Date(zonedMidnight(ny, nm, 1, timeZone)).toISOString(),
  };
}

/** When the month closes: its end in the zone plus the grace days. */
export function closesAt(month: string, timeZone: string, graceDays: number): string {
  const end = Date.parse(monthBounds(month, timeZone).until);
  return new Date(end + graceDays * 86_400_000).toISOString();
}
