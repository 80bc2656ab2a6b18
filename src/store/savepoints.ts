import { sql } from 'kysely';
import type { Db } from './database.js';

/**
 * Runs `work` in a savepoint of the caller's transaction. When it throws, its writes (and only
 * its own) are undone and the transaction stays usable (on PostgreSQL a failed statement would
 * otherwise doom the whole transaction); the error is rethrown for the caller to judge. One
 * fixed name: these savepoints never nest, and a constant text adds no prepared statement.
 */
export async function inSavepoint<T>(tx: Db, work: () => Promise<T>): Promise<T> {
  await sql`savepoint item`.execute(tx);
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // A connection that is gone cannot roll back either: the first error is the one to report.
    await sql`rollback to savepoint item`.execute(tx).catch(() => undefined);
    await sql`release savepoint item`.execute(tx).catch(() => undefined);
    throw error;
  }
  await sql`release savepoint item`.execute(tx);
  return result;
}
