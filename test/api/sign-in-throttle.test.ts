import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uniqueEmail } from '../helpers/accounts.js';
import { Browser, textOf, type PageResponse } from '../helpers/browser.js';
import type { TestServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';
import { failedStart } from '../cli/processes.js';
import { PASSWORD, person } from '../oidc/flow.js';

const PUBLIC_URL = 'https://belfry.test.example';
const WHEN = String.raw`in \d+ (?:second|minute|hour)s? \(at \d{4}-\d\d-\d\d \d\d:\d\d UTC\)`;

/** A browser whose requests reach Belfry through the (trusted) proxy on 127.0.0.1, from `address`. */
const browserAt = (server: TestServer, address: string) =>
  new Browser(server.url, { 'x-forwarded-for': address });

async function signIn(browser: Browser, email: string, password = PASSWORD): Promise<PageResponse> {
  return browser.submit(await browser.get('/signin'), '/signin', { email, password });
}

const signedInAs = (page: PageResponse, email: string) =>
  page.status === 200 && textOf(page).includes(`You are signed in as ${email}`);

/** The source addresses of the SignIn refusals filed for the address, oldest first. */
async function refusalSources(server: TestServer, email: string): Promise<Array<string | null>> {
  const rows = await server.services.db
    .selectFrom('audit_events')
    .select('source_ip')
    .where('operation', '=', 'SignIn')
    .where('details', 'like', `%${email}%`)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.source_ip);
}

/** The audit trail's source address of the Chime API request sent with the headers. */
async function apiSource(server: TestServer, headers: Record<string, string>): Promise<string | null> {
  const created = await signedFetch(server.url, server.operator, {
    method: 'POST',
    path: '/accounts',
    body: { Name: `Proxy ${uniqueEmail()}`.slice(0, 100) },
    headers,
  });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const row = await server.services.db
    .selectFrom('audit_events')
    .select('source_ip')
    .where('request_id', '=', created.requestId!)
    .executeTakeFirstOrThrow();
  return row.source_ip;
}

/** Asks for password resets of fresh addresses until refused; how many were answered. */
async function resetsAnswered(browser: () => Browser, limit: number): Promise<number> {
  for (let i = 0; i <= limit; i++) {
    const b = browser();
    const page = await b.submit(await b.get('/password/forgot'), '/password/forgot', {
      email: uniqueEmail(),
    });
    if (page.status !== 200) {
      assert.match(textOf(page), /Too many requests from your network/);
      return i;
    }
  }
  return limit + 1;
}

await eachDialect(
  'sign-in throttle behind a trusted proxy',
  (server) => {
    it("stops an attacker's wrong passwords from one client there, never the owner's right one from another", async () => {
      const owner = await person(server());
      const attacker = browserAt(server(), '198.51.100.66');
      for (let i = 0; i < 5; i++)
        assert.equal((await signIn(attacker, owner.email, `guess ${i}`)).status, 401);
      const refused = await signIn(attacker, owner.email);
      assert.equal(refused.status, 429);
      assert.match(
        textOf(refused),
        new RegExp(`Too many failed sign-ins for this address from your network\\. Try again ${WHEN}\\.`),
      );
      assert.equal(refused.headers.get('retry-after'), '900');
      assert.ok(signedInAs(await signIn(browserAt(server(), '192.0.2.10'), owner.email), owner.email));
      // Each wrong password is in the trail, from the address the proxy saw; the refusal is not.
      assert.deepEqual(await refusalSources(server(), owner.email), Array(5).fill('198.51.100.66'));
      server().clock.advance(15 * 60_000);
      assert.ok(signedInAs(await signIn(attacker, owner.email), owner.email), 'a limit, not a lock');
    });

    it('lets a device that signed in before keep trying when a neighbour behind its address spent the budgets', async () => {
      const office = '203.0.113.20';
      const owner = await person(server());
      const device = browserAt(server(), office);
      const first = await signIn(device, owner.email);
      assert.ok(signedInAs(first, owner.email));
      const cookie = first.setCookies.find((line) => line.startsWith('belfry_device='));
      assert.ok(cookie, first.setCookies.join('\n'));
      for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Secure', 'Path=/', `Max-Age=${400 * 86400}`])
        assert.ok(cookie.split('; ').includes(attribute), `${attribute} in ${cookie}`);
      await device.submit(await device.get('/signout'), '/signout');

      // The neighbour guesses the owner's password, then sprays one over other addresses.
      const neighbour = browserAt(server(), office);
      for (let i = 0; i < 5; i++) await signIn(neighbour, owner.email, `guess ${i}`);
      for (let i = 0; i < 15; i++) await signIn(neighbour, uniqueEmail(), `guess ${i}`);
      const blocked = await signIn(browserAt(server(), office), owner.email);
      assert.equal(blocked.status, 429, 'a new browser at that address waits');
      assert.match(textOf(blocked), /Too many failed sign-ins for this address from your network/);

      // The owner's browser signs in, and a typo there costs its own budget only.
      assert.equal((await signIn(device, owner.email, 'typo')).status, 401);
      assert.ok(signedInAs(await signIn(device, owner.email), owner.email));

      // The neighbour's own identity's cookie, or the owner's cookie moved to another identity,
      // gives no budget for the owner's address.
      const theirs = await person(server());
      const elsewhere = browserAt(server(), '192.0.2.30');
      assert.ok(signedInAs(await signIn(elsewhere, theirs.email), theirs.email));
      neighbour.cookies.set('belfry_device', elsewhere.cookies.get('belfry_device')!);
      assert.equal((await signIn(neighbour, owner.email)).status, 429);
      const victimsCookie = browserAt(server(), office);
      victimsCookie.cookies.set('belfry_device', device.cookies.get('belfry_device')!);
      const stranger = await person(server());
      assert.equal((await signIn(victimsCookie, stranger.email)).status, 429);
    });

    it('slows a guesser spread over many addresses with growing waits, naming when to retry, rather than locking', async () => {
      const owner = await person(server());
      for (let i = 0; i < 10; i++)
        assert.equal(
          (await signIn(browserAt(server(), `198.51.100.${100 + i}`), owner.email, `g ${i}`)).status,
          401,
        );
      const waited = await signIn(browserAt(server(), '192.0.2.40'), owner.email);
      assert.equal(waited.status, 429);
      assert.match(
        textOf(waited),
        /Too many failed sign-ins for this address, from several places\. Belfry slows them down: try again in 30 seconds \(at \d{4}-\d\d-\d\d \d\d:\d\d UTC\), or reset your password\./,
      );
      assert.equal(waited.headers.get('retry-after'), '30');
      server().clock.advance(30_000);
      assert.equal((await signIn(browserAt(server(), '198.51.100.120'), owner.email, 'g 10')).status, 401);
      const longer = await signIn(browserAt(server(), '192.0.2.40'), owner.email);
      assert.equal(longer.headers.get('retry-after'), '60', 'the wait doubles');
      server().clock.advance(60_000);
      assert.ok(signedInAs(await signIn(browserAt(server(), '192.0.2.40'), owner.email), owner.email));
    });

    it('reads X-Forwarded-For right to left through the proxy for the throttle, the mail budget and the audit trail', async () => {
      const owner = await person(server());
      // Whatever a client writes before the proxy's entry, it stays the one client.
      for (let i = 0; i < 5; i++)
        await signIn(browserAt(server(), `10.0.0.${i}, 198.51.100.50`), owner.email, `guess ${i}`);
      assert.equal((await signIn(browserAt(server(), '6.6.6.6, 198.51.100.50'), owner.email)).status, 429);
      assert.deepEqual(await refusalSources(server(), owner.email), Array(5).fill('198.51.100.50'));
      assert.equal(
        await apiSource(server(), { 'x-forwarded-for': '6.6.6.6, 198.51.100.51' }),
        '198.51.100.51',
      );
      let spoof = 0;
      const answered = await resetsAnswered(
        () => browserAt(server(), `192.0.2.${++spoof}, 198.51.100.52`),
        30,
      );
      assert.equal(answered, 30);
      assert.equal(
        await resetsAnswered(() => browserAt(server(), '198.51.100.53'), 0),
        1,
        'another client is not concerned',
      );
    });
  },
  { BELFRY_TRUST_PROXY: '127.0.0.1', BELFRY_PUBLIC_URL: PUBLIC_URL },
);

await eachDialect('sign-in throttle without a trusted proxy', (server) => {
  it('ignores a spoofed X-Forwarded-For for the throttle, the mail budget and the audit trail', async () => {
    const owner = await person(server());
    for (let i = 0; i < 5; i++)
      await signIn(browserAt(server(), `198.51.100.${i}`), owner.email, `guess ${i}`);
    assert.equal((await signIn(browserAt(server(), '198.51.100.99'), owner.email)).status, 429);
    assert.deepEqual(await refusalSources(server(), owner.email), Array(5).fill('127.0.0.1'));
    assert.equal(await apiSource(server(), { 'x-forwarded-for': '198.51.100.51' }), '127.0.0.1');
    let spoof = 0;
    assert.equal(await resetsAnswered(() => browserAt(server(), `198.51.100.${++spoof}`), 30), 30);
  });
});

describe('BELFRY_TRUST_PROXY', () => {
  it('refuses a bare true at start, exit 78, saying what to write instead', async () => {
    const failed = await failedStart({ BELFRY_TRUST_PROXY: 'true' });
    assert.equal(failed.code, 78, failed.stderr);
    assert.match(failed.stderr, /BELFRY_TRUST_PROXY no longer takes "true"/);
    assert.match(failed.stderr, /BELFRY_TRUST_PROXY=127\.0\.0\.1 or 10\.0\.0\.0\/8/);
    assert.match(failed.stderr, /BELFRY_TRUST_PROXY=1\)/);
  });
});
