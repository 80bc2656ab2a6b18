import type SQLite from 'better-sqlite3';
import { sql, type Compilable } from 'kysely';
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
/**
 * A direct read's statement and what names its rows: prepared in raw mode (rows as arrays), or
 * answering each row as one JSON array text (`json`), see `jsonRows`.
 */
interface RawRead {
  statement: SQLite.Statement;
  json: boolean;
  toRow: RowMaker;
}

/** A PostgreSQL read's named statement, and what names its rows (made at its first answer). */
interface PoolRead {
  name: string;
  text: string;
  toRow?: RowMaker;
}

/**
 * A connection and its direct reads, by the call site's template (a fixed number of them) or,
 * for a query Kysely built, by its text (one per shape of the query).
 */
interface DirectConnection {
  sqlite: SQLite.Database;
  reads: Map<TemplateStringsArray | string, RawRead>;
}

/** A PostgreSQL pool and the statement of each call site's template or query text, named once. */
interface DirectPool {
  pool: pg.Pool;
  reads: Map<TemplateStringsArray | string, PoolRead>;
}

/**
 * Kysely-built texts kept per connection or pool: a listing has one text per combination of its
 * filters, a few dozen; past this a text is prepared (SQLite) or parsed (PostgreSQL) per call.
 */
const QUERY_TEXTS_KEPT = 256;

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
    if (onPool !== undefined)
      return poolRead<Row>(
        onPool,
        strings,
        () => strings.reduce((text, part, i) => `${text}$${i}${part}`),
        values,
      );
    const direct = connections.get(db);
    if (direct === undefined || direct.sqlite.inTransaction) {
      const { rows } = await sql<Row>(strings, ...values).execute(db);
      return rows;
    }
    return rawRead<Row>(direct, strings, () => strings.join('?'), values);
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

/**
 * A select built with Kysely (a listing, whose filters vary), run as a direct read: Kysely
 * compiles it, the rest (the connection mutex, the driver's chain of promises, rows built as
 * objects by the driver) is skipped. Its columns are named, as in `selectRows`.
 */
export async function selectQuery<Row>(db: Db, query: Compilable<Row>): Promise<Row[]> {
  const onPool = pools.get(db);
  const direct = connections.get(db);
  if (onPool === undefined && (direct === undefined || direct.sqlite.inTransaction))
    return (await db.executeQuery(query)).rows;
  const compiled = query.compile();
  const text = compiled.sql;
  if (onPool !== undefined) {
    if (onPool.reads.size >= QUERY_TEXTS_KEPT && !onPool.reads.has(text))
      return (await db.executeQuery(compiled)).rows;
    return poolRead<Row>(onPool, text, () => text, compiled.parameters);
  }
  if (direct!.reads.size >= QUERY_TEXTS_KEPT && !direct!.reads.has(text))
    return (await db.executeQuery(compiled)).rows;
  return rawRead<Row>(direct!, text, () => text, compiled.parameters);
}

function rawRead<Row>(
  direct: DirectConnection,
  key: TemplateStringsArray | string,
  textOf: () => string,
  values: readonly unknown[],
): Row[] {
  let read = direct.reads.get(key);
  if (read === undefined) {
    read = prepareRead(direct.sqlite, textOf());
    direct.reads.set(key, read);
  }
  const { statement, toRow } = read;
  if (read.json) return (statement.all(...values) as string[]).map((row) => toRow(JSON.parse(row))) as Row[];
  return (statement.all(...values) as unknown[][]).map(toRow) as Row[];
}

function prepareRead(sqlite: SQLite.Database, text: string): RawRead {
  if (/select\s+\*|\.\*/i.test(text)) throw new Error(`name the columns of a direct read: ${text}`);
  const statement = sqlite.prepare(text).raw(true);
  const columns = statement.columns();
  const toRow = rowMaker(columns.map((c) => c.name));
  const asJson = jsonRows(sqlite, text, columns);
  return asJson ? { statement: asJson, json: true, toRow } : { statement, json: false, toRow };
}

const SELECT_LIST = /^(\s*select\s+)([\s\S]+?)(\s+from\s[\s\S]*)$/i;
const PLAIN_COLUMN = /^\s*(?:"?\w+"?\.)?"?\w+"?\s*$/;

/**
 * The same read with each row answered as one JSON array text (`json_array` of the selected
 * columns), parsed by V8: better-sqlite3 hands every value to V8 through its API one call at a
 * time, which for a page of a hundred twenty-column rows cost twice what `JSON.parse` of the same
 * rows does. Only for a select list of plain table columns declared TEXT or INTEGER, which JSON
 * carries unchanged (an INTEGER past 2^53 loses precision either way); anything else (an
 * expression, a REAL, a BLOB) stays in raw mode.
 */
function jsonRows(
  sqlite: SQLite.Database,
  text: string,
  columns: SQLite.ColumnDefinition[],
): SQLite.Statement | undefined {
  const parts = SELECT_LIST.exec(text);
  if (parts === null) return undefined;
  const [, head, list, tail] = parts as unknown as [string, string, string, string];
  const items = list.split(',');
  const plain =
    items.length === columns.length &&
    items.every((item) => PLAIN_COLUMN.test(item)) &&
    columns.every((c) => c.column !== null && /^(text|integer)$/i.test(c.type ?? ''));
  if (!plain) return undefined;
  return sqlite.prepare(`${head}json_array(${list})${tail}`).pluck(true);
}

/**
 * One query on a pooled connection. The names (`belfry_read_N`) are apart from the prepared
 * pool's, and a connection whose statement no longer fits the schema (another instance migrated
 * it) answers this read unprepared and is then closed, as the prepared pool does.
 */
async function poolRead<Row>(
  direct: DirectPool,
  key: TemplateStringsArray | string,
  textOf: () => string,
  values: readonly unknown[],
): Promise<Row[]> {
  let read = direct.reads.get(key);
  if (read === undefined) {
    read = { name: `belfry_read_${direct.reads.size + 1}`, text: textOf() };
    direct.reads.set(key, read);
  }
  const client = await direct.pool.connect();
  let outdated = false;
  let result: pg.QueryArrayResult;
  try {
    result = await client.query({
      name: read.name,
      text: read.text,
      values: values as unknown[],
      rowMode: 'array',
    });
  } catch (error) {
    if (!isOutdatedPlan(error)) throw error;
    outdated = true;
    result = await client.query({ text: read.text, values: values as unknown[], rowMode: 'array' });
  } finally {
    client.release(outdated);
  }
  // A statement's columns are its text's: named once (an outdated plan's answer is named anew).
  const toRow = outdated
    ? rowMaker(result.fields.map((f) => f.name))
    : (read.toRow ??= rowMaker(result.fields.map((f) => f.name)));
  return result.rows.map(toRow) as Row[];
}

type RowMaker = (values: unknown[]) => Record<string, unknown>;

/**
 * What names a statement's rows, which come back as arrays: better-sqlite3 builds its row objects
 * property by property from C++, and `pg` copies an empty row with an object spread, then sets
 * each column by name; both were slow for wide rows (users has twenty columns), a page of them
 * more so. The function is made once per statement from its column names, as one object literal,
 * so every row gets the same shape at once. The names are the statement's own (the database
 * reports them) and go in as JSON string literals.
 */
function rowMaker(columns: string[]): RowMaker {
  const members = columns.map((name, i) => `${JSON.stringify(name)}: values[${i}]`);
  return new Function('values', `return { ${members.join(', ')} };`) as RowMaker;
}
