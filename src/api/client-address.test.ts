import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import Provider from 'oidc-provider';
import { loadConfig } from '../config.js';
import { clientAddress, fastifyTrustProxy } from './client-address.js';
import { stateOrigin } from './oidc/plugin.js';

/** The client address Belfry finds for a request from `peer` carrying `forwardedFor`. */
async function seen(trust: string, peer: string, forwardedFor?: string): Promise<string> {
  const config = loadConfig({ BELFRY_TRUST_PROXY: trust }, '/tmp');
  const app = Fastify({ trustProxy: fastifyTrustProxy(config.trustProxy) });
  app.get('/', async (request) => clientAddress(request));
  const response = await app.inject({
    url: '/',
    remoteAddress: peer,
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  });
  await app.close();
  return response.body;
}

describe('clientAddress', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    for (const trust of ['', 'false', '0'])
      assert.equal(await seen(trust, '198.51.100.1', '203.0.113.9'), '198.51.100.1');
  });

  it('reads X-Forwarded-For right to left through the trusted proxies only', async () => {
    const proxies = '10.0.0.0/8,192.0.2.7';
    // The peer is a proxy: the address it saw is the client, whatever the client claimed before it.
    assert.equal(await seen(proxies, '192.0.2.7', '6.6.6.6, 198.51.100.9'), '198.51.100.9');
    // Through a chain of trusted proxies, to the first address that is not one.
    assert.equal(await seen(proxies, '192.0.2.7', '6.6.6.6, 198.51.100.9, 10.1.2.3'), '198.51.100.9');
    // A spoofed trusted address before an untrusted one changes nothing.
    assert.equal(await seen(proxies, '192.0.2.7', '10.9.9.9, 198.51.100.9'), '198.51.100.9');
    // A client that reaches Belfry directly is not believed.
    assert.equal(await seen(proxies, '198.51.100.1', '203.0.113.9'), '198.51.100.1');
    // Without the header, the peer itself.
    assert.equal(await seen(proxies, '192.0.2.7'), '192.0.2.7');
  });

  it('takes IPv6 ranges and IPv4 peers seen as IPv4-mapped IPv6', async () => {
    assert.equal(await seen('2001:db8::/48', '2001:db8::5', '2001:db8::9, 2001:db8:1::1'), '2001:db8:1::1');
    assert.equal(await seen('127.0.0.1', '::ffff:127.0.0.1', '198.51.100.9'), '198.51.100.9');
  });

  it('with a hop count, takes the address that many hops from the right', async () => {
    assert.equal(await seen('1', '198.51.100.1', '6.6.6.6, 203.0.113.9'), '203.0.113.9');
    assert.equal(await seen('2', '198.51.100.1', '6.6.6.6, 203.0.113.9'), '6.6.6.6');
    assert.equal(await seen('3', '198.51.100.1', '6.6.6.6, 203.0.113.9'), '6.6.6.6');
  });
});

describe('the OpenID provider sees the same client address', () => {
  /** Belfry's address and oidc-provider's `ctx.ip` (Koa) for one request, handed over as the mount does. */
  async function both(trust: string, peer: string, forwardedFor: string): Promise<[string, string]> {
    const config = loadConfig({ BELFRY_TRUST_PROXY: trust }, '/tmp');
    const provider = new Provider('http://127.0.0.1/oidc', {});
    provider.proxy = true; // as provider.ts sets it
    provider.use(async (ctx) => {
      ctx.body = ctx.ip;
    });
    const handle = provider.callback();
    const app = Fastify({ trustProxy: fastifyTrustProxy(config.trustProxy) });
    app.get('/oidc/ip', async (request, reply) => {
      reply.hijack();
      reply.raw.setHeader('x-belfry-ip', clientAddress(request));
      stateOrigin(request.raw, new URL('http://127.0.0.1'), clientAddress(request));
      await handle(request.raw, reply.raw);
    });
    const response = await app.inject({
      url: '/oidc/ip',
      remoteAddress: peer,
      headers: { 'x-forwarded-for': forwardedFor },
    });
    await app.close();
    return [String(response.headers['x-belfry-ip']), response.body];
  }

  it('without a trusted proxy, and through one, reading X-Forwarded-For once', async () => {
    assert.deepEqual(await both('', '198.51.100.1', '6.6.6.6'), ['198.51.100.1', '198.51.100.1']);
    assert.deepEqual(await both('192.0.2.7', '192.0.2.7', '6.6.6.6, 198.51.100.9'), [
      '198.51.100.9',
      '198.51.100.9',
    ]);
  });
});
