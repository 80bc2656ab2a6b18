import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { GetAccountCommand } from '@aws-sdk/client-chime';
import { BelfryApiError, BelfryClient } from '../../src/client/index.js';
import { DAY_MS } from '../../src/lib/clock.js';
import { belfry } from '../cli/processes.js';
import { newAccountId } from '../helpers/accounts.js';
import { databaseUrlOf } from '../helpers/databases.js';
import { startTestDns } from '../helpers/dns.js';
import { uniqueDomain, verifiedDomain } from '../helpers/domains.js';
import type { TestServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

const dns = await startTestDns();
const dir = mkdtempSync(join(tmpdir(), 'belfry-domain-override-'));
after(async () => {
  await dns.close();
  rmSync(dir, { recursive: true, force: true });
});

const REASON = 'Closed network: record seen on the internal DNS by J. Doe, ticket 4711';

const clientOf = (server: TestServer, credentials = server.operator) =>
  new BelfryClient({ endpoint: server.url, credentials });

/** The refusal's status and Chime error type, for a rejected client call. */
const refusedWith = (status: number, errorType: string, message?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof BelfryApiError, String(error));
  assert.equal(error.status, status, error.message);
  assert.equal(error.errorType, errorType);
  if (message) assert.match(error.message, message);
  return true;
};

async function verifyEvents(server: TestServer, accountId: string) {
  const rows = await server.services.db
    .selectFrom('audit_events')
    .select(['operation', 'outcome', 'error_code', 'details', 'target_type'])
    .where('account_id', '=', accountId)
    .orderBy('occurred_at')
    .execute();
  return rows.map((r) => ({ ...r, details: r.details ? JSON.parse(r.details) : undefined }));
}

await eachDialect(
  'claimed domains: operator override',
  (server) => {
    it('verifies by hand with a reason, converting the account as a found record does, audited', async () => {
      const belfryApi = clientOf(server());
      const chime = server().client();
      const accountId = await newAccountId(chime);
      const name = uniqueDomain();
      await belfryApi.claimDomain(accountId, name);

      const verified = await belfryApi.verifyDomain(accountId, name, {
        operatorOverride: { reason: ` ${REASON} ` },
      });
      assert.equal(verified.Status, 'Verified');
      assert.equal(verified.VerifiedBy, 'OperatorOverride');
      assert.equal(verified.OverrideReason, REASON);
      assert.ok(verified.VerifiedTimestamp);
      assert.deepEqual(await belfryApi.getDomain(accountId, name), verified);
      assert.deepEqual(
        (await belfryApi.listDomains(accountId)).map((d) => [d.VerifiedBy, d.OverrideReason]),
        [['OperatorOverride', REASON]],
      );
      const { Account } = await chime.send(new GetAccountCommand({ AccountId: accountId }));
      assert.equal(Account?.AccountType, 'EnterpriseLWA');

      const events = await verifyEvents(server(), accountId);
      const override = events.find(
        (e) => e.operation === 'VerifyAccountDomain' && e.target_type === 'Domain',
      );
      assert.equal(override?.outcome, 'Success');
      assert.deepEqual(override?.details, {
        status: 'Verified',
        verifiedBy: 'OperatorOverride',
        reason: REASON,
        event: 'Verified',
      });
      const conversion = events.find((e) => e.target_type === 'Account' && e.details?.accountType);
      assert.deepEqual(conversion?.details, { accountType: { from: 'Team', to: 'EnterpriseLWA' } });
    });

    it('keeps an overridden domain without its record, and takes the record once it is published', async () => {
      const belfryApi = clientOf(server());
      const accountId = await newAccountId(server().client());
      const name = uniqueDomain();
      const claimed = await belfryApi.claimDomain(accountId, name);
      await belfryApi.verifyDomain(accountId, name, { operatorOverride: { reason: REASON } });

      // Re-checks find no record: the domain stays Verified by the override, and says so.
      for (let day = 0; day < 2; day++) {
        server().clock.advance(DAY_MS + 60_000);
        await server().runJobs();
      }
      const kept = await belfryApi.getDomain(accountId, name);
      assert.equal(kept.Status, 'Verified');
      assert.equal(kept.VerifiedBy, 'OperatorOverride');
      assert.equal(kept.LastCheckResult, 'ENOTFOUND; kept: verified by operator override');
      assert.equal(kept.RecordMissingSince, undefined);

      // Published after all: verified by its record from now on, and then the usual rules apply.
      dns.txt.set(claimed.TxtRecordName, [claimed.TxtRecordValue]);
      server().clock.advance(DAY_MS + 60_000);
      await server().runJobs();
      const confirmed = await belfryApi.getDomain(accountId, name);
      assert.equal(confirmed.Status, 'Verified');
      assert.equal(confirmed.VerifiedBy, 'DnsRecord');
      assert.equal(confirmed.OverrideReason, undefined);
      const events = await verifyEvents(server(), accountId);
      assert.ok(
        events.some((e) => e.operation === 'CheckAccountDomain' && e.details?.event === 'RecordConfirmed'),
      );

      dns.txt.delete(claimed.TxtRecordName);
      server().clock.advance(DAY_MS + 60_000);
      await server().runJobs();
      assert.equal((await belfryApi.getDomain(accountId, name)).Status, 'RecordMissing');
      // An override brings a domain whose record went missing back, by the operator's word.
      const back = await belfryApi.verifyDomain(accountId, name, { operatorOverride: { reason: REASON } });
      assert.equal(back.Status, 'Verified');
      assert.equal(back.VerifiedBy, 'OperatorOverride');
      assert.equal(back.RecordMissingSince, undefined);
    });

    it('refuses an override without a reason, from a key that is not the operator, or for a held domain', async () => {
      const operatorApi = clientOf(server());
      const accountId = await newAccountId(server().client());
      const name = uniqueDomain();
      await operatorApi.claimDomain(accountId, name);
      const path = `/accounts/${accountId}/domains/${name}`;
      const verify = (body: unknown, credentials = server().operator) =>
        signedFetch(server().url, credentials, {
          method: 'POST',
          path,
          query: { operation: 'verify' },
          body,
        });

      for (const reason of ['', '   '])
        await assert.rejects(
          operatorApi.verifyDomain(accountId, name, { operatorOverride: { reason } }),
          refusedWith(400, 'BadRequestException'),
        );
      const noReason = await verify({ OperatorOverride: true });
      assert.equal(noReason.status, 400);
      assert.match(noReason.json.Message, /needs a reason/);
      const reasonAlone = await verify({ OverrideReason: REASON });
      assert.equal(reasonAlone.status, 400);
      assert.match(reasonAlone.json.Message, /OverrideReason goes with OperatorOverride/);
      const tooLong = await verify({ OperatorOverride: true, OverrideReason: 'x'.repeat(501) });
      assert.equal(tooLong.status, 400);

      for (const key of [
        await server().createKey('FullAccess', accountId),
        await server().createKey('UserManagement'),
        await server().createKey('ReadOnly'),
      ])
        await assert.rejects(
          clientOf(server(), key).verifyDomain(accountId, name, { operatorOverride: { reason: REASON } }),
          refusedWith(403, 'ForbiddenException'),
        );

      // One holder, as for a found record: another account's verified domain cannot be overridden.
      const held = uniqueDomain();
      await operatorApi.claimDomain(accountId, held);
      const holder = await newAccountId(server().client());
      await verifiedDomain(server(), dns, holder, held);
      await assert.rejects(
        operatorApi.verifyDomain(accountId, held, { operatorOverride: { reason: REASON } }),
        refusedWith(409, 'ConflictException', /verified by another account/),
      );
      await assert.rejects(
        operatorApi.verifyDomain(holder, held, { operatorOverride: { reason: REASON } }),
        refusedWith(409, 'ConflictException', /verified already/),
      );
      await assert.rejects(
        operatorApi.verifyDomain(accountId, uniqueDomain(), { operatorOverride: { reason: REASON } }),
        refusedWith(404, 'NotFoundException'),
      );

      // Nothing was written: both claims are pending, the account still Team; the trail has the refusals.
      for (const d of [name, held]) {
        const domain = await operatorApi.getDomain(accountId, d);
        assert.equal(domain.Status, 'PendingVerification');
        assert.equal(domain.VerifiedBy, undefined);
      }
      const { Account } = await server()
        .client()
        .send(new GetAccountCommand({ AccountId: accountId }));
      assert.equal(Account?.AccountType, 'Team');
      const refusals = (await verifyEvents(server(), accountId)).filter(
        (e) => e.operation === 'VerifyAccountDomain' && e.outcome === 'Failure',
      );
      assert.ok(refusals.length >= 6, `${refusals.length} refusals filed`);
      assert.ok(refusals.some((e) => e.error_code === 'Forbidden' && e.details?.reason === REASON));
    });

    it('verifies by hand from `belfry domains verify --operator-override --reason`', async () => {
      const accountId = await newAccountId(server().client());
      const name = uniqueDomain();
      await clientOf(server()).claimDomain(accountId, name);
      const env = { BELFRY_DATA_DIR: dir, DATABASE_URL: await databaseUrlOf(server().database) };
      const run = (...args: string[]) => belfry(env, ['domains', ...args], dir);

      const alone = await run('verify', accountId, name, '--reason', REASON);
      assert.equal(alone.code, 2);
      assert.match(alone.stderr, /--reason goes with --operator-override/);
      const bare = await run('verify', accountId, name, '--operator-override');
      assert.equal(bare.code, 1);
      assert.match(bare.stderr, /needs a reason/);

      const done = await run('verify', accountId, name, '--operator-override', '--reason', REASON);
      assert.equal(done.code, 0, done.stderr);
      assert.match(done.stdout, new RegExp(`${name.replace(/\./g, '\\.')}: Verified`));
      assert.ok(done.stdout.includes(`verified by:           operator override (${REASON})`));
      assert.match((await run('list', accountId)).stdout, /Verified\s+OperatorOverride/);
      const shown = JSON.parse((await run('show', accountId, name, '--json')).stdout) as Record<
        string,
        unknown
      >;
      assert.equal(shown.verifiedBy, 'OperatorOverride');
      assert.equal(shown.overrideReason, REASON);
      const event = (await verifyEvents(server(), accountId)).find(
        (e) => e.operation === 'VerifyAccountDomain' && e.outcome === 'Success' && e.target_type === 'Domain',
      );
      assert.equal(event?.details?.reason, REASON);
    });
  },
  { DNS_SERVERS: dns.address },
);
