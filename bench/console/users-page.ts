/**
 * Issue 15's console figures, against one Belfry on loopback holding an account of 100,000 users:
 * - the first load of the Users page in Debian's Chromium, each time in a fresh browser context
 *   (nothing cached, the session cookie carried over): bytes transferred (the page and every
 *   script, style and API answer it fetched) and the time until the table's first row can be
 *   selected, against the same browser loading the console's empty sign-in page in the same run;
 * - the search the page makes (`ListUsers` with `user-email`, as the console calls it, with its
 *   session), p50 and p99, against the page of the first 50 users unfiltered in the same run;
 * - in one signed-in page, the time from an action to the table shown again with its answer: Next
 *   page, a deep page (the 20th, Next after Next), the status filter (Registered, which all
 *   match, and Suspended, which none does: the server reads past every row), the permissions
 *   filter (Basic, a third) and an email typed in the search; median and slowest of `--actions`.
 *
 *   node --import tsx bench/console/users-page.ts [--dialect sqlite|postgres] [--users 100000] [--loads 5] [--searches 300] [--actions 5]
 */
import { parseArgs } from 'node:util';
import { CreateAccountCommand } from '@aws-sdk/client-chime';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { systemActor } from '../../src/domain/access/actor.js';
import { newMember } from '../../src/domain/users/rules.js';
import type { Dialect } from '../../src/store/database.js';
import { insertUsers } from '../../src/store/users.js';
import { ConsoleClient } from '../../test/helpers/console-client.js';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { chromiumMissing, launchChromium } from '../../web/e2e/chromium.js';

const { values: args } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'sqlite' },
    users: { type: 'string', default: '100000' },
    loads: { type: 'string', default: '5' },
    searches: { type: 'string', default: '300' },
    actions: { type: 'string', default: '5' },
  },
});
const USERS = Number(args.users);
const PASSWORD = 'console bench password';
const ADMIN = 'bench-admin@example.com';

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ??
  NaN;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** An account of `count` members, inserted through the store (the API would take minutes). */
async function seededAccount(server: TestServer, count: number): Promise<string> {
  const { Account } = await server.client().send(new CreateAccountCommand({ Name: 'Bench 100k' }));
  const accountId = Account!.AccountId!;
  const at = new Date().toISOString();
  for (let from = 0; from < count; from += 5000) {
    const batch = Array.from({ length: Math.min(5000, count - from) }, (_, k) =>
      newMember(
        {
          id: server.services.ids.uuid(),
          accountId,
          email: `person${from + k}@bench.example`,
          displayName: `Person ${from + k}`,
          license: (from + k) % 3 === 0 ? 'Basic' : 'Pro',
          userType: 'PrivateUser',
          joined: 'registered',
        },
        at,
      ),
    );
    await insertUsers(server.services.db, batch);
  }
  return accountId;
}

/** A context signed in to the console (its cookies), to start fresh contexts from. */
async function signedInState(browser: Browser, server: TestServer) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}/console/`);
  await page.getByLabel('Email').fill(ADMIN);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
  const state = await context.storageState();
  await context.close();
  return state;
}

/** Bytes the page and everything it fetched took on the wire, as the browser counted them. */
async function transferred(context: BrowserContext): Promise<number> {
  const page = context.pages()[0]!;
  // a string, so the browser's own types need not be this (Node) program's
  return page.evaluate<number>(
    `[...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
      .reduce((sum, e) => sum + e.transferSize, 0)`,
  );
}

interface Load {
  ms: number;
  bytes: number;
}

/** One cold load: a fresh context, the clock from navigation to `ready`. */
async function coldLoad(
  browser: Browser,
  state: Awaited<ReturnType<typeof signedInState>> | undefined,
  url: string,
  ready: (page: import('playwright-core').Page) => Promise<unknown>,
): Promise<Load> {
  const context = await browser.newContext(state ? { storageState: state } : {});
  const page = await context.newPage();
  const started = performance.now();
  await page.goto(url);
  await ready(page);
  const ms = performance.now() - started;
  await page.waitForLoadState('networkidle');
  const bytes = await transferred(context);
  await context.close();
  return { ms, bytes };
}

async function timedCalls(count: number, call: (i: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call(i);
    times.push(performance.now() - started);
  }
  return times;
}

/**
 * The time from `action` until the Users table shows the answer of the ListUsers call it made: the
 * answer received and rendered (no "Loading users" left, rows or the empty line in the table).
 */
async function untilTableShown(page: Page, action: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await Promise.all([
    page.waitForResponse((r) => /\/accounts\/[^/]+\/users\?/.test(r.url()) && r.request().method() === 'GET'),
    action(),
  ]);
  await page.waitForFunction(
    `!document.body.innerText.includes('Loading users') && document.querySelectorAll('table tbody tr').length > 0`,
    undefined,
    { polling: 'raf' },
  );
  return performance.now() - started;
}

/** Picks an option of one of the Users page's filters (a Cloudscape Select). */
async function pick(page: Page, filter: string, option: string) {
  await page.getByRole('button', { name: filter }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** Each timed action on the Users page of 100,000, repeated `times`, from the unfiltered first page. */
async function tableActions(browser: Browser, state: Awaited<ReturnType<typeof signedInState>>, url: string) {
  const context = await browser.newContext({ storageState: state });
  const page = await context.newPage();
  const times: Record<string, number[]> = {
    'next page': [],
    'page 20': [],
    'status Registered (all)': [],
    'status Suspended (none)': [],
    'permissions Basic': [],
    'email search': [],
  };
  const next = () => page.getByRole('button', { name: 'Next page' }).click();
  const search = page.getByRole('searchbox', { name: 'Find users by email' });
  for (let round = 0; round < Number(args.actions); round++) {
    await untilTableShown(page, async () => void (await page.goto(url)));
    times['next page']!.push(await untilTableShown(page, next));
    for (let p = 3; p < 20; p++) await untilTableShown(page, next);
    times['page 20']!.push(await untilTableShown(page, next));
    times['status Registered (all)']!.push(
      await untilTableShown(page, () => pick(page, 'Filter by status', 'Registered')),
    );
    times['status Suspended (none)']!.push(
      await untilTableShown(page, () => pick(page, 'Filter by status', 'Suspended')),
    );
    await untilTableShown(page, () => pick(page, 'Filter by status', 'Any'));
    times['permissions Basic']!.push(
      await untilTableShown(page, () => pick(page, 'Filter by permissions', 'Basic')),
    );
    await untilTableShown(page, () => pick(page, 'Filter by permissions', 'Any'));
    // The search asks the server when typing pauses; the clock starts at the last key.
    const email = `person${(round * 7919 + 4242) % USERS}@bench.example`;
    await untilTableShown(page, () => search.fill(email.slice(0, -1)));
    times['email search']!.push(await untilTableShown(page, () => search.press(email.at(-1)!)));
    await page.getByRole('checkbox', { name: `Select ${email}` }).waitFor();
  }
  await context.close();
  return times;
}

const missing = chromiumMissing();
if (missing) throw new Error(`the console benchmark needs Chromium: ${missing}`);
const server = await startTestServer(args.dialect as Dialect, {
  BELFRY_API_REQUESTS_PER_SECOND: '1000000',
  BELFRY_API_BURST: '1000000',
});
const browser = await launchChromium();
try {
  console.log(`console benchmark on ${args.dialect}: an account of ${USERS} users`);
  const seedStarted = performance.now();
  const accountId = await seededAccount(server, USERS);
  console.log(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  await server.services.consoleAdmins.createAdmin(systemActor('bench'), {
    email: ADMIN,
    password: PASSWORD,
    policy: 'FullAccess',
    accountId: undefined,
  });
  const state = await signedInState(browser, server);
  const usersUrl = `${server.url}/console/accounts/${accountId}/users`;
  const usersReady = (page: import('playwright-core').Page) =>
    page
      .getByRole('checkbox', { name: /person\d+@bench\.example/ })
      .first()
      .waitFor();
  const signInReady = (page: import('playwright-core').Page) =>
    page.getByRole('button', { name: 'Sign in' }).waitFor();

  // one of each first, not counted: the server's and the browser's first compile
  await coldLoad(browser, state, usersUrl, usersReady);
  await coldLoad(browser, undefined, `${server.url}/console/`, signInReady);
  const loads: Load[] = [];
  const baselines: Load[] = [];
  for (let i = 0; i < Number(args.loads); i++) {
    baselines.push(await coldLoad(browser, undefined, `${server.url}/console/`, signInReady));
    loads.push(await coldLoad(browser, state, usersUrl, usersReady));
  }
  const median = (xs: number[]) => percentile(xs, 50);
  const usersMs = median(loads.map((l) => l.ms));
  const signInMs = median(baselines.map((l) => l.ms));
  console.log(
    `Users page first load: ${kb(median(loads.map((l) => l.bytes)))} transferred, ready in ${usersMs.toFixed(0)} ms ` +
      `(median of ${loads.length}, slowest ${Math.max(...loads.map((l) => l.ms)).toFixed(0)} ms); ` +
      `sign-in page ${kb(median(baselines.map((l) => l.bytes)))}, ${signInMs.toFixed(0)} ms; ratio ${(usersMs / signInMs).toFixed(2)}`,
  );

  const api = new ConsoleClient(server.url);
  const signIn = await api.call('POST', '/console/api/session', { Email: ADMIN, Password: PASSWORD });
  if (signIn.status !== 201) throw new Error(`console sign-in answered ${signIn.status}`);
  const list = (query: string) => async () => {
    const answer = await api.call('GET', `/accounts/${accountId}/users?max-results=50${query}`);
    if (answer.status !== 200) throw new Error(`ListUsers answered ${answer.status}`);
  };
  const searches = Number(args.searches);
  await timedCalls(50, () => list('')());
  const unfiltered = await timedCalls(searches, () => list('')());
  const found = await timedCalls(searches, (i) =>
    list(`&user-email=${encodeURIComponent(`person${(i * 7919) % USERS}@bench.example`)}`)(),
  );
  const p99 = percentile(found, 99);
  console.log(
    `search by email over ${USERS} users: p50 ${percentile(found, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms; ` +
      `first page unfiltered p50 ${percentile(unfiltered, 50).toFixed(2)} ms, p99 ${percentile(unfiltered, 99).toFixed(2)} ms; ` +
      `ratio p99 ${(p99 / percentile(unfiltered, 99)).toFixed(2)}`,
  );

  const actions = await tableActions(browser, state, usersUrl);
  console.log(
    `Users page actions, from the action until the table shows the answer (${args.actions} rounds):`,
  );
  for (const [name, ms] of Object.entries(actions))
    console.log(
      `  ${name.padEnd(24)} median ${median(ms).toFixed(0)} ms, slowest ${Math.max(...ms).toFixed(0)} ms`,
    );
} finally {
  await browser.close();
  await server.close();
}
