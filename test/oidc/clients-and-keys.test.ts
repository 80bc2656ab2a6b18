import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import * as oidc from 'openid-client';
import { systemActor } from '../../src/domain/access/actor.js';
import { Browser } from '../helpers/browser.js';
import type { TestServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { databaseUrlOf } from '../helpers/databases.js';
import { eachDialect } from '../helpers/suite.js';
import { belfry } from '../cli/processes.js';
import { freePort, person, refusalOf, signedIn, startCallback, type App } from './flow.js';

const port = await freePort();
const callback = await startCallback();
const dir = mkdtempSync(join(tmpdir(), 'belfry-oidc-cli-'));
after(async () => {
  await callback.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The test servers seal secrets with this key (test/helpers/server.ts). */
const MASTER_KEY = '07'.repeat(32);

const databaseUrl = (server: TestServer) => databaseUrlOf(server.database);

async function cli(server: TestServer, ...args: string[]) {
  const env = {
    BELFRY_DATA_DIR: dir,
    DATABASE_URL: await databaseUrl(server),
    BELFRY_MASTER_KEY: MASTER_KEY,
    BELFRY_WEBHOOK_ALLOW_PRIVATE: '127.0.0.0/8',
  };
  return belfry(env, args, dir);
}

async function appFor(server: TestServer, clientId: string, secret: string): Promise<App> {
  const config = await oidc.discovery(
    new URL(`${server.url}/oidc`),
    clientId,
    undefined,
    oidc.ClientSecretBasic(secret),
    { execute: [oidc.allowInsecureRequests] },
  );
  return { client: undefined as never, config, redirectUri: callback.url };
}

/**
 * Checks a JWT's signature against the provider's published keys, as any app would; gives the
 * key id and the algorithm.
 */
async function verifiesWithJwks(server: TestServer, jwt: string): Promise<{ kid: string; alg: string }> {
  const jwks = (await (await fetch(`${server.url}/oidc/jwks`)).json()) as {
    keys: Array<{ kid: string; alg: string }>;
  };
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as {
    kid: string;
    alg: string;
  };
  const jwk = jwks.keys.find((k) => k.kid === kid);
  assert.ok(jwk, `key ${kid} is published`);
  assert.equal(jwk.alg, alg, 'the token names the algorithm its key is published for');
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const verifying = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  assert.ok(
    verify('sha256', Buffer.from(`${header}.${payload}`), verifying, Buffer.from(signature, 'base64url')),
    `the ${alg} signature verifies`,
  );
  return { kid, alg };
}

await eachDialect(
  'OpenID provider: app clients and signing keys',
  (server) => {
    it('registers, lists and deletes app clients through the extension operations, audited', async () => {
      const created = await signedFetch(server().url, server().operator, {
        method: 'POST',
        path: '/app-clients',
        body: {
          Name: 'Meetings',
          RedirectUris: [callback.url],
          PostLogoutRedirectUris: ['https://meet.example.com/bye'],
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const { ClientId, ClientSecret, Name, RedirectUris } = created.json.AppClient;
      assert.equal(Name, 'Meetings');
      assert.deepEqual(RedirectUris, [callback.url]);
      assert.match(ClientSecret, /^[A-Za-z0-9_-]{43}$/);

      const listed = await signedFetch(server().url, server().operator, {
        method: 'GET',
        path: '/app-clients',
      });
      assert.equal(listed.status, 200);
      const mine = listed.json.AppClients.find((c: { ClientId: string }) => c.ClientId === ClientId);
      assert.equal(mine.Name, 'Meetings');
      assert.equal(mine.ClientSecret, undefined, 'the secret is never shown again');

      // The client works at once: a whole sign-in, then a refresh.
      const app = await appFor(server(), ClientId, ClientSecret);
      const member = await person(server());
      const tokens = await signedIn(app, new Browser(server().url), member.email);
      assert.ok(await oidc.refreshTokenGrant(app.config, tokens.refresh_token!).then((t) => t.access_token));

      const deleted = await signedFetch(server().url, server().operator, {
        method: 'DELETE',
        path: `/app-clients/${ClientId}`,
      });
      assert.equal(deleted.status, 204);
      assert.equal(
        (await refusalOf(oidc.refreshTokenGrant(app.config, tokens.refresh_token!))).error,
        'invalid_client',
      );
      const again = await signedFetch(server().url, server().operator, {
        method: 'DELETE',
        path: `/app-clients/${ClientId}`,
      });
      assert.equal(again.status, 404);
      assert.equal(again.errorType, 'NotFoundException');

      const trail = await server()
        .services.db.selectFrom('audit_events')
        .select(['operation', 'outcome', 'target_id', 'details'])
        .where('target_id', '=', ClientId)
        .orderBy('occurred_at')
        .execute();
      assert.deepEqual(
        trail.map((e) => [e.operation, e.outcome]),
        [
          ['CreateAppClient', 'Success'],
          ['DeleteAppClient', 'Success'],
          ['DeleteAppClient', 'Failure'],
        ],
      );
      assert.ok(
        trail.every((e) => !String(e.details).includes(ClientSecret)),
        'the secret is not in the trail',
      );
    });

    it('refuses bad redirect URIs and non-operator keys with Chime-format errors', async () => {
      const create = (body: unknown, credentials = server().operator) =>
        signedFetch(server().url, credentials, { method: 'POST', path: '/app-clients', body });
      const http = await create({ Name: 'Chat', RedirectUris: ['http://chat.example.com/cb'] });
      assert.equal(http.status, 400);
      assert.equal(http.errorType, 'BadRequestException');
      assert.match(http.json.Message, /must use https:\/\/ \(http:\/\/ is allowed only for 127\.0\.0\.1/);
      const relative = await create({ Name: 'Chat', RedirectUris: ['/callback'] });
      assert.equal(relative.status, 400);
      assert.match(relative.json.Message, /"\/callback" is not an absolute URL/);
      const fragment = await create({ Name: 'Chat', RedirectUris: ['https://chat.example.com/cb#x'] });
      assert.match(fragment.json.Message, /must not have a #fragment/);
      const missing = await create({ Name: 'Chat' });
      assert.equal(missing.status, 400);
      assert.match(
        missing.json.Message,
        /'redirectUris' failed to satisfy constraint: Member must not be null/,
      );
      const manager = await create(
        { Name: 'Chat', RedirectUris: ['https://chat.example.com/cb'] },
        await server().createKey('UserManagement'),
      );
      assert.equal(manager.status, 403);
      assert.equal(manager.json.Code, 'Forbidden');
    });

    it('registers, lists and deletes clients from the CLI', async () => {
      const created = await cli(
        server(),
        'clients',
        'create',
        '--name',
        'Calling',
        '--redirect-uri',
        callback.url,
      );
      assert.equal(created.code, 0, created.stderr);
      const clientId = /client id: +(\S+)/.exec(created.stdout)![1]!;
      const secret = /client secret: +(\S+)/.exec(created.stdout)![1]!;
      const app = await appFor(server(), clientId, secret);
      const member = await person(server());
      assert.ok((await signedIn(app, new Browser(server().url), member.email)).id_token);

      const listed = await cli(server(), 'clients', 'list', '--json');
      assert.equal(listed.code, 0, listed.stderr);
      const clients = JSON.parse(listed.stdout) as Array<{
        clientId: string;
        name: string;
        clientSecret?: string;
      }>;
      const mine = clients.find((c) => c.clientId === clientId)!;
      assert.equal(mine.name, 'Calling');
      assert.equal(mine.clientSecret, undefined);

      const bad = await cli(
        server(),
        'clients',
        'create',
        '--name',
        'X',
        '--redirect-uri',
        'ftp://x.example.com',
      );
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /must be an https:\/\/ URL/);

      const hook = await cli(
        server(),
        'clients',
        'webhook',
        'set',
        clientId,
        '--url',
        'https://127.0.0.1:9/hook',
      );
      assert.equal(hook.code, 0, hook.stderr);
      assert.match(hook.stdout, /signing secret: whsec_\S+/);
      const shown = await cli(server(), 'clients', 'webhook', 'show', clientId, '--json');
      assert.equal(shown.code, 0, shown.stderr);
      assert.equal((JSON.parse(shown.stdout) as { url: string }).url, 'https://127.0.0.1:9/hook');
      assert.ok(!shown.stdout.includes('whsec_'), 'the signing secret is never shown again');
      const plain = await cli(
        server(),
        'clients',
        'webhook',
        'set',
        clientId,
        '--url',
        'http://calls.example.com/',
      );
      assert.equal(plain.code, 1);
      assert.match(plain.stderr, /must use https/);

      // The server keeps the app it authenticated, until another process's delete is heard.
      const check = () =>
        fetch(`${server().url}/entitlements/check?sub=${member.identityId}&entitlement=chat`, {
          headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
        });
      assert.equal((await check()).status, 200);
      assert.equal((await check()).status, 200);
      const deleted = await cli(server(), 'clients', 'delete', clientId);
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.match(deleted.stdout, /Deleted app client/);
      assert.equal((await check()).status, 401, 'a deleted app is refused at once');
      const gone = await cli(server(), 'clients', 'webhook', 'show', clientId);
      assert.equal(gone.code, 1, 'the webhook goes with its app');
    });

    it('rotates signing keys: old ID tokens still verify, new ones are signed by the new key', async () => {
      const created = await server().services.oidc.clients.createClient(systemActor('test-setup'), {
        name: 'Rotation',
        redirectUris: [callback.url],
      });
      const app = await appFor(server(), created.clientId, created.clientSecret);
      const member = await person(server());
      const browser = new Browser(server().url);
      const before = (await signedIn(app, browser, member.email)).id_token!;
      const { kid: oldKid, alg } = await verifiesWithJwks(server(), before);
      assert.equal(alg, 'ES256', 'a client registered without an algorithm gets ES256');

      const rotated = await cli(server(), 'oidc', 'rotate-keys', '--json');
      assert.equal(rotated.code, 0, rotated.stderr);
      const newKeys = JSON.parse(rotated.stdout) as Array<{ kid: string; alg: string }>;
      assert.deepEqual(newKeys.map((k) => k.alg).sort(), ['ES256', 'RS256'], 'each algorithm rotates');
      const newKid = newKeys.find((k) => k.alg === 'ES256')!.kid;
      assert.notEqual(newKid, oldKid);
      for (const { kid } of newKeys)
        assert.match(kid, /^[0-9a-f]{24}$/, 'a key id never starts with "-", so it never reads as an option');

      // The running server picks the new key up on its next request, without a restart.
      const afterRotation = (await signedIn(app, browser)).id_token!;
      assert.equal((await verifiesWithJwks(server(), afterRotation)).kid, newKid);
      assert.equal((await verifiesWithJwks(server(), before)).kid, oldKid, 'the old key is still published');

      const listed = JSON.parse((await cli(server(), 'oidc', 'keys', '--json')).stdout) as Array<{
        kid: string;
        state: string;
      }>;
      assert.deepEqual(
        listed.filter((k) => [oldKid, newKid].includes(k.kid)).map((k) => [k.kid, k.state]),
        [
          [newKid, 'active'],
          [oldKid, 'published'],
        ],
      );
      const active = await cli(server(), 'oidc', 'retire-key', newKid);
      assert.equal(active.code, 1);
      assert.match(active.stderr, /is the active key/);
      assert.equal((await cli(server(), 'oidc', 'retire-key', oldKid)).code, 0);

      // Key ids made before they were hex were base64url, and one in 64 began with "-".
      const legacyKid = '-QxLegacyKeyId0123456789';
      const { db } = server().services;
      const old = await db
        .selectFrom('oidc_signing_keys')
        .selectAll()
        .where('kid', '=', oldKid)
        .executeTakeFirstOrThrow();
      await db
        .insertInto('oidc_signing_keys')
        .values({ ...old, kid: legacyKid, state: 'published' })
        .execute();
      const asOption = await cli(server(), 'oidc', 'retire-key', legacyKid);
      assert.equal(asOption.code, 2);
      assert.match(asOption.stderr, /after '--'/, 'the usage error says how to pass it');
      const legacy = await cli(server(), 'oidc', 'retire-key', '--', legacyKid);
      assert.equal(legacy.code, 0, legacy.stderr);
      const { keys: stillPublished } = await server()
        .services.oidc.keys.listKeys()
        .then((keys) => ({
          keys: keys.filter((k) => k.state === 'published'),
        }));
      for (const { kid } of stillPublished) await cli(server(), 'oidc', 'retire-key', kid);
      const jwks = (await (await fetch(`${server().url}/oidc/jwks`)).json()) as {
        keys: Array<{ kid: string }>;
      };
      assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), newKeys.map((k) => k.kid).sort());
    });

    it('signs ID tokens with RS256 for a client registered for it, on sign-in and refresh', async () => {
      const created = await signedFetch(server().url, server().operator, {
        method: 'POST',
        path: '/app-clients',
        body: { Name: 'Legacy verifier', RedirectUris: [callback.url], IdTokenSigningAlg: 'RS256' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const { ClientId, ClientSecret, IdTokenSigningAlg } = created.json.AppClient;
      assert.equal(IdTokenSigningAlg, 'RS256');
      const app = await appFor(server(), ClientId, ClientSecret);
      const member = await person(server());
      const tokens = await signedIn(app, new Browser(server().url), member.email);
      assert.equal((await verifiesWithJwks(server(), tokens.id_token!)).alg, 'RS256');
      const refreshed = await oidc.refreshTokenGrant(app.config, tokens.refresh_token!);
      assert.equal((await verifiesWithJwks(server(), refreshed.id_token!)).alg, 'RS256');

      const listed = await cli(server(), 'clients', 'list', '--json');
      const mine = (JSON.parse(listed.stdout) as Array<{ clientId: string; idTokenSigningAlg: string }>).find(
        (c) => c.clientId === ClientId,
      );
      assert.equal(mine?.idTokenSigningAlg, 'RS256');

      const unknown = await signedFetch(server().url, server().operator, {
        method: 'POST',
        path: '/app-clients',
        body: { Name: 'HS', RedirectUris: [callback.url], IdTokenSigningAlg: 'HS256' },
      });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.errorType, 'BadRequestException');
    });
  },
  { PORT: String(port) },
);
