import { CompiledQuery, PostgresAdapter, type Insertable } from 'kysely';
import type { Db } from './database.js';
import type { Database } from './schema.js';

/**
 * Inserts many rows of one table with as few statements as each dialect allows: bulk seeding
 * (the benchmark's and the plan test's million users) and imports. The text is written here, once
 * per chunk size, and runs as a prepared (on PostgreSQL, named) statement:
 * - SQLite: a multi-row `values` list of as many rows as its 32,766 bound parameters hold;
 * - PostgreSQL: `json_populate_recordset` over one JSON parameter of 20,000 rows, which
 *   converts each field to the column's own type, so no type is spelled out here. Against the
 *   query builder's 500-row inserts it took a third of Node's CPU (0.24 s against 0.75 s for
 *   30,000 users); the server's share was the same. On SQLite the two cost the same: storing the
 *   rows and their indexes is nearly all of it, so the order rows come in matters more there
 *   (see test/helpers/population.ts).
 * Every row must have the same columns as the first, named as the table's. Run it inside a
 * transaction to make the whole load atomic (and, on SQLite, to commit once).
 */
export async function bulkInsert<T extends keyof Database & string>(
  db: Db,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const columns = Object.keys(first);
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const chunk = postgres ? POSTGRES_ROWS : Math.floor(SQLITE_PARAMETERS / columns.length);
  for (let i = 0; i < rows.length; i += chunk) {
    const slice = rows.slice(i, i + chunk) as ReadonlyArray<Record<string, unknown>>;
    const query = postgres
      ? CompiledQuery.raw(postgresInsert(table, columns), [JSON.stringify(slice)])
      : CompiledQuery.raw(sqliteInsert(table, columns, slice.length), sqliteValues(columns, slice));
    await db.executeQuery(query);
  }
}

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32, which better-sqlite3 keeps. */
const SQLITE_PARAMETERS = 32_766;
/** Enough that a statement's round trip is nothing beside its rows, few enough to stay a few MB. */
const POSTGRES_ROWS = 20_000;

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

function postgresInsert(table: string, columns: string[]): string {
  const list = columns.map(quoted).join(', ');
  return `insert into ${quoted(table)} (${list}) select ${list} from json_populate_recordset(null::${quoted(table)}, $1::json)`;
}

function sqliteInsert(table: string, columns: string[], rowCount: number): string {
  const row = `(${columns.map(() => '?').join(', ')})`;
  return `insert into ${quoted(table)} (${columns.map(quoted).join(', ')}) values ${Array(rowCount).fill(row).join(', ')}`;
}

function sqliteValues(columns: string[], rows: ReadonlyArray<Record<string, unknown>>): unknown[] {
  const values: unknown[] = [];
  for (const row of rows) for (const column of columns) values.push(row[column] ?? null);
  return values;
}

/**
 * Runs `load`, bulk inserts into `tables` inside the transaction `tx`, with those tables'
 * secondary indexes dropped, then builds them again from the database's own definitions
 * (SQLite's `sqlite_master.sql`, PostgreSQL's `pg_indexes.indexdef`, so no index is spelled out
 * here) and, on PostgreSQL, gathers the tables' statistics. One sorted build of an index is far
 * cheaper than a million scattered insertions into it; every statement runs in `tx`, so a load
 * that fails, or rows an index refuses (a unique index built again over duplicates), leave
 * nothing behind, and no other connection ever sees the tables without their indexes (on
 * PostgreSQL DROP INDEX locks the table until the commit; on SQLite the writer holds the file).
 * Primary keys and the indexes behind constraints stay: rows are still checked against them.
 *
 * It is here, beside `bulkInsert`, because it is storage work written per dialect; today the
 * benchmark's and the plan test's seeding (test/helpers/population.ts) are its only callers,
 * and it suits no request: on PostgreSQL it also turns off `synchronous_commit` for the
 * transaction (a crash right after the commit may lose the load, never corrupt it) and gives
 * the index builds 512 MB of `maintenance_work_mem`.
 */
export async function withIndexesBuiltAfter<T>(
  tx: Db,
  tables: ReadonlyArray<keyof Database & string>,
  load: () => Promise<T>,
): Promise<T> {
  if (!tx.isTransaction) throw new Error('withIndexesBuiltAfter runs in a transaction, to stay atomic');
  const postgres = tx.getExecutor().adapter instanceof PostgresAdapter;
  const run = (text: string, parameters: unknown[] = []) =>
    tx.executeQuery<{ name: string; definition: string }>(CompiledQuery.raw(text, parameters));
  if (postgres) {
    await run('set local synchronous_commit = off');
    await run(`set local maintenance_work_mem = '512MB'`);
  }
  const { rows: indexes } = await run(postgres ? POSTGRES_INDEXES : sqliteIndexes(tables.length), [
    ...(postgres ? [tables] : tables),
  ]);
  for (const index of indexes) await run(`drop index ${quoted(index.name)}`);
  const result = await load();
  for (const index of indexes) await run(index.definition);
  // PostgreSQL plans from statistics, which autovacuum would gather soon after a load like this.
  // SQLite plans without any unless ANALYZE is run, which Belfry never does: none are made here.
  if (postgres) await run(`analyze ${tables.map(quoted).join(', ')}`);
  return result;
}

/** The indexes of the tables that no constraint owns (a primary key, a unique constraint). */
const POSTGRES_INDEXES = `select i.indexname as name, i.indexdef as definition from pg_indexes i
  where i.schemaname = current_schema() and i.tablename = any($1::text[])
  and not exists (select 1 from pg_constraint c where c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)`;

/** Indexes with SQL of their own: those SQLite makes for a primary key or a unique column have none. */
const sqliteIndexes = (tableCount: number) =>
  `select name, sql as definition from sqlite_master where type = 'index' and sql is not null
  and tbl_name in (${Array(tableCount).fill('?').join(', ')})`;
