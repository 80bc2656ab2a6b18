import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createTestDatabase,
  databaseUrlOf,
  dialects,
  skipReason,
  type TestDatabase,
} from '../helpers/databases.js';
import { CONSOLE_DIST } from '../../src/api/console/static.js';
import { ConsoleClient } from '../helpers/console-client.js';
import { belfry, startServer, type ServerProcess } from './processes.js';

for (const dialect of dialects) {
  const skip = (await skipReason(dialect)) ?? false;
  describe(`the first-administrator link and belfry admins, on a real server [${dialect}]`, { skip }, () => {
    let dataDir: string;
    let database: TestDatabase | undefined;
    let env: Record<string, string>;
    let server: ServerProcess | undefined;

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'belfry-admins-'));
      env = { BELFRY_DATA_DIR: dataDir, PORT: '0', BELFRY_JOBS: 'false' };
      if (dialect === 'postgres') {
        database = await createTestDatabase('postgres');
        env.DATABASE_URL = await databaseUrlOf(database);
      }
      server = await startServer(env);
    });
    after(async () => {
      await server?.stop();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('serves the console as built from the bundle npm start runs (build/main.mjs)', async (t) => {
      if (!existsSync(join(CONSOLE_DIST, 'index.html'))) return t.skip('the console is not built');
      const page = await fetch(`${server!.url}/console/setup`, { headers: { accept: 'text/html' } });
      assert.equal(page.status, 200);
      assert.equal(await page.text(), readFileSync(join(CONSOLE_DIST, 'index.html'), 'utf8'));
    });

    it('the first start prints a one-time link that creates the first administrator', async () => {
      const link = /(http:\/\/\S+)\/console\/setup#token=([A-Za-z0-9_-]+)/.exec(server!.stdout);
      assert.ok(link, server!.stdout);
      const browser = new ConsoleClient(server!.url);
      const created = await browser.call('POST', '/console/api/setup', {
        Token: link[2],
        Email: 'first@example.com',
        Password: 'first administrator password',
      });
      assert.equal(created.status, 201);
      assert.equal((await browser.call('GET', '/accounts')).status, 200);
    });

    it('admins create, list, reset and delete, as the running server sees them', async () => {
      const made = await belfry(
        env,
        ['admins', 'create', '--email', 'ops@example.com', '--policy', 'ReadOnly', '--json'],
        dataDir,
      );
      assert.equal(made.code, 0, made.stderr);
      const { password, policy } = JSON.parse(made.stdout) as { password: string; policy: string };
      assert.equal(policy, 'ReadOnly');
      const browser = new ConsoleClient(server!.url);
      assert.equal((await browser.signIn('ops@example.com', password)).status, 201);
      assert.equal((await browser.call('POST', '/accounts', { Name: 'Refused' })).status, 403);

      const listed = await belfry(env, ['admins', 'list', '--json'], dataDir);
      const emails = (JSON.parse(listed.stdout) as { email: string }[]).map((a) => a.email).sort();
      assert.deepEqual(emails, ['first@example.com', 'ops@example.com']);
      assert.doesNotMatch(listed.stdout, /argon2|password/i);

      const reset = await belfry(env, ['admins', 'reset', 'ops@example.com', '--new-password'], dataDir);
      assert.equal(reset.code, 0, reset.stderr);
      assert.match(reset.stdout, /1 session\(s\) ended/);
      assert.equal((await browser.call('GET', '/accounts')).status, 401);

      assert.equal((await belfry(env, ['admins', 'delete', 'ops@example.com'], dataDir)).code, 0);
      const again = await belfry(env, ['admins', 'delete', 'ops@example.com'], dataDir);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /No console administrator has the address ops@example.com/);
      const usage = await belfry(env, ['admins', 'create'], dataDir);
      assert.equal(usage.code, 2);
    });
  });
}
