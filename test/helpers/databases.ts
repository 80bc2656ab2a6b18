import { randomBytes } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import {
  migrateToLatest,
  openDatabase,
  type DatabaseTarget,
  type OpenDatabase,
  type Dialect,
} from '../../src/store/database.js';
import { migrations } from '../../src/store/migrations/index.js';

/**
 * The dialects a suite runs on: TEST_DIALECTS (default `sqlite,postgres`). PostgreSQL comes from
 * TEST_POSTGRES_URL (default the local trust-auth server). When it is unreachable the suite fails
 * under CI and is skipped, with the reason, elsewhere.
 */
export const dialects: Dialect[] = (process.env.TEST_DIALECTS ?? 'sqlite,postgres')
  .split(',')
  .map((d) => d.trim())
  .filter((d): d is Dialect => d === 'sqlite' || d === 'postgres');

const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A missing server refuses the connection at once; a slow one only looks slow. Suites start
 * running while a test file still awaits this probe, and a busy two-core machine (a server
 * generating its RSA key, a CLI child starting) can hold this process's event loop for seconds,
 * so the probe waits long and tries twice before it calls PostgreSQL unreachable.
 */
const PROBE_TIMEOUT_MS = 20_000;
const PROBE_ATTEMPTS = 2;

async function probePostgres(): Promise<string | undefined> {
  let reason: string | undefined;
  for (let attempt = 1; attempt <= PROBE_ATTEMPTS; attempt++) {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (error) {
      reason = `PostgreSQL at ${adminUrl.replace(/\/\/[^@]*@/, '//')} is unreachable (${(error as Error).message})`;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return reason;
}

// Started as this module loads, before any suite of the importing file is declared.
let postgresProbe = dialects.includes('postgres') ? probePostgres() : undefined;

/** Why PostgreSQL cannot be used here, or undefined when it can. */
export function postgresUnavailable(): Promise<string | undefined> {
  postgresProbe ??= probePostgres();
  return postgresProbe;
}

/** Skip reason for a dialect, or undefined to run. In CI a missing PostgreSQL is a failure. */
export async function skipReason(dialect: Dialect): Promise<string | undefined> {
  if (dialect !== 'postgres') return undefined;
  const reason = await postgresUnavailable();
  if (reason && process.env.CI) throw new Error(`${reason}; CI requires PostgreSQL`);
  return reason;
}

export interface TestDatabase extends OpenDatabase {
  /** where it is, for a second connection (another server, the CLI) */
  target: DatabaseTarget;
  /** closes and removes the database */
  drop(): Promise<void>;
}

/**
 * A fresh database of the dialect, migrated to the latest migration (or up to `upTo`, for a
 * migration's own test); dropped again by `drop()`.
 */
export async function createTestDatabase(dialect: Dialect, upTo?: string): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'belfry-test-'));
    const target = { dialect: 'sqlite', file: join(dir, 'belfry.db') } as const;
    const open = openDatabase(target);
    await migrate(open.db, upTo);
    return {
      ...open,
      target,
      drop: async () => (await open.close(), rmSync(dir, { recursive: true, force: true })),
    };
  }
  const empty = await createEmptyPostgresDatabase();
  const target = { dialect: 'postgres', url: empty.url } as const;
  const open = openDatabase(target);
  await migrate(open.db, upTo);
  return {
    ...open,
    target,
    drop: async () => {
      await open.close();
      await empty.drop();
    },
  };
}

/** A new PostgreSQL database with nothing in it (not migrated), and how to drop it. */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `belfry_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function migrate(db: OpenDatabase['db'], upTo: string | undefined): Promise<void> {
  if (upTo === undefined) {
    await migrateToLatest(db);
    return;
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateTo(upTo);
  if (error) throw error;
}

/**
 * The DATABASE_URL of an open test database, read back from the database itself, so a CLI
 * process started by a test works on the very data the test's server sees.
 */
export async function databaseUrlOf(database: OpenDatabase): Promise<string> {
  const { db } = database;
  if (database.dialect === 'sqlite') {
    const { rows } = await sql<{ name: string; file: string }>`pragma database_list`.execute(db);
    return `sqlite:${rows.find((r) => r.name === 'main')!.file}`;
  }
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
  const url = new URL(adminUrl);
  url.pathname = `/${rows[0]!.name}`;
  return url.toString();
}
