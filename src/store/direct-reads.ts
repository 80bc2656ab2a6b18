import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from './database.js';
import { isOutdatedPlan } from './prepared-pool.js';

/**
 * Point reads on every request's path (the signing key, the user asked for) cost more in Kysely's
 * machinery (compiling, the connection mutex, a chain of promises) than in the database itself.
 * On SQLite they run straight on the connection instead, with the statement prepared once; on
 * PostgreSQL straight on a pooled connection, as a named statement (parsed once per connection),
 * its text built once per call site.
 *
 * SQLite's connection is shared: while a transaction is open on it, a direct read would see that
 * transaction's uncommitted writes, so it then goes through Kysely, which waits for the
 * transaction to end. Inside a transaction (`db` is then Kysely's Transaction) the query always
 * goes through Kysely, on the transaction's connection.
 */
/** A direct read's statement, prepared in raw mode (rows as arrays), and its column names. */
interface RawRead {
  statement: SQLite.Statement;
  columns: string[];
}

/** A connection and its direct reads, by the call site's template (a fixed number of them). */
interface DirectConnection {
  sqlite: SQLite.Database;
  reads: Map<TemplateStringsArray, RawRead>;
}

/** A PostgreSQL pool and the statement of each call site's template, named once. */
interface DirectPool {
  pool: pg.Pool;
  reads: Map<TemplateStringsArray, { name: string; text: string }>;
}

const connections = new WeakMap<Db, DirectConnection>();
const pools = new WeakMap<Db, DirectPool>();

export function enableDirectReads(db: Db, sqlite: SQLite.Database): void {
  connections.set(db, { sqlite, reads: new Map() });
}

export function enablePostgresDirectReads(db: Db, pool: pg.Pool): void {
  pools.set(db, { pool, reads: new Map() });
}

/**
 * A tag for a read-only query: ``await selectRows<Row>(db)`select … where id = ${id}` `` gives its
 * rows, named as selected. Values are always bound as parameters, never spliced into the text.
 * Columns are named, never `*`: the names are read once, when the statement is prepared, and a
 * later migration must not shift what a `*` stands for under them.
 */
export function selectRows<Row>(db: Db) {
  return async (strings: TemplateStringsArray, ...values: unknown[]): Promise<Row[]> => {
    const onPool = pools.get(db);
    if (onPool !== undefined) return poolRead<Row>(onPool, strings, values);
    const direct = connections.get(db);
    if (direct === undefined || direct.sqlite.inTransaction) {
      const { rows } = await sql<Row>(strings, ...values).execute(db);
      return rows;
    }
    const { statement, columns } = rawRead(direct, strings);
    return (statement.all(...values) as unknown[][]).map((row) => named<Row>(columns, row));
  };
}

/**
 * The SQLite connection while no transaction holds it, for a write that runs on it synchronously
 * (a better-sqlite3 transaction), so nothing else interleaves with it; undefined on PostgreSQL,
 * inside a transaction (`db` is then Kysely's Transaction) and while one is open on the
 * connection: the write then goes through Kysely, which waits for it.
 */
export function idleSqliteConnection(db: Db): SQLite.Database | undefined {
  const direct = connections.get(db);
  return direct && !direct.sqlite.inTransaction ? direct.sqlite : undefined;
}

function rawRead(direct: DirectConnection, strings: TemplateStringsArray): RawRead {
  let read = direct.reads.get(strings);
  if (read === undefined) {
    const text = strings.join('?');
    if (/select\s+\*|\.\*/i.test(text)) throw new Error(`name the columns of a direct read: ${text}`);
    const statement = direct.sqlite.prepare(text).raw(true);
    read = { statement, columns: statement.columns().map((c) => c.name) };
    direct.reads.set(strings, read);
  }
  return read;
}

/**
 * One query on a pooled connection. The names (`belfry_read_N`) are apart from the prepared
 * pool's, and a connection whose statement no longer fits the schema (another instance migrated
 * it) answers this read unprepared and is then closed, as the prepared pool does.
 */
async function poolRead<Row>(direct: DirectPool, strings: TemplateStringsArray, values: unknown[]) {
  let read = direct.reads.get(strings);
  if (read === undefined) {
    const text = strings.reduce((sql, part, i) => `${sql}$${i}${part}`);
    read = { name: `belfry_read_${direct.reads.size + 1}`, text };
    direct.reads.set(strings, read);
  }
  const client = await direct.pool.connect();
  let outdated = false;
  try {
    return (await client.query<Row & pg.QueryResultRow>({ ...read, values })).rows as Row[];
  } catch (error) {
    if (!isOutdatedPlan(error)) throw error;
    outdated = true;
    return (await client.query<Row & pg.QueryResultRow>({ text: read.text, values })).rows as Row[];
  } finally {
    client.release(outdated);
  }
}

/**
 * Rows come back as arrays and are named here: better-sqlite3 builds its row objects property by
 * property from C++, which left wide rows (users has twenty columns) slow to build and to read.
 */
function named<Row>(columns: string[], values: unknown[]): Row {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i];
  return row as Row;
}
