import type { Db, Dialect } from '../src/store/database.js';
import { listPhoneNumbers, type PhoneNumberFilter } from '../src/store/phone-numbers.js';
import { captureQueries, explainLines } from '../test/helpers/query-plans.js';

/**
 * The plan the database picks for the store's own ListPhoneNumbers query (EXPLAIN QUERY PLAN on
 * SQLite, EXPLAIN ANALYZE on PostgreSQL), one line per plan step: the query is captured as the
 * store builds it rather than written again here, so the plan cannot drift from what runs.
 * test/scale/plans.test.ts checks these plans, and every other hot query's, at a million rows.
 */
export async function explainPhoneListing(
  db: Db,
  dialect: Dialect,
  filter: PhoneNumberFilter,
): Promise<string[]> {
  const [query] = await captureQueries(db, (plugged) => listPhoneNumbers(plugged, filter));
  if (!query) throw new Error('listPhoneNumbers ran no query');
  return explainLines(db, dialect, query);
}
