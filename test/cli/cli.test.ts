import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateAccountCommand,
  DeleteAccountCommand,
  ForbiddenException,
  GetAccountCommand,
  ListAccountsCommand,
} from '@aws-sdk/client-chime';
import { Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { migrations } from '../../src/store/migrations/index.js';
import { createTestDatabase, dialects, skipReason, type TestDatabase } from '../helpers/databases.js';
import { belfry, chime, failedStart, readProfile, startServer, type ServerProcess } from './processes.js';
import type { Dialect } from '../../src/store/database.js';

/**
 * A data directory and an empty database of the dialect, named the way an operator names them
 * (DATABASE_URL). PostgreSQL databases come from the test helper, rolled back to no migrations so
 * `belfry migrate` has work to do.
 */
async function installation(dialect: Dialect, options: { migrated: boolean }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'belfry-cli-'));
  let database: TestDatabase | undefined;
  let url = `sqlite:${join(dataDir, 'belfry.db')}`;
  if (dialect === 'postgres') {
    database = await createTestDatabase('postgres');
    if (!options.migrated) {
      const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo(NO_MIGRATIONS);
      if (error) throw error;
    }
    url = await postgresUrl(database);
  }
  return {
    dataDir,
    env: { BELFRY_DATA_DIR: dataDir, DATABASE_URL: url },
    async remove() {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The URL of a test database, read back from the database itself. */
async function postgresUrl(database: TestDatabase): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(database.db);
  const url = new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${rows[0]!.name}`;
  return url.toString();
}

const noStack = (stderr: string) =>
  assert.doesNotMatch(stderr, /^\s+at /m, `a stack trace was printed:\n${stderr}`);

for (const dialect of dialects) {
  const skip = (await skipReason(dialect)) ?? false;
  if (skip) console.log(`# skipping the CLI suite on ${dialect}: ${skip}`);

  describe(`belfry CLI [${dialect}]`, { skip }, () => {
    let site: Awaited<ReturnType<typeof installation>>;
    let server: ServerProcess | undefined;
    // Runs from an unrelated directory: the launcher must not depend on the working directory.
    const elsewhere = mkdtempSync(join(tmpdir(), 'belfry-cwd-'));
    /** `run('access-keys create --name ops', file)`: the words, then any values that may hold spaces. */
    const run = (words: string, ...values: string[]) =>
      belfry(site.env, [...words.split(' '), ...values], elsewhere);
    let operator: { accessKeyId: string; secretAccessKey: string };
    let accountId: string;

    before(async () => {
      site = await installation(dialect, { migrated: false });
    });
    after(async () => {
      await server?.stop();
      await site?.remove();
      rmSync(elsewhere, { recursive: true, force: true });
    });

    it('refuses to work on an unmigrated database, then migrates it once', async () => {
      const early = await run('access-keys list');
      assert.equal(early.code, 1);
      assert.match(early.stderr, /belfry migrate/);
      noStack(early.stderr);

      const first = await run('migrate');
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^applied 0001-initial$/m);
      const again = await run('migrate');
      assert.equal(again.code, 0, again.stderr);
      assert.doesNotMatch(again.stdout, /applied 0001/);
      assert.match(again.stdout, /no migrations to apply/);
    });

    it('creates a key into a credentials profile the AWS SDK can use against the server', async () => {
      const file = join(site.dataDir, 'aws', 'credentials');
      mkdirSync(join(site.dataDir, 'aws'));
      const others = '# mine\n[default]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other\n';
      writeFileSync(file, others, { mode: 0o644 });
      const created = await run('access-keys create --name ops --credentials-file', file, '--profile', 'ci');
      assert.equal(created.code, 0, created.stderr);
      const key = readProfile(file, 'ci');
      assert.match(created.stdout, new RegExp(key.accessKeyId));
      assert.ok(created.stdout.includes(key.secretAccessKey), 'the secret is printed once');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(readProfile(file, 'default'), { accessKeyId: 'AKIAOTHER', secretAccessKey: 'other' });
      assert.match(readFileSync(file, 'utf8'), /^# mine$/m);
      operator = key;

      server = await startServer(site.env);
      assert.doesNotMatch(
        server.stdout,
        /operator administrator/,
        'an installation with a key is not bootstrapped',
      );
      const client = chime(server.url, key);
      const account = await client.send(new CreateAccountCommand({ Name: 'Cli Co' }));
      accountId = account.Account!.AccountId!;
      const list = await client.send(new ListAccountsCommand({}));
      assert.deepEqual(
        list.Accounts?.map((a) => a.Name),
        ['Cli Co'],
      );
    });

    it('replaces only the named profile when it is written again', async () => {
      const file = join(site.dataDir, 'aws', 'credentials');
      const created = await run('access-keys create --name ops2 --credentials-file', file, '--profile', 'ci');
      assert.equal(created.code, 0, created.stderr);
      const text = readFileSync(file, 'utf8');
      assert.equal(text.match(/^\[ci\]$/gm)?.length, 1);
      assert.notEqual(readProfile(file, 'ci').accessKeyId, operator.accessKeyId);
      assert.equal(readProfile(file, 'default').accessKeyId, 'AKIAOTHER');
      const removed = await run('access-keys delete', readProfile(file, 'ci').accessKeyId);
      assert.equal(removed.code, 0, removed.stderr);
    });

    it('lists keys with their policy, scope and last use, never their secrets', async () => {
      const table = await run('access-keys list');
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /ACCESS KEY ID\s+NAME\s+POLICY\s+ACCOUNT\s+CREATED\s+LAST USED/);
      const row = table.stdout.split('\n').find((l) => l.startsWith(operator.accessKeyId));
      assert.ok(row, table.stdout);
      assert.match(row, /\bops\s+FullAccess\s+all accounts\s+\d{4}-\d\d-\d\dT\S+\s+\d{4}-\d\d-\d\dT/);
      assert.ok(!table.stdout.includes(operator.secretAccessKey));

      const json = await run('access-keys list --json');
      assert.equal(json.code, 0, json.stderr);
      assert.ok(!json.stdout.includes(operator.secretAccessKey));
      const keys = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
      assert.deepEqual(
        keys.map((k) => [k.accessKeyId, k.name, k.policy, k.accountId]),
        [[operator.accessKeyId, 'ops', 'FullAccess', null]],
      );
      assert.ok(keys[0]!.lastUsedAt, 'the SDK calls above count as use');
    });

    it('scopes a UserManagement key to one account, and deleting it stops it at once', async () => {
      const created = await run(
        'access-keys create --name helpdesk --policy UserManagement --account-id',
        accountId,
        '--json',
      );
      assert.equal(created.code, 0, created.stderr);
      const key = JSON.parse(created.stdout) as Record<string, string>;
      assert.equal(key.policy, 'UserManagement');
      assert.equal(key.accountId, accountId);
      const helpdesk = chime(server!.url, {
        accessKeyId: key.accessKeyId!,
        secretAccessKey: key.secretAccessKey!,
      });
      const got = await helpdesk.send(new GetAccountCommand({ AccountId: accountId }));
      assert.equal(got.Account?.Name, 'Cli Co');
      await assert.rejects(helpdesk.send(new CreateAccountCommand({ Name: 'Nope' })), ForbiddenException);

      const listed = await run('access-keys list');
      assert.match(
        listed.stdout,
        new RegExp(`${key.accessKeyId}\\s+helpdesk\\s+UserManagement\\s+account ${accountId}`),
      );

      const deleted = await run('access-keys delete', key.accessKeyId!);
      assert.equal(deleted.code, 0, deleted.stderr);
      await assert.rejects(helpdesk.send(new GetAccountCommand({ AccountId: accountId })));
      const twice = await run('access-keys delete', key.accessKeyId!);
      assert.equal(twice.code, 1);
      assert.match(twice.stderr, /not found/);
      noStack(twice.stderr);
    });

    it('lists a deleted account with its purge date and restores it, audited as the CLI user', async () => {
      const client = chime(server!.url, operator);
      await client.send(new DeleteAccountCommand({ AccountId: accountId }));
      const disabled = await run('accounts disabled --json');
      assert.equal(disabled.code, 0, disabled.stderr);
      const [entry, ...more] = JSON.parse(disabled.stdout) as Array<Record<string, string>>;
      assert.equal(more.length, 0);
      assert.equal(entry?.accountId, accountId);
      const days = (Date.parse(entry!.purgeAfter!) - Date.parse(entry!.deletedAt!)) / 86_400_000;
      assert.equal(days, 90);
      const table = await run('accounts disabled');
      assert.match(
        table.stdout,
        new RegExp(`${accountId}\\s+Cli Co\\s+Team\\s+\\S+\\s+${entry!.purgeAfter}`),
      );

      const restored = await run('accounts restore', accountId);
      assert.equal(restored.code, 0, restored.stderr);
      assert.match(restored.stdout, /Restored account/);
      const listed = await client.send(new ListAccountsCommand({}));
      assert.deepEqual(
        listed.Accounts?.map((a) => a.AccountId),
        [accountId],
      );
      assert.match((await run('accounts disabled')).stdout, /No deleted accounts/);
      const again = await run('accounts restore', accountId);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /is not deleted/);
      noStack(again.stderr);
    });

    it("shows the account's audit trail, filtered", async () => {
      const all = await run('audit', accountId);
      assert.equal(all.code, 0, all.stderr);
      const lines = all.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, /TIME\s+OPERATION\s+OUTCOME\s+BY/);
      // Newest first: the refused second restore, the restore, the deletion, the account-scoped
      // key's deletion, its refused CreateAccount (a scoped key's refusals are filed in its own account) and
      // its creation (keys are audited in the account they are limited to), the creation.
      assert.deepEqual(
        lines.slice(1).map((l) => l.split(/\s+/).slice(1, 3).join(' ')),
        [
          'RestoreAccount Failure',
          'RestoreAccount Success',
          'DeleteAccount Success',
          'DeleteAccessKey Success',
          'CreateAccount Failure',
          'CreateAccessKey Success',
          'CreateAccount Success',
        ],
      );
      const cli = `cli/${userInfo().username}`;
      assert.match(lines[1]!, new RegExp(`Failure \\(Conflict\\)\\s+${cli}`));
      assert.match(all.stdout, new RegExp(`DeleteAccount\\s+Success\\s+key/${operator.accessKeyId}`));

      const restores = await run('audit', accountId, '--operation', 'RestoreAccount', '--json');
      const events = JSON.parse(restores.stdout) as Array<Record<string, string>>;
      assert.deepEqual(
        events.map((e) => [e.operation, e.outcome, e.principal, e.principalId]),
        [
          ['RestoreAccount', 'Failure', cli, undefined],
          ['RestoreAccount', 'Success', cli, undefined],
        ],
      );

      // An export: every event, one JSON object a line, whatever the page size.
      const exported = await run('audit', accountId, '--all');
      assert.equal(exported.code, 0, exported.stderr);
      const rows = exported.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { operation: string });
      assert.equal(rows.length, 7);
      assert.equal(rows[6]!.operation, 'CreateAccount');
      const early = await run('audit', accountId, '--until', '2000-01-01', '--all');
      assert.equal(early.stdout, '');

      const [one, future, nobody, unknown] = await Promise.all([
        run('audit', accountId, '--limit', '1', '--json'),
        run('audit', accountId, '--since', '2999-01-01T00:00:00Z'),
        run('audit', accountId, '--user-id', 'nobody'),
        run('audit no-such-account'),
      ]);
      assert.deepEqual(
        (JSON.parse(one.stdout) as Array<Record<string, string>>).map((e) => [e.operation, e.outcome]),
        [['RestoreAccount', 'Failure']],
      );
      assert.match(one.stderr, /--all exports every one/);
      assert.equal(future.stdout, 'No audit events match.\n');
      assert.equal(nobody.stdout, 'No audit events match.\n');
      assert.equal(unknown.code, 1);
      assert.equal(unknown.stderr, 'belfry: Account no-such-account not found\n');
    });

    it('answers bad usage with exit code 2 and a pointer to the usage text', async () => {
      const cases = await Promise.all([
        run('access-keys create'),
        run('access-keys create --name x --bogus'),
        run('access-keys delete'),
        run('audit', accountId, '--since', 'yesterday'),
        run('audit', accountId, '--limit', '0'),
        run('audit', accountId, '--limit', '5', '--all'),
        run('accounts restore a b'),
      ]);
      for (const r of cases) {
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /^belfry: .+\nRun "belfry help" for usage\.\n$/);
        assert.equal(r.stdout, '');
      }
      const unknown = await run('frobnicate');
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown command "frobnicate"/);
      const help = await run('help');
      assert.equal(help.code, 0);
      for (const command of [
        'migrate',
        'access-keys create',
        'access-keys list',
        'access-keys delete',
        'accounts disabled',
        'accounts restore',
        'audit',
      ])
        for (const text of [help.stdout, unknown.stderr])
          assert.ok(text.includes(`  ${command}`), `usage lists ${command}`);
      assert.equal((await run('--help')).stdout, help.stdout);
    });

    it('prints the issuer BELFRY_PUBLIC_URL gives when it registers an app client, and none without it', async () => {
      const created = await belfry(
        { ...site.env, BELFRY_PUBLIC_URL: 'https://belfry.example.com/' },
        ['clients', 'create', '--name', 'Meetings', '--redirect-uri', 'https://meet.example.com/callback'],
        elsewhere,
      );
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /^ {2}issuer: +https:\/\/belfry\.example\.com\/oidc$/m);
      assert.match(
        created.stdout,
        /^ {2}discovery: +https:\/\/belfry\.example\.com\/oidc\/\.well-known\/openid-configuration$/m,
      );
      // A server started elsewhere (another PORT) has an issuer this shell cannot know: none is guessed.
      const byDefault = await run('clients create --name Chat --redirect-uri http://127.0.0.1:3000/cb');
      assert.equal(byDefault.code, 0, byDefault.stderr);
      assert.doesNotMatch(byDefault.stdout, /issuer:|discovery:|8080/);
      assert.match(byDefault.stdout, /^The issuer is the server's BELFRY_PUBLIC_URL followed by \/oidc/m);
      const json = await run('clients create --name Chat --redirect-uri http://127.0.0.1:3000/cb --json');
      assert.equal((JSON.parse(json.stdout) as { issuer?: string }).issuer, undefined);
    });

    it('ends quietly, with its usual exit code, when the reader of its output goes away', async () => {
      const [listed, help] = await Promise.all([
        belfry(site.env, ['access-keys', 'list'], elsewhere, { readerGone: true }),
        belfry(site.env, ['help'], elsewhere, { readerGone: true }),
      ]);
      for (const r of [listed, help]) {
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, '');
      }
    });

    it('reports refusals on one line with exit code 1, bad configuration with 78', async () => {
      const policy = await run('access-keys create --name x --policy Admin');
      assert.equal(policy.code, 1);
      assert.equal(
        policy.stderr,
        'belfry: Policy must be FullAccess, UserManagement or ReadOnly, not Admin\n',
      );

      const config = await belfry(
        { ...site.env, DATABASE_URL: 'mysql://db' },
        ['access-keys', 'list'],
        elsewhere,
      );
      assert.equal(config.code, 78);
      assert.match(config.stderr, /^belfry: invalid configuration: DATABASE_URL must be .+\n$/);
      const port = await belfry({ ...site.env, PORT: 'abc' }, ['access-keys', 'list'], elsewhere);
      assert.equal(port.code, 78);
      assert.equal(
        port.stderr,
        'belfry: invalid configuration: PORT must be an integer from 0 to 65535, not "abc"\n',
      );
      assert.equal(port.stdout, '');

      // A CLI pointed at another master key would mint keys the server cannot verify.
      const otherKey = await belfry(
        { ...site.env, BELFRY_MASTER_KEY: 'ab'.repeat(32) },
        ['access-keys', 'create', '--name', 'lost'],
        elsewhere,
      );
      assert.equal(otherKey.code, 1);
      assert.match(otherKey.stderr, /master key does not match/);
      assert.equal(otherKey.stdout, '');
      noStack(otherKey.stderr);
    });
  });

  describe(`npm start on a new installation [${dialect}]`, { skip }, () => {
    const sites: Array<Awaited<ReturnType<typeof installation>>> = [];
    const servers: ServerProcess[] = [];
    const start = async (env: Record<string, string>) => {
      const s = await startServer(env);
      servers.push(s);
      return s;
    };
    after(async () => {
      for (const s of servers) await s.stop();
      for (const s of sites) await s.remove();
    });

    it('prints the operator key once and saves it as the belfry profile', async () => {
      const site = await installation(dialect, { migrated: false });
      sites.push(site);
      const first = await start(site.env);
      const file = join(site.dataDir, 'credentials');
      const key = readProfile(file, 'belfry');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.match(first.stdout, new RegExp(`access key id:\\s+${key.accessKeyId}`));
      assert.ok(first.stdout.includes(key.secretAccessKey));
      const accounts = await chime(first.url, key).send(new ListAccountsCommand({}));
      assert.deepEqual(accounts.Accounts, []);
      await first.stop();

      const second = await start(site.env);
      assert.doesNotMatch(second.stdout, /operator administrator|access key id/);
      assert.ok(!second.stdout.includes(key.secretAccessKey));
      await chime(second.url, key).send(new ListAccountsCommand({}));
    });

    it('takes the key back when the port is busy, so the next start shows and saves a new one', async () => {
      const site = await installation(dialect, { migrated: false });
      sites.push(site);
      const busy = createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      const port = (busy.address() as AddressInfo).port;
      let failed;
      try {
        failed = await failedStart({ ...site.env, PORT: String(port) });
      } finally {
        await new Promise((resolve) => busy.close(resolve));
      }
      assert.equal(failed.code, 1, failed.stderr);
      // Node 20 also gets oidc-provider's runtime warning; nothing else is said, and no stack.
      assert.deepEqual(
        failed.stderr.split('\n').filter((line) => line !== '' && !/oidc-provider WARNING/.test(line)),
        [`cannot listen on 127.0.0.1:${port}: address already in use; set PORT to a free port`],
      );
      assert.doesNotMatch(failed.stdout, /operator administrator|access key id/);
      assert.ok(!existsSync(join(site.dataDir, 'credentials')), 'no file holds a key that was taken back');

      const next = await start(site.env);
      const key = readProfile(join(site.dataDir, 'credentials'), 'belfry');
      assert.match(next.stdout, new RegExp(`access key id:\\s+${key.accessKeyId}`));
      assert.ok(next.stdout.includes(key.secretAccessKey));
      assert.ok(
        next.stdout.includes(`--endpoint-url ${next.url} `),
        'the command to try names the real port',
      );
      await chime(next.url, key).send(new ListAccountsCommand({}));
      const keys = await belfry(site.env, ['access-keys', 'list', '--json'], site.dataDir);
      assert.deepEqual(
        (JSON.parse(keys.stdout) as Array<{ accessKeyId: string }>).map((k) => k.accessKeyId),
        [key.accessKeyId],
      );
    });

    it('seeds the operator key given in BELFRY_BOOTSTRAP_*', async () => {
      const site = await installation(dialect, { migrated: true });
      sites.push(site);
      const known = {
        accessKeyId: 'BKIASEEDEDOPERATOR01',
        secretAccessKey: 'seeded-secret-seeded-secret-000',
      };
      const server = await start({
        ...site.env,
        BELFRY_BOOTSTRAP_ACCESS_KEY_ID: known.accessKeyId,
        BELFRY_BOOTSTRAP_SECRET_ACCESS_KEY: known.secretAccessKey,
      });
      assert.match(server.stdout, new RegExp(`access key id:\\s+${known.accessKeyId}`));
      assert.ok(!server.stdout.includes(known.secretAccessKey), 'a secret the operator chose is not echoed');
      assert.deepEqual(readProfile(join(site.dataDir, 'credentials'), 'belfry'), known);
      await chime(server.url, known).send(new ListAccountsCommand({}));
    });
  });
}
