import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { belfry } from '../cli/processes.js';
import { databaseUrlOf } from '../helpers/databases.js';
import { accountType, enterpriseAccountForRealm, usersByEmail } from '../helpers/directory-accounts.js';
import { sambaSkipReason, seeded, startSamba, usersContainer, type SambaDc } from '../helpers/samba.js';
import { eachDialect } from '../helpers/suite.js';

/** The test servers seal secrets with this key (test/helpers/server.ts). */
const MASTER_KEY = '07'.repeat(32);

/** The CLI runs its sync with its own configuration: the same as the server's. */
const HOLD = { BELFRY_DIRECTORY_HOLD_PERCENT: '90' };

const dir = mkdtempSync(join(tmpdir(), 'belfry-directory-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `belfry directory …` as an operator runs it, on the test server's own database (so the CLI and
 * the API see the same account), against a real Samba AD DC. No server worker runs jobs here
 * (the test server's polls hourly), so `directory sync` runs its run itself, as it says.
 */
await eachDialect(
  'belfry directory',
  (server) => {
    let dc: SambaDc;
    let accountId: string;
    let passwordFile: string;
    let caFile: string;
    const cli = async (...args: string[]) =>
      belfry(
        {
          BELFRY_DATA_DIR: dir,
          DATABASE_URL: await databaseUrlOf(server().database),
          BELFRY_MASTER_KEY: MASTER_KEY,
          BELFRY_JOBS_POLL_MS: '100',
          ...HOLD,
        },
        ['directory', ...args],
        dir,
      );
    before(async () => {
      dc = await startSamba();
      passwordFile = join(dir, `bind-${server().dialect}.pw`);
      writeFileSync(passwordFile, `${dc.bindPassword}\n`, { mode: 0o600 });
      caFile = join(dir, 'ca.pem');
      writeFileSync(caFile, dc.caPem);
    });
    after(() => dc?.stop());

    it('connects with the password from its file, never printing it, and refuses bad usage', async () => {
      accountId = await enterpriseAccountForRealm(server());
      const usage = await cli('connect', accountId, '--url', dc.tlsUrl);
      assert.equal(usage.code, 2, usage.stderr);
      const empty = join(dir, 'empty.pw');
      writeFileSync(empty, '\n', { mode: 0o600 });
      const refused = await connect(empty);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /is empty/);

      const connected = await connect(passwordFile);
      assert.equal(connected.code, 0, connected.stderr);
      assert.match(connected.stdout, /Connected/);
      const shown = await cli('show', accountId, '--json');
      assert.equal(shown.code, 0, shown.stderr);
      assert.equal(JSON.parse(shown.stdout).baseDn, usersContainer);
      for (const output of [connected, shown])
        assert.ok(!`${output.stdout}${output.stderr}`.includes(dc.bindPassword));
      assert.equal(await accountType(server(), accountId), 'EnterpriseDirectory');
    });

    it('previews and saves a mapping; the test names the missing group and exits 1', async () => {
      const preview = await cli(
        'groups',
        accountId,
        '--pro',
        'chime-pro',
        '--basic',
        'no-such-group',
        '--dry-run',
      );
      assert.equal(preview.code, 0, preview.stderr);
      assert.match(preview.stdout, /nothing saved/);
      assert.match(preview.stdout, /\d+ user\(s\) change tier\n.*\d+ user\(s\) lose sign-in/);
      assert.equal(
        (await cli('groups', accountId, '--pro', 'chime-pro', '--basic', 'no-such-group')).code,
        0,
      );
      const tested = await cli('test', accountId);
      assert.equal(tested.code, 1);
      assert.match(tested.stdout, /no-such-group/);
      const fixed = await cli('groups', accountId, '--pro', 'chime-pro', '--basic', 'chime-basic');
      assert.match(fixed.stdout, /Mapping saved/);
    });

    it('syncs (running the run itself), lists the runs, shows one and explains alice', async () => {
      const synced = await cli('sync', accountId, '--full');
      assert.equal(synced.code, 0, `${synced.stdout}${synced.stderr}`);
      assert.match(synced.stdout, /No Belfry worker started it, so this command ran it/);
      assert.match(synced.stdout, /applied/);
      assert.equal((await usersByEmail(server(), accountId)).get(seeded.alice.mail)?.LicenseType, 'Pro');
      const runId = /Queued run (\S+);/.exec(synced.stdout)?.[1];
      assert.ok(runId);
      assert.match((await cli('runs', accountId)).stdout, new RegExp(`${runId}\\s.*applied`));
      const listed = (await cli('runs', accountId)).stdout;
      assert.match((await cli('run', runId)).stdout, new RegExp(`Run ${runId} applied`));
      // The run the saved mapping queued is the one that brought carol in, suspended.
      const reports = await Promise.all(
        [...listed.matchAll(/^(\S{36})\s/gm)].map(async ([, id]) => (await cli('run', id!)).stdout),
      );
      assert.ok(
        reports.some((report) => report.includes(seeded.carol.mail)),
        reports.join('\n'),
      );
      const explained = await cli('explain', accountId, seeded.alice.mail);
      assert.equal(explained.code, 0, explained.stderr);
      assert.ok(explained.stdout.includes('alice → engineering → chime-pro → Pro'), explained.stdout);
    });

    it('exits 1 on a held run, which reject discards; disconnect returns the account to EnterpriseLWA', async () => {
      await dc.removeMembers(`CN=chime-basic,${usersContainer}`, [seeded.bob.dn, seeded.carol.dn]);
      const held = await cli('sync', accountId, '--full');
      assert.equal(held.code, 1, held.stdout);
      assert.match(held.stderr, /is held: nothing was applied/);
      const runId = /Queued run (\S+);/.exec(held.stdout)?.[1];
      const rejected = await cli('reject', runId!);
      assert.equal(rejected.code, 0, rejected.stderr);
      assert.match(rejected.stdout, /Rejected: .*rejected/);
      assert.equal((await usersByEmail(server(), accountId)).get(seeded.bob.mail)?.LicenseType, 'Basic');
      assert.equal((await cli('disconnect', accountId)).code, 0);
      assert.equal(await accountType(server(), accountId), 'EnterpriseLWA');
    });

    function connect(file: string) {
      return cli(
        'connect',
        accountId,
        '--type',
        'ad',
        '--url',
        dc.tlsUrl,
        '--bind-dn',
        dc.bindDn,
        '--bind-password-file',
        file,
        '--base-dn',
        usersContainer,
        '--ca-file',
        caFile,
      );
    }
  },
  HOLD,
  { skip: sambaSkipReason() },
);
