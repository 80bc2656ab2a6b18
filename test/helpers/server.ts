import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChimeClient } from '@aws-sdk/client-chime';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { systemActor } from '../../src/domain/access/actor.js';
import type { Policy } from '../../src/domain/access/actor.js';
import { startWorker } from '../../src/jobs/queue.js';
import { ManualClock } from '../../src/lib/clock.js';
import { randomIds } from '../../src/lib/ids.js';
import { createSecretBox } from '../../src/lib/secret-box.js';
import { createMailer } from '../../src/mail/create-mailer.js';
import type { DirectorySignIn } from '../../src/domain/identities/credentials.js';
import type { DirectoryClient } from '../../src/directory/types.js';
import type { Carrier } from '../../src/domain/phone-numbers/carrier.js';
import { createServices, type Services } from '../../src/services.js';
import type { Dialect } from '../../src/store/database.js';
import { openDatabase } from '../../src/store/database.js';
import { createTestDatabase, databaseUrlOf, type TestDatabase } from './databases.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface TestServer {
  url: string;
  dialect: Dialect;
  services: Services;
  database: TestDatabase;
  clock: ManualClock;
  app: FastifyInstance;
  /** the server's data directory: a fresh temporary one unless BELFRY_DATA_DIR was given */
  dataDir: string;
  /** what the mailer logged (without SMTP_URL: each email's recipient, subject and link) */
  mailLog: Array<{ obj: Record<string, unknown>; msg: string }>;
  /** the operator's FullAccess key */
  operator: Credentials;
  /** a Chime SDK client signing with the given key (the operator's by default); no retries */
  client(credentials?: Credentials, options?: { region?: string; systemClockOffset?: number }): ChimeClient;
  /** mints a key with a policy, optionally scoped to one account */
  createKey(policy: Policy, accountId?: string): Promise<Credentials>;
  /** runs every due job now */
  runJobs(): Promise<number>;
  close(): Promise<void>;
}

const SECRETS = createSecretBox(Buffer.alloc(32, 7));

/**
 * A Belfry server on 127.0.0.1 with a fresh database of the dialect (or, `sharing` another test
 * server, a second instance on that server's database, with its operator key; closing it leaves
 * the database to the first; `directorySignIn`, a fake AD sign-in; `directoryClient`, an in-memory
 * directory in place of LDAP, such as FakeDirectory; `carrier`, one in place of the simulated carrier). Its clock is manual and
 * starts at the real time (SigV4 compares it with the clients' clocks); tests move it forward.
 * `env` is read as the server's environment (SMTP_URL, BELFRY_PUBLIC_URL…); without
 * BELFRY_DATA_DIR the data directory is a temporary one, so mail written without SMTP stays
 * out of the work tree and goes away with the server.
 */
export async function startTestServer(
  dialect: Dialect,
  env: Record<string, string> = {},
  options: {
    sharing?: TestServer;
    directorySignIn?: DirectorySignIn;
    directoryClient?: DirectoryClient;
    carrier?: Carrier;
  } = {},
): Promise<TestServer> {
  const database = options.sharing
    ? await reopen(options.sharing.database)
    : await createTestDatabase(dialect);
  const tempDir = env.BELFRY_DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'belfry-data-'));
  const config: Config = loadConfig({
    LOG_LEVEL: 'silent',
    BELFRY_JOBS: 'false',
    ...(tempDir && { BELFRY_DATA_DIR: tempDir }),
    ...env,
  });
  const clock = new ManualClock(new Date());
  const mailLog: TestServer['mailLog'] = [];
  const services = await createServices({
    db: database.db,
    dialect,
    clock,
    ids: randomIds,
    secrets: SECRETS,
    config,
    mailer: createMailer(config, { info: (obj, msg) => void mailLog.push({ obj: { ...obj }, msg }) }),
    changeMarker: database.changeMarker,
    directorySignIn: options.directorySignIn,
    directoryClient: options.directoryClient,
    carrier: options.carrier,
  });
  const operatorKey = options.sharing
    ? options.sharing.operator
    : await services.accessKeys.createAccessKey(systemActor('test-setup'), {
        name: 'operator',
        policy: 'FullAccess',
      });
  const app = await buildApp(services, config);
  // PORT only when the test must know the address before the app is built (the OIDC issuer).
  await app.listen({ host: '127.0.0.1', port: env.PORT ? Number(env.PORT) : 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  const url = `http://127.0.0.1:${address.port}`;
  const worker = startWorker({
    db: database.db,
    dialect,
    clock,
    handlers: services.jobHandlers,
    workerId: 'test',
    pollMs: 3_600_000,
    log: app.log,
  });
  const clients: ChimeClient[] = [];
  const operator = { accessKeyId: operatorKey.accessKeyId, secretAccessKey: operatorKey.secretAccessKey };
  return {
    url,
    dialect,
    services,
    database,
    clock,
    app,
    dataDir: config.dataDir,
    mailLog,
    operator,
    client(credentials = operator, options = {}) {
      const client = new ChimeClient({
        region: options.region ?? 'us-east-1',
        endpoint: url,
        credentials,
        maxAttempts: 1,
        ...(options.systemClockOffset !== undefined && { systemClockOffset: options.systemClockOffset }),
      });
      clients.push(client);
      return client;
    },
    async createKey(policy, accountId) {
      const key = await services.accessKeys.createAccessKey(systemActor('test-setup'), {
        name: `test-${policy}`,
        policy,
        accountId,
      });
      return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    },
    runJobs: () => worker.drain(),
    async close() {
      for (const c of clients) c.destroy();
      await worker.stop();
      await app.close();
      await database.drop();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** A second connection (pool) to a test database; closing it leaves the database in place. */
async function reopen(database: TestDatabase): Promise<TestDatabase> {
  const url = await databaseUrlOf(database);
  const target =
    database.dialect === 'sqlite'
      ? { dialect: 'sqlite' as const, file: url.slice('sqlite:'.length) }
      : { dialect: 'postgres' as const, url };
  const open = openDatabase(target);
  return { ...open, target, drop: () => open.close() };
}
