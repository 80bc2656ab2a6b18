import * as oidc from 'openid-client';
import { Browser } from '../test/helpers/browser.js';
import { signIn, type App } from '../test/oidc/flow.js';
import { BENCH_PASSWORD } from './identity-seed.js';
import type { Seeded } from './seed.js';
import type { SignedGet } from './sign.js';

/** A request apps send to the live check, authenticated as the bench app. */
export function liveCheckRequest(
  origin: string,
  seeded: Seeded,
  sub: string,
  entitlement: string,
): SignedGet {
  const url = new URL('/entitlements/check', origin);
  url.search = new URLSearchParams({ sub, entitlement }).toString();
  return { url: url.toString(), headers: { authorization: basicAuth(seeded) } };
}

export const basicAuth = (seeded: Seeded) =>
  `Basic ${Buffer.from(`${seeded.app.clientId}:${seeded.app.clientSecret}`).toString('base64')}`;

/**
 * Signs `count` different seeded users in through the whole code flow (as a browser and the app
 * would) and returns their refresh tokens: each starts one chain of refreshes under load.
 */
export async function refreshTokensOf(origin: string, seeded: Seeded, count: number): Promise<string[]> {
  const config = await oidc.discovery(
    new URL('/oidc', origin),
    seeded.app.clientId,
    undefined,
    oidc.ClientSecretBasic(seeded.app.clientSecret),
    { execute: [oidc.allowInsecureRequests] },
  );
  const app = { client: undefined as never, config, redirectUri: seeded.app.redirectUri } satisfies App;
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    // Users spread over the account (seed.ts names the n-th user of the listing user<n>).
    const email = `user${(i * 7919) % seeded.userIds.length}@bench.example.com`;
    const outcome = await signIn(app, new Browser(origin), { email, password: BENCH_PASSWORD });
    if (!outcome.ok) throw new Error(`bench sign-in of ${email} refused: ${outcome.error.error_description}`);
    tokens.push(outcome.tokens.refresh_token!);
  }
  return tokens;
}

export interface ChainResult {
  requests: number;
  seconds: number;
  /** milliseconds, sorted */
  latencies: number[];
  /** the last answer's body, for the baseline to answer with */
  lastBody: string;
  /** each chain's newest refresh token, to go on with */
  tokens: string[];
}

/**
 * Refresh-token grants in closed loops, one per token, for `seconds`: each answer's new refresh
 * token is the next request's (they rotate, so a request cannot simply be replayed the way
 * autocannon replays the other scenarios). Against the bare route the token stays the same.
 */
export async function refreshLoops(
  tokenUrl: string,
  authorization: string,
  tokens: string[],
  seconds: number,
): Promise<ChainResult> {
  const latencies: number[] = [];
  let lastBody = '';
  const started = performance.now();
  const end = started + seconds * 1000;
  const newest = await Promise.all(
    tokens.map(async (first) => {
      let token = first;
      // At least one request per chain, however short the time.
      do {
        const t0 = performance.now();
        const response = await fetch(tokenUrl, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
        });
        const body = await response.text();
        if (!response.ok) throw new Error(`refresh answered ${response.status}: ${body}`);
        latencies.push(performance.now() - t0);
        token = (JSON.parse(body) as { refresh_token?: string }).refresh_token ?? token;
        lastBody = body;
      } while (performance.now() < end);
      return token;
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds: (performance.now() - started) / 1000,
    latencies,
    lastBody,
    tokens: newest,
  };
}
