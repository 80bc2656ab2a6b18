import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  GetAccountCommand,
  InviteUsersCommand,
  ListAccountsCommand,
  ListUsersCommand,
} from '@aws-sdk/client-chime';
import { sql } from 'kysely';
import pg from 'pg';
import * as oidc from 'openid-client';
import { openDatabase } from '../../src/store/database.js';
import { migrations } from '../../src/store/migrations/index.js';
import { belfry, chime, readProfile, startServer, type ServerProcess } from '../cli/processes.js';
import { newAccountId, uniqueSuffix } from '../helpers/accounts.js';
import { createTestDatabase, databaseUrlOf, skipReason, type TestDatabase } from '../helpers/databases.js';
import { Browser } from '../helpers/browser.js';
import { appOf, freePort, insertConfirmedIdentity, signedIn, startCallback } from '../oidc/flow.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Belfry through Debian's PgBouncer (1.18) in transaction mode, which keeps no prepared statement
 * from one transaction to the next: with DATABASE_POOLER=transaction it migrates, serves and runs
 * the CLI through it; without, its named statements break. Missing pgbouncer fails under CI.
 */
const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find(
  (path) => spawnSync(path, ['--version']).status === 0,
);

async function pgbouncerSkip(): Promise<string | undefined> {
  const postgres = await skipReason('postgres');
  if (postgres) return postgres;
  if (PGBOUNCER) return undefined;
  const reason = 'pgbouncer is not installed (apt-get install pgbouncer)';
  if (process.env.CI) throw new Error(`${reason}; CI requires it`);
  return reason;
}

const skip = await pgbouncerSkip();
if (skip) console.log(`# skipping the PgBouncer test: ${skip}`);

const operatorKey = {
  accessKeyId: `AKIAPGB${randomBytes(6).toString('hex').toUpperCase()}`,
  secretAccessKey: randomBytes(24).toString('base64url'),
};

describe('Belfry through PgBouncer in transaction mode', { skip: skip ?? false, timeout: 180_000 }, () => {
  let database: TestDatabase;
  let bouncer: Bouncer;
  let direct: string;
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  let env: Record<string, string>;

  before(async () => {
    // Only the first migration: the rest are applied by the first server, through the pooler.
    database = await createTestDatabase('postgres', Object.keys(migrations)[0]);
    direct = await databaseUrlOf(database);
    bouncer = await startPgBouncer(new URL(direct).pathname.slice(1));
    env = {
      DATABASE_URL: bouncer.url,
      DATABASE_POOLER: 'transaction',
      BELFRY_MASTER_KEY: randomBytes(32).toString('hex'),
      BELFRY_BOOTSTRAP_ACCESS_KEY_ID: operatorKey.accessKeyId,
      BELFRY_BOOTSTRAP_SECRET_ACCESS_KEY: operatorKey.secretAccessKey,
      BELFRY_JOBS_POLL_MS: '50',
    };
  });

  after(async () => {
    for (const server of servers) await server.stop();
    await bouncer?.stop();
    await database?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'belfry-pgbouncer-'));
    dirs.push(dir);
    return dir;
  };

  it("breaks Belfry's named statements without the setting", async () => {
    const unprepared = openDatabase({ dialect: 'postgres', url: bouncer.url });
    try {
      // Ten pooled client connections over the pooler's two server connections: a statement
      // prepared on one server connection is unknown (or already known) on the other.
      const reads = Array.from({ length: 200 }, (_, n) =>
        sql`select ${n}::int as n`.execute(unprepared.db).then(
          () => undefined,
          (error: Error) => error.message,
        ),
      );
      const failures = (await Promise.all(reads)).filter((m) => m !== undefined);
      assert.ok(failures.length > 0, 'some named statements fail through the pooler');
      assert.match(failures[0]!, /prepared statement "belfry_\d+" (does not exist|already exists)/);
    } finally {
      await unprepared.close();
    }
  });

  it('migrates, serves two instances and runs the CLI through it with DATABASE_POOLER=transaction', async () => {
    // One instance listens for key changes on the server itself, the other not at all.
    const port = await freePort();
    servers.push(
      await startServer({
        ...env,
        BELFRY_DATA_DIR: dataDir(),
        DATABASE_LISTEN_URL: direct,
        PORT: String(port),
        // The OpenID issuer, for the sign-in below.
        BELFRY_PUBLIC_URL: `http://127.0.0.1:${port}`,
      }),
    );
    servers.push(await startServer({ ...env, BELFRY_DATA_DIR: dataDir() }));
    const [listening, reading] = servers.map((s) => chime(s.url, operatorKey));

    const accountId = await newAccountId(listening!);
    const emails = Array.from({ length: 5 }, (_, n) => `pooled-${n}-${uniqueSuffix()}@example.com`);
    const { Invites } = await reading!.send(
      new InviteUsersCommand({ AccountId: accountId, UserEmailList: emails }),
    );
    assert.equal(Invites?.length, 5);
    for (const client of [listening!, reading!]) {
      const { Account } = await client.send(new GetAccountCommand({ AccountId: accountId }));
      assert.equal(Account?.AccountId, accountId);
      const { Users } = await client.send(new ListUsersCommand({ AccountId: accountId }));
      assert.deepEqual(Users?.map((u) => u.PrimaryEmail).sort(), emails.map((e) => e.toLowerCase()).sort());
    }
    // The invitation emails are jobs, run by the two workers through the pooler.
    const sent = async () =>
      (await database.db.selectFrom('invites').select('email_status').execute()).every(
        (i) => i.email_status === 'Sent',
      );
    assert.ok(await waitFor(sent, 30_000), 'every invitation email is sent');

    // The CLI makes a key through the pooler; both instances take it, and both refuse it as soon
    // as it is deleted: one told by its listener, the other reading the key on every request.
    const site = { ...env, BELFRY_DATA_DIR: dataDir() };
    const file = join(site.BELFRY_DATA_DIR, 'credentials');
    const created = await belfry(
      site,
      ['access-keys', 'create', '--name', 'pooled', '--credentials-file', file, '--profile', 'p'],
      site.BELFRY_DATA_DIR,
    );
    assert.equal(created.code, 0, created.stderr);
    const key = readProfile(file, 'p');
    const clients = servers.map((s) => chime(s.url, key));
    for (const client of clients) await client.send(new ListAccountsCommand({}));
    const deleted = await belfry(site, ['access-keys', 'delete', key.accessKeyId], site.BELFRY_DATA_DIR);
    assert.equal(deleted.code, 0, deleted.stderr);
    // The listener's notification takes a moment to arrive; the other instance needs none.
    await waitFor(async () => refused(clients[0]!), 2_000);
    for (const client of clients) assert.ok(await refused(client), 'the deleted key is refused');
  });

  it('signs a person in to an app and refreshes their tokens through it', async () => {
    const server = servers[0]!;
    const callback = await startCallback();
    try {
      const site = { ...env, BELFRY_DATA_DIR: dataDir() };
      const created = await belfry(
        site,
        ['clients', 'create', '--name', 'Pooled', '--redirect-uri', callback.url, '--json'],
        site.BELFRY_DATA_DIR,
      );
      assert.equal(created.code, 0, created.stderr);
      const client = JSON.parse(created.stdout) as { clientId: string; clientSecret: string };
      const email = `pooled-${uniqueSuffix()}@example.com`;
      const identityId = randomUUID();
      await insertConfirmedIdentity(database.db, identityId, email, new Date().toISOString());
      const app = await appOf(server.url, client, callback.url);
      const tokens = await signedIn(app, new Browser(server.url), email);
      assert.equal(tokens.claims()?.sub, identityId);
      const refreshed = await oidc.refreshTokenGrant(app.config, tokens.refresh_token!);
      assert.equal(refreshed.claims()?.sub, identityId);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'the refresh token rotates');
    } finally {
      await callback.close();
    }
  });
});

async function refused(client: ReturnType<typeof chime>): Promise<boolean> {
  try {
    await client.send(new ListAccountsCommand({}));
    return false;
  } catch (error) {
    assert.equal((error as Error).name, 'UnrecognizedClientException');
    return true;
  }
}

interface Bouncer {
  url: string;
  stop(): Promise<void>;
}

/**
 * PgBouncer on a free loopback port, in transaction mode with two server connections, in front
 * of the local PostgreSQL's `dbname`; its configuration in a temporary directory. It refuses to
 * run as root, so as root it runs as the postgres user.
 */
async function startPgBouncer(dbname: string): Promise<Bouncer> {
  const server = new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'belfry-pgbouncer-conf-'));
  chmodSync(dir, 0o755);
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(
    ini,
    [
      '[databases]',
      `${dbname} = host=${server.hostname} port=${server.port || 5432} dbname=${dbname} user=${server.username || 'postgres'}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = any',
      'pool_mode = transaction',
      'default_pool_size = 2',
      'max_client_conn = 200',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asRoot = userInfo().uid === 0 ? ['-u', 'postgres'] : [];
  const child: ChildProcess = spawn(PGBOUNCER!, [...asRoot, ini], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const url = `postgres://postgres@127.0.0.1:${port}/${dbname}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const ready = async () => {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  if (!(await waitFor(ready, 10_000))) {
    await stop();
    throw new Error(`pgbouncer did not accept connections within 10 s:\n${log}`);
  }
  return { url, stop };
}
