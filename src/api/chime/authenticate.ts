import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/access/actor.js';
import type { Services } from '../../services.js';
import type { Config } from '../../config.js';
import { clientAddress } from '../client-address.js';
import { verifySigV4 } from './sigv4.js';
import { authenticateSession, isConsoleRequest } from '../console/session-cookie.js';

/**
 * Returns the admin principal behind the request: the console administrator of a session cookie
 * (with its CSRF header), or otherwise the key whose SigV4 signature it carries.
 */
export async function authenticate(
  request: FastifyRequest,
  body: Buffer,
  services: Services,
  config: Config,
): Promise<Actor> {
  if (isConsoleRequest(request)) return authenticateSession(request, services);
  return authenticateKey(request, body, services, config);
}

/** Verifies the request's SigV4 signature and returns the admin principal behind the key. */
async function authenticateKey(
  request: FastifyRequest,
  body: Buffer,
  services: Services,
  config: Config,
): Promise<Actor> {
  let principal: Awaited<ReturnType<Services['accessKeys']['resolveKey']>>;
  const caller = await verifySigV4(
    { method: request.method, rawUrl: request.raw.url ?? request.url, headers: request.headers, body },
    {
      service: 'chime',
      regions: config.sigv4.regions,
      maxSkewMs: config.sigv4.maxSkewSeconds * 1000,
      // Signature freshness is wall-clock time, not the business clock tests move around.
      now: new Date(),
      lookupSecret: async (accessKeyId) => {
        principal = await services.accessKeys.resolveKey(accessKeyId);
        return principal?.secretAccessKey;
      },
    },
  );
  const p = principal!.principal;
  const recorded = services.accessKeys.recordUse(caller.accessKeyId);
  if (recorded !== undefined)
    await recorded.catch((err: unknown) =>
      request.log.warn({ err }, 'could not record the access key as used'),
    );
  return {
    principalId: p.id,
    label: `key/${caller.accessKeyId} (${p.name})`,
    policy: p.policy,
    accountScope: p.accountId,
    requestId: request.id,
    sourceIp: clientAddress(request),
  };
}
