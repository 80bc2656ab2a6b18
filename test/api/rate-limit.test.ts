import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChimeClient, ListAccountsCommand, ThrottledClientException } from '@aws-sdk/client-chime';
import { awsChime, awsCliUnavailable } from '../helpers/aws-cli.js';
import { startTestServer, type Credentials, type TestServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

/** Two requests a second, bursts of three: small enough to reach in a test, refilled within a retry. */
const BUDGET = { BELFRY_API_REQUESTS_PER_SECOND: '2', BELFRY_API_BURST: '3' };

/** One request a second and bursts of 20, over all instances. */
const SHARED_BUDGET = { BELFRY_API_REQUESTS_PER_SECOND: '1', BELFRY_API_BURST: '20' };

const listAccounts = (server: TestServer, credentials: Credentials) =>
  signedFetch(server.url, credentials, { method: 'GET', path: '/accounts' });

/** Spends a key's budget until the server refuses it (bounded); returns the refusal. */
async function exhaust(server: TestServer, credentials: Credentials) {
  for (let i = 0; i < 50; i++) {
    const response = await listAccounts(server, credentials);
    if (response.status === 429) return response;
    assert.equal(response.status, 200, JSON.stringify(response.json));
  }
  throw new Error('50 requests in a row were never throttled');
}

await eachDialect(
  'admin API request budgets',
  (server) => {
    it('answers ThrottledClientException (429) with Retry-After past a key’s budget', async () => {
      const key = await server().createKey('FullAccess');
      const refused = await exhaust(server(), key);
      assert.equal(refused.errorType, 'ThrottledClientException');
      assert.equal(refused.json.Code, 'Throttled');
      assert.match(
        refused.json.Message,
        /Rate exceeded: this key may make 2 requests per second \(bursts of 3\)/,
      );
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.ok(refused.requestId);
      // The SDK without retries sees the modeled exception.
      const noRetries = server().client(key);
      await assert.rejects(noRetries.send(new ListAccountsCommand({})), (error: unknown) => {
        assert.ok(error instanceof ThrottledClientException, String(error));
        assert.equal(error.$metadata.httpStatusCode, 429);
        return true;
      });
    });

    it('gives each key its own budget', async () => {
      const [busy, other] = [await server().createKey('FullAccess'), await server().createKey('ReadOnly')];
      await exhaust(server(), busy);
      for (let i = 0; i < 3; i++) assert.equal((await listAccounts(server(), other)).status, 200);
    });

    it('spends nothing for requests that are not verified, so strangers cannot throttle the owner', async () => {
      const key = await server().createKey('FullAccess');
      const forged = { accessKeyId: key.accessKeyId, secretAccessKey: 'not-the-secret-of-this-key-at-all' };
      for (let i = 0; i < 30; i++) {
        const response = await listAccounts(server(), forged);
        assert.equal(response.errorType, 'InvalidSignatureException');
      }
      for (let i = 0; i < 10; i++)
        assert.equal((await fetch(`${server().url}/accounts`)).status, 403, 'an unsigned request');
      // The whole burst is still there for the key's owner.
      for (let i = 0; i < 3; i++) assert.equal((await listAccounts(server(), key)).status, 200);
    });

    it('is retried by the SDK with its default retries, which then succeeds', async () => {
      const key = await server().createKey('FullAccess');
      const retrying = new ChimeClient({ region: 'us-east-1', endpoint: server().url, credentials: key });
      try {
        // The bucket refills while the machine is busy; a run in which the SDK's first attempt
        // still found a token proves nothing, so it is tried again (three times at most).
        let attempts = 1;
        for (let run = 0; run < 3 && attempts === 1; run++) {
          await exhaust(server(), key);
          const answer = await retrying.send(new ListAccountsCommand({}));
          assert.ok(Array.isArray(answer.Accounts));
          attempts = answer.$metadata.attempts ?? 1;
        }
        assert.ok(attempts > 1, 'the SDK retried a throttled request');
      } finally {
        retrying.destroy();
      }
    });

    it('is reported by the AWS CLI as ThrottledClientException', { skip: awsCliUnavailable() }, async () => {
      const key = await server().createKey('FullAccess');
      // The CLI takes about a second to start, by which time a token is back: a loop keeps
      // taking every token as it comes, until the CLI has answered (three runs at most, as above).
      let result: Awaited<ReturnType<typeof awsChime>> | undefined;
      for (let run = 0; run < 3 && (result === undefined || result.code === 0); run++) {
        await exhaust(server(), key);
        let draining = true;
        const drain = (async () => {
          while (draining) await listAccounts(server(), key);
        })();
        result = await awsChime(server().url, key, ['list-accounts']);
        draining = false;
        await drain;
      }
      assert.equal(result!.code, 254, result!.stdout);
      assert.match(result!.stderr, /An error occurred \(ThrottledClientException\).*Rate exceeded/);
    });
  },
  BUDGET,
);

await eachDialect(
  'request budgets across two instances on one database',
  (server) => {
    it('shares each key’s budget among the live instances, and takes back a stopped one’s share', async (t) => {
      const second = await startSecond(server());
      try {
        const bothCounted = await until(
          () =>
            server().services.requestBudget.liveInstances() === 2 &&
            second.services.requestBudget.liveInstances() === 2,
        );
        assert.ok(bothCounted, 'each instance counts the other within a few heartbeats');
        const key = await server().createKey('FullAccess');
        let allowed = 0;
        // Alternating, as a load balancer would spread them; 40 is twice the whole budget.
        for (let i = 0; i < 40; i++) {
          const response = await listAccounts(i % 2 === 0 ? server() : second, key);
          if (response.status === 200) allowed++;
          else assert.equal(response.errorType, 'ThrottledClientException');
        }
        // The burst of 20 over both, and what one request a second refills meanwhile (a slow
        // machine may take several seconds over these requests): never each instance's whole 20.
        t.diagnostic(`${allowed} of 40 requests allowed over two instances (budget: a burst of 20 in all)`);
        assert.ok(allowed >= 20 && allowed < 30, `${allowed} of 40 requests allowed`);
      } finally {
        await second.close();
      }
      const alone = await until(() => server().services.requestBudget.liveInstances() === 1);
      assert.ok(alone, 'the stopped instance no longer counts');
    });
  },
  SHARED_BUDGET,
);

/** A second instance on the first one's database, with the same budget. */
const startSecond = (first: TestServer) => startTestServer(first.dialect, SHARED_BUDGET, { sharing: first });

/** Polls a condition for up to 20 s (a heartbeat is every 5 s); whether it came true. */
async function until(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !condition(); i++) await sleep(200);
  return condition();
}
