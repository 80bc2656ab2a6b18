import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import type { Config } from '../../config.js';
import type { Services } from '../../services.js';
import { clientAddress } from '../client-address.js';
import { interactionPages } from './interactions.js';
import { createProvider, OIDC_PREFIX } from './provider.js';

/** The provider as of a set of signing keys. */
interface Current {
  version: string;
  provider: Provider;
  handle: ReturnType<Provider['callback']>;
}

/** Gives the provider for the signing keys in the database now, rebuilt when they change. */
export type ProviderSource = () => Promise<Provider>;

/**
 * Belfry's OpenID provider for the platform's apps: oidc-provider under `/oidc`, and Belfry's
 * sign-in pages for its interactions. The provider is a Koa app; each request under the prefix
 * is handed to it raw (`reply.hijack()`), body unread, so it parses what it needs and the Chime
 * API's raw-body handling beside it is untouched. A rotation of the signing keys (by the CLI or
 * another server) is picked up on the next request: the key set's version is read each time,
 * and the provider rebuilt when it moved.
 */
export async function oidcProvider(app: FastifyInstance, options: { services: Services; config: Config }) {
  const { services, config } = options;
  const keys = services.oidc.keys;
  await keys.ensureActiveKey();
  const cookieKeys = await keys.cookieKeys();
  const publicUrl = new URL(config.publicUrl);
  let current: Current | undefined;

  async function load(): Promise<Current> {
    const version = await keys.version();
    if (current?.version === version) return current;
    const provider = createProvider({
      services,
      config,
      keys: await keys.publishedKeys(),
      cookieKeys,
      log: app.log,
    });
    current = { version, provider, handle: provider.callback() };
    return current;
  }

  await app.register(async (mount) => {
    mount.removeAllContentTypeParsers();
    // Leaves the body in the stream for the provider, which reads it itself.
    mount.addContentTypeParser('*', (_request, _payload, done) => done(null));
    mount.all(`${OIDC_PREFIX}/*`, async (request, reply) => {
      const { handle } = await load();
      reply.hijack();
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      stateOrigin(raw, publicUrl, clientAddress(request));
      // The provider sees paths below its mount; originalUrl tells it where it is mounted.
      raw.originalUrl = raw.url;
      raw.url = raw.url!.slice(OIDC_PREFIX.length) || '/';
      await handle(raw, reply.raw);
    });
  });

  await app.register(interactionPages, {
    services,
    config,
    provider: async () => (await load()).provider,
  });
}

/**
 * URLs the provider builds (discovery, redirects) and whether its cookies are Secure follow
 * BELFRY_PUBLIC_URL, the address people reach Belfry at, whatever proxy is in between. The
 * client's address is the one Belfry found (through BELFRY_TRUST_PROXY's proxies only), stated
 * alone, so the provider's `ctx.ip` (Koa reads X-Forwarded-For itself) is the same address.
 */
export function stateOrigin(raw: IncomingMessage, publicUrl: URL, client: string): void {
  raw.headers['x-forwarded-proto'] = publicUrl.protocol.slice(0, -1);
  raw.headers['x-forwarded-host'] = publicUrl.host;
  raw.headers['x-forwarded-for'] = client;
}
