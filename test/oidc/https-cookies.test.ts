import assert from 'node:assert/strict';
import { it } from 'node:test';
import { systemActor } from '../../src/domain/access/actor.js';
import { eachDialect } from '../helpers/suite.js';

await eachDialect(
  'OpenID provider behind https',
  (server) => {
    it('builds its URLs from BELFRY_PUBLIC_URL and marks its cookies Secure', async () => {
      const discovery = await fetch(`${server().url}/oidc/.well-known/openid-configuration`);
      const metadata = (await discovery.json()) as Record<string, string>;
      assert.equal(metadata.issuer, 'https://belfry.test.example/oidc');
      assert.equal(metadata.token_endpoint, 'https://belfry.test.example/oidc/token');

      const client = await server().services.oidc.clients.createClient(systemActor('test-setup'), {
        name: 'Secure app',
        redirectUris: ['https://app.example.com/callback'],
      });
      const query = new URLSearchParams({
        client_id: client.clientId,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: 'https://app.example.com/callback',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      });
      const response = await fetch(`${server().url}/oidc/auth?${query}`, { redirect: 'manual' });
      assert.equal(response.status, 303);
      assert.match(response.headers.get('location')!, /^\/interaction\//);
      const cookies = response.headers.getSetCookie();
      assert.ok(cookies.length > 0);
      for (const cookie of cookies) assert.match(cookie, /; secure/i, cookie);
    });
  },
  { BELFRY_PUBLIC_URL: 'https://belfry.test.example' },
);
