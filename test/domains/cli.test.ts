import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { insertAccount } from '../../src/store/accounts.js';
import { openDatabase } from '../../src/store/database.js';
import { belfry } from '../cli/processes.js';
import { accountRecord } from '../helpers/accounts.js';
import { startTestDns, type TestDnsServer } from '../helpers/dns.js';

/**
 * `belfry domains …` as an operator runs it, against a SQLite installation and the loopback DNS
 * server (the commands are the same domain services the API uses, tested on both dialects there).
 */
describe('belfry domains', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'belfry-domains-cli-'));
  const accountId = 'acct-cli-domains';
  let dns: TestDnsServer;
  let env: Record<string, string>;
  const run = (...args: string[]) => belfry(env, ['domains', ...args], dataDir);

  before(async () => {
    dns = await startTestDns();
    env = { BELFRY_DATA_DIR: dataDir, DNS_SERVERS: dns.address };
    assert.equal((await belfry(env, ['migrate'], dataDir)).code, 0);
    const database = openDatabase({ dialect: 'sqlite', file: join(dataDir, 'belfry.db') });
    await insertAccount(database.db, { ...accountRecord(accountId), name: 'CLI' });
    await database.close();
  });
  after(async () => {
    await dns.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('claims, shows the record to publish, verifies, lists and releases only with --yes', async () => {
    const claimed = await run('claim', accountId, 'Cli.Example', '--json');
    assert.equal(claimed.code, 0, claimed.stderr);
    const domain = JSON.parse(claimed.stdout) as { txtRecordName: string; txtRecordValue: string };
    assert.equal(domain.txtRecordName, '_belfry-challenge.cli.example');

    const pending = await run('verify', accountId, 'cli.example');
    assert.match(pending.stdout, /cli\.example: PendingVerification/);
    assert.ok(pending.stdout.includes(`_belfry-challenge.cli.example  TXT  "${domain.txtRecordValue}"`));

    dns.txt.set(domain.txtRecordName, [domain.txtRecordValue]);
    assert.match((await run('verify', accountId, 'cli.example')).stdout, /cli\.example: Verified/);
    assert.match((await run('list', accountId)).stdout, /cli\.example\s+Verified/);

    const unconfirmed = await run('release', accountId, 'cli.example');
    assert.equal(unconfirmed.code, 1);
    assert.match(unconfirmed.stderr, /run again with --yes/);
    assert.match((await run('show', accountId, 'cli.example')).stdout, /Verified/);
    const released = await run('release', accountId, 'cli.example', '--yes');
    assert.equal(released.code, 0, released.stderr);
    assert.match((await run('list', accountId)).stdout, /No claimed domains/);
    const usage = await run('bogus');
    assert.equal(usage.code, 2);
  });
});
