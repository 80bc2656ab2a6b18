import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { loadMasterKey } from '../bootstrap.js';
import { loadConfig, loadDotEnv, type Config } from '../config.js';
import type { Actor } from '../domain/access/actor.js';
import { systemClock } from '../lib/clock.js';
import { randomIds } from '../lib/ids.js';
import { createSecretBox, type SecretBox } from '../lib/secret-box.js';
import { createMailer } from '../mail/create-mailer.js';
import { createServices, type Services } from '../services.js';
import { openDatabase, type Db, type OpenDatabase } from '../store/database.js';
import { migrations } from '../store/migrations/index.js';
import { CliError } from './usage.js';

/**
 * Opens the database the server's configuration names. Apart from `migrate`, commands never create
 * a SQLite file: a missing one means BELFRY_DATA_DIR or DATABASE_URL points somewhere else.
 */
export async function withDatabase<T>(
  options: { create: boolean },
  use: (database: OpenDatabase, config: Config) => Promise<T>,
): Promise<T> {
  // The same settings as the server: its environment, completed by ./.env as `npm start` does.
  loadDotEnv();
  const config = loadConfig();
  if (config.database.dialect === 'sqlite' && !options.create && !existsSync(config.database.file))
    throw new CliError(
      `no database at ${config.database.file}: check BELFRY_DATA_DIR or DATABASE_URL, or run "belfry migrate" to create it`,
    );
  const database = openDatabase(config.database);
  try {
    return await use(database, config);
  } finally {
    await database.close();
  }
}

/** The names of the migrations not yet applied to the database. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/**
 * Runs a command against the domain services, as the operator. The database must be migrated
 * already: the CLI does not upgrade a schema under a running server unless asked to. The master
 * key is only loaded (and created on a fresh installation) by commands that seal secrets.
 */
export async function withServices<T>(
  options: { masterKey: boolean },
  use: (services: Services, actor: Actor, config: Config) => Promise<T>,
): Promise<T> {
  return withDatabase({ create: false }, async (database, config) => {
    const pending = await pendingMigrations(database.db);
    if (pending.length > 0)
      throw new CliError(
        `the database has ${pending.length} pending migration(s): run "belfry migrate" first`,
      );
    const secrets = options.masterKey ? await openMasterKey(config, database.db) : noMasterKey;
    const services = await createServices({
      db: database.db,
      dialect: database.dialect,
      clock: systemClock,
      ids: randomIds,
      secrets,
      config,
      // The CLI runs no jobs, so it sends nothing itself; stderr keeps any note off JSON output.
      mailer: createMailer(config, { info: (obj, msg) => console.error(msg, obj) }),
    });
    if (options.masterKey) await checkMasterKey(services);
    return use(services, operatorActor(), config);
  });
}

/** The operator at the host's shell; audited as `cli/<os user>` like any other actor. */
export function operatorActor(): Actor {
  return {
    principalId: undefined,
    label: `cli/${osUser()}`,
    policy: 'FullAccess',
    accountScope: undefined,
    requestId: randomUUID(),
    sourceIp: undefined,
  };
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (containers running as an arbitrary uid).
    return process.env.USER || `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

/**
 * Refuses to make a new master key for a database whose keys were sealed with another one: that
 * happens when the CLI runs with a different data directory than the server, and every key it
 * created would then fail to verify.
 */
async function openMasterKey(config: Config, db: Db): Promise<SecretBox> {
  const file = join(config.dataDir, 'master.key');
  if (!config.masterKey && !existsSync(file)) {
    const existing = await db.selectFrom('access_keys').select('access_key_id').limit(1).executeTakeFirst();
    if (existing)
      throw new CliError(
        `no master key at ${file} and BELFRY_MASTER_KEY is not set, but the database already has access keys: ` +
          `run with the server's BELFRY_DATA_DIR or BELFRY_MASTER_KEY`,
      );
  }
  return createSecretBox(loadMasterKey(config));
}

/** Opens one existing key's secret, so a master key that differs from the server's is caught now. */
async function checkMasterKey(services: Services): Promise<void> {
  const [first] = await services.accessKeys.listAccessKeys();
  if (!first) return;
  try {
    await services.accessKeys.resolveKey(first.accessKeyId);
  } catch (error) {
    throw new CliError(
      `the master key does not match the one this database's keys are sealed with (${(error as Error).message}): ` +
        `run with the server's BELFRY_DATA_DIR or BELFRY_MASTER_KEY`,
    );
  }
}

const noMasterKey: SecretBox = {
  keyFingerprint: 'none',
  seal() {
    throw new Error('this command has no master key loaded');
  },
  open() {
    throw new Error('this command has no master key loaded');
  },
  derive() {
    throw new Error('this command has no master key loaded');
  },
};
