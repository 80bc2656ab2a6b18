import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Db } from './database.js';

/**
 * Point reads on every request's path (the signing key, the user asked for) cost more in Kysely's
 * machinery (compiling, the connection mutex, a chain of promises) than in SQLite itself. On
 * SQLite they run straight on the connection instead, with the statement prepared once.
 *
 * The connection is shared: while a transaction is open on it, a direct read would see that
 * transaction's uncommitted writes, so it then goes through Kysely, which waits for the
 * transaction to end. Inside a transaction (`db` is then Kysely's Transaction), and on
 * PostgreSQL, the query always goes through Kysely.
 */
export interface DirectConnection {
  sqlite: SQLite.Database;
  prepare(text: string): SQLite.Statement;
}

const connections = new WeakMap<Db, DirectConnection>();
const sqliteTexts = new WeakMap<TemplateStringsArray, string>();

export function enableDirectReads(db: Db, connection: DirectConnection): void {
  connections.set(db, connection);
}

/**
 * A tag for a read-only query: ``await selectRows<Row>(db)`select … where id = ${id}` `` gives its
 * rows, named as selected. Values are always bound as parameters, never spliced into the text.
 */
export function selectRows<Row>(db: Db) {
  return async (strings: TemplateStringsArray, ...values: unknown[]): Promise<Row[]> => {
    const direct = connections.get(db);
    if (direct === undefined || direct.sqlite.inTransaction) {
      const { rows } = await sql<Row>(strings, ...values).execute(db);
      return rows;
    }
    let text = sqliteTexts.get(strings);
    if (text === undefined) {
      text = strings.join('?');
      sqliteTexts.set(strings, text);
    }
    return direct.prepare(text).all(...values) as Row[];
  };
}
