import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { DeleteAccountCommand, GetAccountCommand } from '@aws-sdk/client-chime';
import { DAY_MS } from '../../src/lib/clock.js';
import { newAccountId } from '../helpers/accounts.js';
import { startTestDns } from '../helpers/dns.js';
import { domainApi, domainOf, uniqueDomain } from '../helpers/domains.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

const dns = await startTestDns();
after(() => dns.close());

const MINUTE_MS = 60_000;

await eachDialect(
  'claimed domains: verification by DNS',
  (server) => {
    it('claims a domain, finds the published record, and re-checks it until it vanishes and returns', async () => {
      const chime = server().client();
      const api = domainApi(server());
      const accountId = await newAccountId(chime);
      const name = uniqueDomain();

      const claimed = await api.claim(accountId, `  ${name.toUpperCase()}. `);
      assert.equal(claimed.status, 201);
      const domain = domainOf(claimed);
      assert.equal(domain.DomainName, name);
      assert.equal(domain.Status, 'PendingVerification');
      assert.equal(domain.TxtRecordName, `_belfry-challenge.${name}`);
      assert.match(domain.TxtRecordValue, /^belfry-domain-verification=[A-Za-z0-9_-]{32}$/);
      assert.equal(
        Date.parse(domain.VerificationDeadline) - Date.parse(domain.CreatedTimestamp),
        72 * 3600_000,
      );
      // Claiming again answers the same claim and record.
      assert.equal(domainOf(await api.claim(accountId, name)).TxtRecordValue, domain.TxtRecordValue);

      const early = domainOf(await api.verify(accountId, name));
      assert.equal(early.Status, 'PendingVerification');
      assert.equal(early.LastCheckResult, 'ENOTFOUND');

      // Published now: the next periodic check (10 minutes on) finds it, without anyone asking.
      dns.txt.set(domain.TxtRecordName, ['v=spf1 -all', domain.TxtRecordValue]);
      const asked = dns.queries;
      server().clock.advance(10 * MINUTE_MS);
      await server().runJobs();
      assert.ok(dns.queries > asked, 'the periodic check asked the DNS server');
      const verified = domainOf(await api.get(accountId, name));
      assert.equal(verified.Status, 'Verified');
      assert.ok(verified.VerifiedTimestamp);
      const { Account } = await chime.send(new GetAccountCommand({ AccountId: accountId }));
      assert.equal(Account?.AccountType, 'EnterpriseLWA');

      // Gone at the daily re-check: reported as RecordMissing (and audited), never released.
      dns.txt.delete(domain.TxtRecordName);
      server().clock.advance(DAY_MS);
      await server().runJobs();
      const missing = domainOf(await api.get(accountId, name));
      assert.equal(missing.Status, 'RecordMissing');
      assert.ok(missing.RecordMissingSince);
      const events = await server()
        .services.db.selectFrom('audit_events')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('operation', '=', 'CheckAccountDomain')
        .orderBy('occurred_at')
        .execute();
      // The check that verified also converted the account (an item of the same change).
      assert.deepEqual(
        events
          .map((e) => JSON.parse(e.details!))
          .map((d) => d.event ?? d.accountType?.to)
          .sort(),
        ['EnterpriseLWA', 'RecordMissing', 'Verified'],
      );
      // Still held: another account cannot claim it meanwhile.
      const other = await api.claim(await newAccountId(chime), name);
      assert.equal(other.status, 409);
      assert.equal(other.errorType, 'ConflictException');

      dns.txt.set(domain.TxtRecordName, [domain.TxtRecordValue]);
      server().clock.advance(DAY_MS);
      await server().runJobs();
      const back = domainOf(await api.get(accountId, name));
      assert.equal(back.Status, 'Verified');
      assert.equal(back.RecordMissingSince, undefined);
      const listed = (await api.list(accountId)).json.Domains as Array<{ DomainName: string }>;
      assert.deepEqual(
        listed.map((d) => d.DomainName),
        [name],
      );
    });

    it('fails a claim whose record never appears by the deadline; a later verify on demand still works', async () => {
      const api = domainApi(server());
      const accountId = await newAccountId(server().client());
      const name = uniqueDomain();
      const domain = domainOf(await api.claim(accountId, name));
      server().clock.advance(72 * 3600_000 - MINUTE_MS);
      await server().runJobs();
      assert.equal(domainOf(await api.get(accountId, name)).Status, 'PendingVerification');
      server().clock.advance(MINUTE_MS);
      await server().runJobs();
      assert.equal(domainOf(await api.get(accountId, name)).Status, 'Failed');

      dns.txt.set(domain.TxtRecordName, [domain.TxtRecordValue]);
      assert.equal(domainOf(await api.verify(accountId, name)).Status, 'Verified');
    });

    it('does not fail a claim at its deadline when the resolver cannot be reached; the next answer decides', async () => {
      const api = domainApi(server());
      const accountId = await newAccountId(server().client());
      const name = uniqueDomain();
      const domain = domainOf(await api.claim(accountId, name));
      dns.txt.set(domain.TxtRecordName, [domain.TxtRecordValue]);
      dns.servfail = true;
      try {
        server().clock.advance(72 * 3600_000);
        await server().runJobs();
      } finally {
        dns.servfail = false;
      }
      const waiting = domainOf(await api.get(accountId, name));
      assert.equal(waiting.Status, 'PendingVerification');
      assert.match(waiting.LastCheckResult ?? '', /SERVFAIL/);
      assert.ok(waiting.NextCheckTimestamp, 'checked again later, not at once in a loop');
      assert.ok(Date.parse(waiting.NextCheckTimestamp) > server().clock.now().getTime());
      server().clock.advance(60 * MINUTE_MS);
      await server().runJobs();
      assert.equal(domainOf(await api.get(accountId, name)).Status, 'Verified');
    });

    it('starts a Failed claim afresh when the domain is claimed again, with the same record', async () => {
      const api = domainApi(server());
      const accountId = await newAccountId(server().client());
      const name = uniqueDomain();
      const first = domainOf(await api.claim(accountId, name));
      server().clock.advance(72 * 3600_000);
      await server().runJobs();
      assert.equal(domainOf(await api.get(accountId, name)).Status, 'Failed');

      const again = domainOf(await api.claim(accountId, name));
      assert.equal(again.Status, 'PendingVerification');
      assert.equal(again.TxtRecordValue, first.TxtRecordValue);
      assert.ok(Date.parse(again.VerificationDeadline) > server().clock.now().getTime());
      dns.txt.set(again.TxtRecordName, [again.TxtRecordValue]);
      server().clock.advance(10 * MINUTE_MS);
      await server().runJobs();
      assert.equal(domainOf(await api.get(accountId, name)).Status, 'Verified', 'checked periodically again');
    });

    it('resumes checking a claim when its deleted account is restored', async () => {
      const chime = server().client();
      const api = domainApi(server());
      const accountId = await newAccountId(chime);
      const name = uniqueDomain();
      const claim = domainOf(await api.claim(accountId, name));
      await chime.send(new DeleteAccountCommand({ AccountId: accountId }));
      server().clock.advance(10 * MINUTE_MS);
      await server().runJobs();
      const restored = await signedFetch(server().url, server().operator, {
        method: 'POST',
        path: `/accounts/${accountId}`,
        query: { operation: 'restore' },
      });
      assert.equal(restored.status, 200, JSON.stringify(restored.json));
      dns.txt.set(claim.TxtRecordName, [claim.TxtRecordValue]);
      server().clock.advance(DAY_MS);
      await server().runJobs();
      assert.equal(domainOf(await api.get(accountId, name)).Status, 'Verified');
    });

    it('lets only one account verify a domain', async () => {
      const chime = server().client();
      const api = domainApi(server());
      const [first, second] = [await newAccountId(chime), await newAccountId(chime)];
      const name = uniqueDomain();
      const mine = domainOf(await api.claim(first, name));
      const theirs = domainOf(await api.claim(second, name));
      assert.notEqual(mine.TxtRecordValue, theirs.TxtRecordValue);
      dns.txt.set(mine.TxtRecordName, [mine.TxtRecordValue, theirs.TxtRecordValue]);
      assert.equal(domainOf(await api.verify(first, name)).Status, 'Verified');
      const refused = domainOf(await api.verify(second, name));
      assert.equal(refused.Status, 'PendingVerification');
      assert.match(refused.LastCheckResult!, /another account/);
    });

    it('refuses names that are not claimable, and keys without the right', async () => {
      const chime = server().client();
      const api = domainApi(server());
      const accountId = await newAccountId(chime);
      for (const bad of ['localhost', '192.168.0.1', 'gmail.com', 'bad_label.example']) {
        const response = await api.claim(accountId, bad);
        assert.equal(response.status, 400, bad);
        assert.equal(response.errorType, 'BadRequestException');
      }
      const readOnly = domainApi(server(), await server().createKey('ReadOnly'));
      const forbidden = await readOnly.claim(accountId, uniqueDomain());
      assert.equal(forbidden.status, 403);
      assert.equal((await api.get(accountId, 'never-claimed.example')).status, 404);
      // Refused verifications are in the trail too, with their outcome.
      assert.equal((await readOnly.verify(accountId, 'never-claimed.example')).status, 403);
      assert.equal((await api.verify(accountId, 'never-claimed.example')).status, 404);
      const refused = await server()
        .services.db.selectFrom('audit_events')
        .select(['outcome', 'error_code'])
        .where('account_id', '=', accountId)
        .where('operation', '=', 'VerifyAccountDomain')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        refused.map((e) => [e.outcome, e.error_code]),
        [
          ['Failure', 'Forbidden'],
          ['Failure', 'NotFound'],
        ],
      );
    });
  },
  { DNS_SERVERS: dns.address },
);
