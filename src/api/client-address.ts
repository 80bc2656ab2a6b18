import type { FastifyRequest } from 'fastify';
import type { TrustProxy } from '../config.js';

/**
 * Fastify's `trustProxy` for BELFRY_TRUST_PROXY. Fastify (through proxy-addr) walks the chain from
 * the connection's peer back through `X-Forwarded-For`, right to left, and stops at the first
 * address it does not trust: that one is the client. A hop count becomes "trust this many hops",
 * since Fastify takes a bare number as "trust nobody".
 */
export function fastifyTrustProxy(
  trust: TrustProxy,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false;
  if ('hops' in trust) return (_address, hop) => hop < trust.hops;
  return [...trust.proxies];
}

/**
 * The client's address, the one every consumer uses: the sign-in limits, the mail budget, the
 * audit trail and the OpenID provider (which is handed this value, see oidc/plugin.ts). Never
 * parse `X-Forwarded-For` anywhere else: a second reading would let a client pick its own.
 */
export function clientAddress(request: FastifyRequest): string {
  return request.ip;
}
