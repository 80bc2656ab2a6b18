import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type MigrationResultSet,
  type SqliteDatabase,
} from 'kysely';
import pg from 'pg';
import { enableDirectReads, enablePostgresDirectReads } from './direct-reads.js';
import { migrations } from './migrations/index.js';
import { listenForKeyChanges } from './key-notifications.js';
import { preparingPool } from './prepared-pool.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Dialect = 'sqlite' | 'postgres';
export type DatabaseTarget =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'postgres'; url: string; transactionPooler?: TransactionPooler | undefined };

/**
 * `url` leads to a pooler in transaction mode (PgBouncer's pool_mode = transaction before 1.21,
 * or without max_prepared_statements), which hands each transaction to whichever server
 * connection is free. A named statement prepared on one would be missing on the next, so every
 * query goes unnamed (parsed and planned each time: that is the price). A LISTEN would hear
 * nothing once its transaction ended, so the key-change listener connects to `listenUrl`, the
 * server itself; without one nothing listens, and every signed request reads its key.
 */
export interface TransactionPooler {
  listenUrl: string | undefined;
}

export interface OpenDatabase {
  db: Db;
  dialect: Dialect;
  /**
   * A value that changes whenever an access key, an admin principal, an app client or a signing
   * key is written, by this process or by another (the CLI, a second server), so a cache of
   * them checked against it is never stale. On SQLite it moves on every write at all
   * (data_version); on PostgreSQL on every notification of migrations 0022's and 0023's
   * triggers, and it is undefined while
   * no connection is listening for them (nothing is known then, so nothing may be kept).
   */
  changeMarker: () => string | undefined;
  close(): Promise<void>;
}

/** Opens the configured database. SQLite runs in WAL mode with foreign keys on. */
export function openDatabase(
  target: DatabaseTarget,
  options: { onConnectionLost?: (error: Error) => void } = {},
): OpenDatabase {
  if (target.dialect === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: 10 });
    // An idle connection the server drops (restart, failover, DROP DATABASE … WITH (FORCE)) is
    // discarded by the pool, which then emits 'error'; unheard, that would crash the process.
    pool.on('error', (error) => options.onConnectionLost?.(error));
    const pooled = target.transactionPooler;
    // Direct reads name their statements too: through the pooler they go through Kysely, unnamed.
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: pooled ? pool : preparingPool(pool) }),
    });
    if (!pooled) enablePostgresDirectReads(db, pool);
    const listenUrl = pooled ? pooled.listenUrl : target.url;
    const keyChanges = listenUrl === undefined ? undefined : listenForKeyChanges(listenUrl);
    return {
      db,
      dialect: 'postgres',
      changeMarker: keyChanges?.marker ?? (() => undefined),
      close: async () => {
        await keyChanges?.close();
        await db.destroy();
      },
    };
  }
  // A new data directory is the server's alone: the database holds sealed secrets and token hashes.
  if (target.file !== ':memory:') mkdirSync(dirname(target.file), { recursive: true, mode: 0o700 });
  const created = target.file !== ':memory:' && !existsSync(target.file);
  const sqlite = new SQLite(target.file);
  // The file holds sealed secrets and token hashes: the owner's alone, like master.key. Set
  // before WAL is on, since SQLite gives the -wal and -shm files the database file's mode.
  if (created) chmodSync(target.file, 0o600);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite's own lower() folds ASCII only, so a case-insensitive name filter missed "Ärzte";
  // JavaScript's folds Unicode, as PostgreSQL's lower() does. (No index is built on lower():
  // one built before this override would disagree with it.)
  sqlite.function('lower', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
  const statements = reusingStatements(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });
  enableDirectReads(db, sqlite);
  // data_version moves when another connection commits; total_changes() counts this
  // connection's own writes (rolled-back ones too, which only makes a cache re-read).
  const dataVersion = sqlite.prepare('pragma data_version').pluck();
  const ownChanges = sqlite.prepare('select total_changes()').pluck();
  const changeMarker = () => `${dataVersion.get() as number}:${ownChanges.get() as number}`;
  return { db, dialect: 'sqlite', changeMarker, close: () => db.destroy() };
}

/**
 * Kysely's SQLite driver prepares every query anew, and preparing (parsing and planning the SQL)
 * costs more than running a primary-key lookup, which is most of what a request does. Kysely
 * gives the same text for the same query shape, so prepared statements are kept by text, the
 * most recently used `limit`. A statement still being iterated is never handed out twice.
 */
function reusingStatements(
  sqlite: SQLite.Database,
  limit = 256,
): SqliteDatabase & { prepare(sql: string): SQLite.Statement } {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement === undefined || statement.busy) statement = sqlite.prepare(sql);
      statements.delete(sql);
      statements.set(sql, statement);
      if (statements.size > limit) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}

/** Whether a write failed on a unique index (the database's word on a race the code lost). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint/.test(e?.message ?? '')
  );
}

/** Whether a write named a row that does not exist (or no longer does) in another table. */
export function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { code?: string } | undefined;
  return e?.code === '23503' || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
