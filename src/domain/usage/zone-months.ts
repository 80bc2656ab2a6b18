import { invalid } from '../errors.js';
import { dayAt, monthBounds, parseMonth } from './calendar.js';

/**
 * What the reports add to the rule's calendar (calendar.ts): the canonical name of a zone an
 * operator types, which month an instant falls in, and when a month closes.
 */

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
    throw invalid(
      `${JSON.stringify(name.slice(0, 64))} is not an IANA time zone name (such as UTC, Europe/Paris or America/New_York)`,
    );
  return zone;
}

/** Checks a YYYY-MM month (InvalidInput otherwise). */
export function requireMonth(month: string): string {
  parseMonth(month);
  return month;
}

/** YYYY-MM in the zone at an instant (ISO text). */
export const monthAt = (instant: string, timeZone: string): string =>
  dayAt(timeZone, Date.parse(instant)).slice(0, 7);

/** When the month closes: its end in the zone plus the grace days. */
export function closesAt(month: string, timeZone: string, graceDays: number): string {
  const end = Date.parse(monthBounds(month, timeZone).until);
  return new Date(end + graceDays * 86_400_000).toISOString();
}
