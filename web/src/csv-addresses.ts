import type { StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import { parseCsv } from './csv.js';
import { isEmailAddress } from './email.js';

/** The addresses of an invitations file, and what the console can tell of each before sending. */

export interface Row {
  line: number;
  email: string;
  outcome?: { type: StatusIndicatorProps.Type; text: string };
}

/**
 * The addresses of a CSV file: the column headed "email" (any case), or, when no header names
 * one, the first column of every line. Lines whose cell is empty are left out.
 */
export function addressesOf(text: string): { rows: Row[]; problem?: string } {
  const lines = parseCsv(text);
  const header = (lines[0] ?? []).map((c) => c.trim().toLowerCase());
  const column = header.findIndex((c) => c === 'email' || c === 'email address' || c === 'e-mail');
  const headed = column >= 0;
  if (!headed && lines[0] && !isEmailAddress((lines[0][0] ?? '').trim()))
    return { rows: [], problem: 'The file has no column headed "email".' };
  const rows = lines
    .map((cells, i) => ({ line: i + 1, email: (cells[headed ? column : 0] ?? '').trim() }))
    .slice(headed ? 1 : 0)
    .filter((r) => r.email !== '');
  return { rows };
}

/** Marks what need not be sent: not an address, or the same address on an earlier line. */
export function precheck(rows: Row[]): Row[] {
  const seen = new Map<string, number>();
  return rows.map((r) => {
    const key = r.email.toLowerCase();
    if (!isEmailAddress(r.email)) return { ...r, outcome: { type: 'error', text: 'Not an email address' } };
    const first = seen.get(key);
    if (first !== undefined)
      return { ...r, outcome: { type: 'info', text: `Same address as line ${first}` } };
    seen.set(key, r.line);
    return r;
  });
}
