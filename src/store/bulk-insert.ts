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
