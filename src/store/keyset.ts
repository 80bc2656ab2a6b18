import { PostgresAdapter, sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from './database.js';

/**
 * The equality a keyset page leads with: `column = value`, for a page ordered by `column, id`
 * (the same order as `id` alone, `column` being one value), so that an index on
 * (column, …, id) is the one thing that yields the page without a sort.
 *
 * PostgreSQL reads `column = $1` as making the column a constant and the order `column, id` as
 * `id`, which the primary key yields too. Rows are added in time and ids are time-ordered
 * (UUIDv7, or E.164 loaded in order), so the heap is in id order; its cost model then prefers
 * walking the primary key in heap order and filtering to reading the composite index, whose
 * visits to the heap it believes scattered (it judges an index by its first column's order on
 * the heap). At a million users a deep page of an account read about 1,000 rows for its 101, a
 * page of Basic users about 5,000. Written as `column = any($1)`, one value in an array, the
 * comparison is no constant to the planner: the order keeps `column`, the primary key cannot
 * yield it, and the composite index reads exactly the page (test/scale/plans.test.ts). SQLite
 * needs none of this (it picks the index with the most equalities): there it is `column = ?`.
 * Use one leading column per query: an `any` on a later index column would lose the order.
 */
export function leadingEquality(db: Db, column: string, value: string): Expression<SqlBool> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? sql<SqlBool>`${sql.ref(column)} = any(${sql.val([value])})`
    : sql<SqlBool>`${sql.ref(column)} = ${value}`;
}
