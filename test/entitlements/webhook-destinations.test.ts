import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { DeleteAccountCommand } from '@aws-sdk/client-chime';
import { systemActor } from '../../src/domain/access/actor.js';
import { DELIVER_APP_EVENT_JOB } from '../../src/domain/entitlements/announce.js';
import { createWebhookDestinations } from '../../src/domain/entitlements/destinations.js';
import { belfry, failedStart } from '../cli/processes.js';
import { newAccountId } from '../helpers/accounts.js';
import { databaseUrlOf } from '../helpers/databases.js';
import { startTestDns } from '../helpers/dns.js';
import type { TestServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

/*
 * Every address here is on loopback: the servers allow 127.0.0.2 only, so 127.0.0.1 plays the
 * inside of the network a webhook must not reach. Webhooks named by host are https (plain http
 * goes only to loopback addresses), so for those, two TCP listeners on one port, one on each
 * address, show where the connection went.
 */
const allowedReceiver = await startWebhookReceiver('127.0.0.2');
const refusedReceiver = await startWebhookReceiver('127.0.0.1');
const redirector = await startRedirector(`${refusedReceiver.url}?redirected=1`);
const allowedListener = await startListener('127.0.0.2', 0);
const port = allowedListener.port;
const refusedListener = await startListener('127.0.0.1', port);
const dns = await startTestDns();
const dir = mkdtempSync(join(tmpdir(), 'belfry-webhook-cli-'));
after(async () => {
  await Promise.all([allowedReceiver.stop(), refusedReceiver.stop(), dns.close()]);
  for (const server of [redirector.server, allowedListener.server, refusedListener.server])
    await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const operator = systemActor('test');
const ALLOW = '127.0.0.2/32';

async function newApp(server: TestServer) {
  const app = await server.services.oidc.clients.createClient(operator, {
    name: 'Calls',
    redirectUris: ['http://127.0.0.1:9/callback'],
  });
  return app.clientId;
}

const putWebhook = (server: TestServer, clientId: string, url: string) =>
  signedFetch(server.url, server.operator, {
    method: 'PUT',
    path: `/app-clients/${clientId}/webhook`,
    body: { Url: url },
  });

/** Deletes an empty account: every app with a webhook is told, which is one delivery each. */
async function announceSomething(server: TestServer): Promise<void> {
  const chime = server.client();
  await chime.send(new DeleteAccountCommand({ AccountId: await newAccountId(chime) }));
}

/** The last failure of the app's delivery jobs, as the job table and the worker's log line keep it. */
async function lastDeliveryError(server: TestServer, clientId: string): Promise<string | undefined> {
  const jobs = await server.services.db
    .selectFrom('jobs')
    .select(['payload', 'last_error'])
    .where('kind', '=', DELIVER_APP_EVENT_JOB)
    .execute();
  const mine = jobs.filter((j) => (JSON.parse(j.payload) as { clientId: string }).clientId === clientId);
  return mine.map((j) => j.last_error).find((e) => e !== null) ?? undefined;
}

await eachDialect(
  'webhook destinations',
  (server) => {
    it('refuses, when set, every way of writing an inside address, in the Chime format, audited', async () => {
      const clientId = await newApp(server());
      dns.a.set('private.test', ['192.168.1.10']);
      dns.a.set('mixed.test', ['93.184.216.34', '10.0.0.5']);
      dns.aaaa.set('v6.test', ['::1']);
      const refused: Array<[string, RegExp]> = [
        ['http://127.0.0.1:5432/', /127\.0\.0\.1, a loopback address/],
        ['https://10.0.0.1/', /10\.0\.0\.1, a private \(RFC 1918\) address/],
        ['https://172.16.5.4/', /private/],
        ['https://100.64.0.1/', /carrier-grade NAT/],
        ['https://169.254.169.254/latest/meta-data/', /cloud metadata/],
        ['https://[fd00:ec2::254]/', /cloud metadata/],
        ['https://169.254.10.10/', /link-local/],
        ['https://[fe80::1]/', /link-local/],
        ['https://[fc00::1]/', /unique-local/],
        ['https://0.0.0.0/', /unspecified/],
        ['https://[::]/', /unspecified/],
        ['https://[::ffff:127.0.0.1]/', /loopback/],
        ['https://[::ffff:7f00:1]/', /loopback/],
        ['https://[::ffff:a9fe:a9fe]/', /cloud metadata/],
        ['https://2130706433/', /127\.0\.0\.1, a loopback/],
        ['https://0x7f.1/', /127\.0\.0\.1, a loopback/],
        ['https://0177.0.0.1/', /loopback/],
        ['https://224.0.0.1/', /multicast/],
        ['https://255.255.255.255/', /broadcast/],
        ['http://localhost:8080/', /localhost resolves to 127\.0\.0\.1, a loopback/],
        ['https://private.test/', /private\.test resolves to 192\.168\.1\.10, a private/],
        ['https://mixed.test/', /mixed\.test resolves to 10\.0\.0\.5/],
        ['https://v6.test/', /v6\.test resolves to ::1, a loopback/],
        ['https://nowhere.test/', /nowhere\.test has no address \(ENOTFOUND\)/],
      ];
      for (const [url, message] of refused) {
        const answer = await putWebhook(server(), clientId, url);
        assert.equal(answer.status, 400, url);
        assert.equal(answer.errorType, 'BadRequestException', url);
        assert.equal(answer.json.Code, 'BadRequest', url);
        assert.match(answer.json.Message, message, url);
      }
      const got = await signedFetch(server().url, server().operator, {
        method: 'GET',
        path: `/app-clients/${clientId}/webhook`,
      });
      assert.equal(got.status, 404, 'nothing was set');
      const failures = await server()
        .services.db.selectFrom('audit_events')
        .select(['outcome', 'details'])
        .where('operation', '=', 'PutAppWebhook')
        .where('target_id', '=', clientId)
        .execute();
      assert.equal(failures.length, refused.length);
      assert.ok(failures.every((f) => f.outcome === 'Failure'));
      assert.match(failures.map((f) => f.details).join(), /metadata/);
    });

    it('accepts a public address, and an inside one the operator allowed', async () => {
      const clientId = await newApp(server());
      dns.a.set('public.test', ['93.184.216.34']);
      try {
        // Set only, and removed again before any job runs: nothing is ever sent there.
        const publicHook = await putWebhook(server(), clientId, 'https://public.test/hook');
        assert.equal(publicHook.status, 200, JSON.stringify(publicHook.json));
      } finally {
        await server().services.appWebhooks.deleteAppWebhook(operator, clientId);
      }
      const allowed = await putWebhook(server(), clientId, `${allowedReceiver.url}?app=${clientId}`);
      assert.equal(allowed.status, 200, JSON.stringify(allowed.json));
    });

    it('connects to the address it checked, even when the name resolves elsewhere a moment later', async () => {
      const clientId = await newApp(server());
      dns.a.set('pinned.test', ['127.0.0.2']);
      const set = await putWebhook(server(), clientId, `https://pinned.test:${port}/hook?app=${clientId}`);
      assert.equal(set.status, 200, JSON.stringify(set.json));
      // Rebinding between check and connection: the first A answer of the delivery is the
      // allowed address, and every later one the refused address.
      dns.onQuery = (name, type) => {
        if (name === 'pinned.test' && type === 1) dns.a.set('pinned.test', ['127.0.0.1']);
      };
      const before = { allowed: allowedListener.connections, refused: refusedListener.connections };
      try {
        await announceSomething(server());
        await server().runJobs();
      } finally {
        dns.onQuery = undefined;
      }
      assert.equal(allowedListener.connections - before.allowed, 1, 'connected to the checked address');
      assert.equal(refusedListener.connections - before.refused, 0, 'never to a later answer');
    });

    it('refuses a delivery whose name now resolves inside (DNS rebinding), without connecting', async () => {
      const clientId = await newApp(server());
      dns.a.set('rebind.test', ['127.0.0.2']);
      const set = await putWebhook(server(), clientId, `https://rebind.test:${port}/hook?app=${clientId}`);
      assert.equal(set.status, 200, JSON.stringify(set.json));
      dns.a.set('rebind.test', ['127.0.0.1']);
      const before = { allowed: allowedListener.connections, refused: refusedListener.connections };
      await announceSomething(server());
      await server().runJobs();
      assert.equal(refusedListener.connections - before.refused, 0);
      // the app of the previous test is delivered to (pinned.test), nothing else
      assert.ok(allowedListener.connections - before.allowed <= 1);
      assert.match(
        (await lastDeliveryError(server(), clientId)) ?? '',
        new RegExp(
          `the webhook of app ${clientId} was not called: Url's host rebind\\.test resolves to 127\\.0\\.0\\.1, a loopback address`,
        ),
      );
    });

    it('does not follow a redirect, to an inside address or anywhere', async () => {
      const clientId = await newApp(server());
      const set = await putWebhook(server(), clientId, `${redirector.url}?app=${clientId}`);
      assert.equal(set.status, 200, JSON.stringify(set.json));
      await announceSomething(server());
      await server().runJobs();
      assert.ok(redirector.hits > 0, 'the redirecting receiver was asked');
      assert.equal(refusedReceiver.received.length, 0, 'the redirect was not followed');
      assert.match(
        (await lastDeliveryError(server(), clientId)) ?? '',
        /answered HTTP 307; redirects are not followed/,
      );
    });

    it('refuses an inside address from `clients webhook set` too, unless the CLI allows it', async () => {
      const clientId = await newApp(server());
      const cli = async (allow: string, url: string) =>
        belfry(
          {
            BELFRY_DATA_DIR: dir,
            DATABASE_URL: await databaseUrlOf(server().database),
            BELFRY_MASTER_KEY: '07'.repeat(32),
            BELFRY_WEBHOOK_ALLOW_PRIVATE: allow,
          },
          ['clients', 'webhook', 'set', clientId, '--url', url],
          dir,
        );
      const refused = await cli(ALLOW, 'http://127.0.0.1:9/hook');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /127\.0\.0\.1, a loopback address: webhooks go only to public addresses/);
      const badRange = await cli('127.0.0.0/40', 'http://127.0.0.1:9/hook');
      assert.equal(badRange.code, 78);
      assert.match(badRange.stderr, /BELFRY_WEBHOOK_ALLOW_PRIVATE must list CIDR ranges/);
      const allowed = await cli('127.0.0.0/8', 'http://127.0.0.1:9/hook');
      assert.equal(allowed.code, 0, allowed.stderr);
      await server().services.appWebhooks.deleteAppWebhook(operator, clientId);
    });
  },
  { BELFRY_WEBHOOK_ALLOW_PRIVATE: ALLOW, DNS_SERVERS: dns.address },
);

it('takes `localhost` as both of its loopback addresses: the documented trial setting allows it', async () => {
  const hook = new URL('http://localhost:3000/hook');
  const trial = createWebhookDestinations({ allowPrivate: ['127.0.0.0/8', '::1'], dnsServers: [] });
  assert.deepEqual(
    (await trial.check(hook)).map((a) => a.address),
    ['127.0.0.1', '::1'],
  );
  const ipv4Only = createWebhookDestinations({ allowPrivate: ['127.0.0.0/8'], dnsServers: [] });
  await assert.rejects(ipv4Only.check(hook), /resolves to ::1, a loopback address/);
});

it('refuses to start a server whose BELFRY_WEBHOOK_ALLOW_PRIVATE is no list of ranges', async () => {
  const failed = await failedStart({
    BELFRY_DATA_DIR: dir,
    PORT: '0',
    BELFRY_WEBHOOK_ALLOW_PRIVATE: '10.0.0.0/8,intranet',
  });
  assert.equal(failed.code, 78, failed.stderr);
  assert.match(
    failed.stderr,
    /BELFRY_WEBHOOK_ALLOW_PRIVATE must list CIDR ranges or addresses .+ not "intranet"/,
  );
});

/** A receiver on the allowed address that answers every delivery with a redirect to `location`. */
async function startRedirector(location: string): Promise<{ server: Server; url: string; hits: number }> {
  const state = { server: createServer(), url: '', hits: 0 };
  state.server.on('request', (request, response) => {
    state.hits++;
    request.resume();
    response.writeHead(307, { location }).end();
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.2', resolve));
  state.url = `http://127.0.0.2:${(state.server.address() as AddressInfo).port}/belfry-events`;
  return state;
}

/** A TCP listener that counts the connections it gets and closes each at once. */
async function startListener(host: string, port: number) {
  const state = { server: createTcpServer(), port: 0, connections: 0 };
  state.server.on('connection', (socket) => {
    state.connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    state.server.once('error', reject);
    state.server.listen(port, host, resolve);
  });
  state.port = (state.server.address() as AddressInfo).port;
  return state as { server: TcpServer; port: number; connections: number };
}
