import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { BelfryApiError, BelfryClient } from '../../src/client/index.js';
import { newAccountId } from '../helpers/accounts.js';
import { startTestDns } from '../helpers/dns.js';
import { uniqueDomain } from '../helpers/domains.js';
import { eachDialect } from '../helpers/suite.js';

const dns = await startTestDns();
after(() => dns.close());

await eachDialect(
  'typed client: claimed domains',
  (server) => {
    it('claims, verifies, previews and releases through the SigV4 client scripts import', async () => {
      const belfry = new BelfryClient({ endpoint: server().url, credentials: server().operator });
      const accountId = await newAccountId(server().client());
      const name = uniqueDomain();
      const claimed = await belfry.claimDomain(accountId, name);
      assert.equal(claimed.Status, 'PendingVerification');
      dns.txt.set(claimed.TxtRecordName, [claimed.TxtRecordValue]);
      assert.equal((await belfry.verifyDomain(accountId, name)).Status, 'Verified');
      assert.equal((await belfry.getDomain(accountId, name)).DomainName, name);
      assert.deepEqual(
        (await belfry.listDomains(accountId)).map((d) => d.Status),
        ['Verified'],
      );
      assert.deepEqual((await belfry.previewDomainRelease(accountId, name)).AffectedUsers, []);
      assert.equal((await belfry.releaseDomain(accountId, name)).Domain.DomainName, name);
      await assert.rejects(belfry.getDomain(accountId, name), (error: unknown) => {
        assert.ok(error instanceof BelfryApiError);
        assert.equal(error.status, 404);
        assert.equal(error.errorType, 'NotFoundException');
        assert.ok(error.requestId);
        return true;
      });
      const wrongKey = new BelfryClient({
        endpoint: server().url,
        credentials: { ...server().operator, secretAccessKey: 'not-the-secret-at-all-0000' },
      });
      await assert.rejects(
        wrongKey.listDomains(accountId),
        (e: unknown) => (e as BelfryApiError).status === 403,
      );
    });
  },
  { DNS_SERVERS: dns.address },
);
