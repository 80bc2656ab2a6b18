import type { PhoneNumberFilter } from '../src/store/phone-numbers.js';
import type { SeededNumber } from '../test/helpers/phone-inventory.js';
import type { Seeded } from './seed.js';
import { signGet, type SignedGet } from './sign.js';

/** What the checks read from the answers. */
interface WireBody {
  User?: { UserId?: string };
  Users?: Array<{ UserId?: string }>;
  PhoneNumbers?: Array<{ E164PhoneNumber?: string; Status?: string; ProductType?: string }>;
}

/** One benchmarked request: what it is, the signed request, and the body Belfry answered it with. */
export interface Scenario {
  name: string;
  request: SignedGet;
  body: string;
  /** the store query behind a ListPhoneNumbers page, for its query plan */
  phoneQuery?: PhoneNumberFilter;
}

/** A scenario before it is prepared: walking to a deep page's token takes a while, so only chosen ones are. */
interface Plan {
  name: string;
  pathAndQuery: () => Promise<string>;
  check: (body: WireBody) => boolean;
  phoneQuery?: PhoneNumberFilter;
}

/** The model's largest page: 200 for ListUsers, 99 (ResultMax) for ListPhoneNumbers. */
const USER_PAGE_MAX = 200;
const PHONE_PAGE_MAX = 99;

/**
 * The scenarios whose name contains `only` (all without it), each fetched once and checked, so
 * a benchmark of 403s or of the wrong page cannot pass for a result:
 * - GetUser of a user halfway through the account, ListUsers' first page, and the page after
 *   90% of the users (reached by following NextToken as a client would);
 * - ListPhoneNumbers filtered by status (Unassigned) and by product type (BusinessCalling), each
 *   its first page and the page after 90% of the matching numbers, 99 numbers a page.
 */
export async function prepareScenarios(
  origin: string,
  seeded: Seeded,
  only: string | undefined,
): Promise<Scenario[]> {
  const plans = [...userPlans(origin, seeded), ...phonePlans(origin, seeded)];
  const chosen = plans.filter((p) => only === undefined || p.name.includes(only));
  const scenarios: Scenario[] = [];
  for (const { name, pathAndQuery, check, phoneQuery } of chosen) {
    const request = await signGet(origin, await pathAndQuery(), seeded.credentials);
    const body = await fetchOk(request);
    if (!check(JSON.parse(body) as WireBody))
      throw new Error(`${name}: Belfry answered with the wrong content`);
    scenarios.push({ name, request, body, ...(phoneQuery && { phoneQuery }) });
  }
  return scenarios;
}

function userPlans(origin: string, seeded: Seeded): Plan[] {
  const { accountId, userIds } = seeded;
  const middle = userIds[Math.floor(userIds.length / 2)]!;
  const path = `/accounts/${accountId}/users`;
  const deepAt = deepPosition(userIds.length, USER_PAGE_MAX);
  return [
    {
      name: 'GetUser',
      pathAndQuery: async () => `${path}/${middle}`,
      check: (b) => b.User?.UserId === middle,
    },
    {
      name: 'ListUsers first page',
      pathAndQuery: async () => path,
      check: (b) => b.Users?.[0]?.UserId === userIds[0],
    },
    {
      name: `ListUsers page after ${deepAt.toLocaleString('en')} users`,
      pathAndQuery: async () => {
        const token = await walkToToken(origin, seeded, `${path}?max-results=${USER_PAGE_MAX}`, deepAt);
        return `${path}?next-token=${encodeURIComponent(token)}`;
      },
      check: (b) => b.Users?.[0]?.UserId === userIds[deepAt],
    },
  ];
}

function phonePlans(origin: string, seeded: Seeded): Plan[] {
  const filters: Array<[string, Omit<PhoneNumberFilter, 'limit'>, (n: SeededNumber) => boolean]> = [
    ['status=Unassigned', { status: 'Unassigned' }, (n) => n.status === 'Unassigned'],
    [
      'product-type=BusinessCalling',
      { productType: 'BusinessCalling' },
      (n) => n.productType === 'BusinessCalling',
    ],
  ];
  // The store is asked for one row more than the page, to learn whether there is a next page.
  const limit = PHONE_PAGE_MAX + 1;
  return filters.flatMap(([filter, storeFilter, matches]) => {
    const listed = seeded.phoneNumbers.filter(matches);
    const query = `${filter}&max-results=${PHONE_PAGE_MAX}`;
    const deepAt = deepPosition(listed.length, PHONE_PAGE_MAX);
    // The page holds the next numbers of the listing, and only numbers the filter lets through.
    const pageFrom = (start: number) => (b: WireBody) => {
      const expected = listed.slice(start, start + PHONE_PAGE_MAX);
      const page = b.PhoneNumbers ?? [];
      return (
        page.length === expected.length &&
        page.every(
          (n, i) =>
            n.E164PhoneNumber === expected[i]!.e164 &&
            n.Status === expected[i]!.status &&
            n.ProductType === expected[i]!.productType,
        )
      );
    };
    return [
      {
        name: `ListPhoneNumbers ${filter} first page`,
        pathAndQuery: async () => `/phone-numbers?${query}`,
        check: pageFrom(0),
        phoneQuery: { ...storeFilter, limit },
      },
      {
        name: `ListPhoneNumbers ${filter} page after ${deepAt.toLocaleString('en')} numbers`,
        pathAndQuery: async () => {
          const token = await walkToToken(origin, seeded, `/phone-numbers?${query}`, deepAt);
          return `/phone-numbers?${query}&next-token=${encodeURIComponent(token)}`;
        },
        check: pageFrom(deepAt),
        phoneQuery: { ...storeFilter, afterId: listed[deepAt - 1]!.e164, limit },
      },
    ];
  });
}

/** Where the deep page starts: 90% of the way into the listing, on a whole number of pages. */
function deepPosition(listed: number, pageSize: number): number {
  return Math.max(pageSize, Math.floor((listed * 0.9) / pageSize) * pageSize);
}

/**
 * Follows NextToken from `firstPage` (whose query sets max-results) until `count` items have been
 * listed, as a client would, and returns the token of the page after them.
 */
async function walkToToken(
  origin: string,
  seeded: Seeded,
  firstPage: string,
  count: number,
): Promise<string> {
  let token: string | undefined;
  for (let seen = 0; seen < count;) {
    const pathAndQuery = token ? `${firstPage}&next-token=${encodeURIComponent(token)}` : firstPage;
    const page = JSON.parse(await fetchOk(await signGet(origin, pathAndQuery, seeded.credentials))) as {
      NextToken?: string;
      Users?: unknown[];
      PhoneNumbers?: unknown[];
    };
    const listed = (page.Users ?? page.PhoneNumbers ?? []).length;
    if (!page.NextToken || listed === 0)
      throw new Error(`${firstPage}: the listing ended before ${count} items`);
    seen += listed;
    if (seen > count) throw new Error(`${firstPage}: ${count} is not on a page boundary`);
    token = page.NextToken;
  }
  return token!;
}

/** GETs a signed request once (fetch sets Host from the URL) and gives its body; anything but 200 throws. */
export async function fetchOk(request: SignedGet): Promise<string> {
  const { host: _, ...headers } = request.headers;
  const response = await fetch(request.url, { headers });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET ${request.url} answered ${response.status}: ${body}`);
  return body;
}
