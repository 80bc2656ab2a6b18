import type { Seeded } from './seed.js';
import { signGet, type SignedGet } from './sign.js';

/** What the checks read from GetUser's and ListUsers' answers. */
interface WireBody {
  User?: { UserId?: string };
  Users?: Array<{ UserId?: string }>;
}

/** One benchmarked request: what it is, the signed request, and the body Belfry answered it with. */
export interface Scenario {
  name: string;
  request: SignedGet;
  body: string;
}

/**
 * GetUser of a user halfway through the account, ListUsers' first page, and the page that starts
 * after user `deepAt` (reached by following NextToken as a client would). Each is fetched once
 * and checked, so a benchmark of 403s or of the wrong page cannot pass for a result.
 */
export async function prepareScenarios(origin: string, seeded: Seeded, deepAt: number): Promise<Scenario[]> {
  const { accountId, userIds, credentials } = seeded;
  const middle = userIds[Math.floor(userIds.length / 2)]!;
  const deepToken = await walkToToken(origin, seeded, deepAt);
  const plan: Array<[string, string, (body: WireBody) => boolean]> = [
    ['GetUser', `/accounts/${accountId}/users/${middle}`, (b) => b.User?.UserId === middle],
    ['ListUsers first page', `/accounts/${accountId}/users`, (b) => b.Users?.[0]?.UserId === userIds[0]],
    [
      `ListUsers page after ${deepAt.toLocaleString('en')} users`,
      `/accounts/${accountId}/users?next-token=${encodeURIComponent(deepToken)}`,
      (b) => b.Users?.[0]?.UserId === userIds[deepAt],
    ],
  ];
  const scenarios: Scenario[] = [];
  for (const [name, path, check] of plan) {
    const request = await signGet(origin, path, credentials);
    const body = await fetchOk(request);
    if (!check(JSON.parse(body) as WireBody))
      throw new Error(`${name}: Belfry answered with the wrong content`);
    scenarios.push({ name, request, body });
  }
  return scenarios;
}

/** Follows NextToken in pages of 200 (the model's maximum) until `count` users have been listed. */
async function walkToToken(origin: string, seeded: Seeded, count: number): Promise<string> {
  const pageSize = 200;
  if (count % pageSize !== 0) throw new Error(`the deep page must start at a multiple of ${pageSize}`);
  let token: string | undefined;
  for (let seen = 0; seen < count; seen += pageSize) {
    const query = `max-results=${pageSize}${token ? `&next-token=${encodeURIComponent(token)}` : ''}`;
    const page = JSON.parse(
      await fetchOk(
        await signGet(origin, `/accounts/${seeded.accountId}/users?${query}`, seeded.credentials),
      ),
    ) as { NextToken?: string };
    if (!page.NextToken) throw new Error(`the listing ended before ${count} users`);
    token = page.NextToken;
  }
  return token!;
}

async function fetchOk(request: SignedGet): Promise<string> {
  const { host: _, ...headers } = request.headers;
  const response = await fetch(request.url, { headers });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${request.url} answered ${response.status}: ${body}`);
  return body;
}
