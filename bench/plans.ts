import { CompiledQuery, type KyselyPlugin, type QueryId, type RootOperationNode } from 'kysely';
import type { Db, Dialect } from '../src/store/database.js';
import { listPhoneNumbers, type PhoneNumberFilter } from '../src/store/phone-numbers.js';

/**
 * The plan the database picks for the store's own ListPhoneNumbers query (EXPLAIN QUERY PLAN on
 * SQLite, EXPLAIN ANALYZE on PostgreSQL), one line per plan step: the query is captured as the
 * store builds it rather than written again here, so the plan cannot drift from what runs.
 */
export async function explainPhoneListing(
  db: Db,
  dialect: Dialect,
  filter: PhoneNumberFilter,
): Promise<string[]> {
  const capture = new CaptureQuery();
  await listPhoneNumbers(db.withPlugin(capture), filter);
  if (!capture.last) throw new Error('listPhoneNumbers ran no query');
  const { sql, parameters } = db.getExecutor().compileQuery(capture.last.node, capture.last.queryId);
  if (dialect === 'sqlite') {
    const { rows } = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${sql}`, [...parameters]),
    );
    return rows.map((r) => r.detail);
  }
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`explain (analyze, costs off, summary off) ${sql}`, [...parameters]),
  );
  return rows.map((r) => r['QUERY PLAN']);
}

/** Remembers the last query passed through it, unchanged. */
class CaptureQuery implements KyselyPlugin {
  last: { node: RootOperationNode; queryId: QueryId } | undefined;
  transformQuery(args: { node: RootOperationNode; queryId: QueryId }): RootOperationNode {
    this.last = { node: args.node, queryId: args.queryId };
    return args.node;
  }
  async transformResult<T>(args: { result: T }): Promise<T> {
    return args.result;
  }
}
