import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import * as oidc from 'openid-client';
import { Browser } from '../helpers/browser.js';
import { databaseUrlOf } from '../helpers/databases.js';
import { eachDialect } from '../helpers/suite.js';
import { belfry } from '../cli/processes.js';
import { freePort, PASSWORD, person, startCallback, teamAccount } from './flow.js';

const port = await freePort();
const callback = await startCallback();
const dir = mkdtempSync(join(tmpdir(), 'belfry-readme-'));
after(async () => {
  await callback.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The README's own text: the app of its example stands at this origin, Belfry at the other. */
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
// Whole origins only: replacing a prefix would also hit the origin put in for the other one
// (Belfry's port 30001 begins with the app's 3000).
const README_APP = /http:\/\/127\.0\.0\.1:3000(?!\d)/g;
const README_BELFRY = /http:\/\/127\.0\.0\.1:8080(?!\d)/g;
const appOrigin = new URL(callback.url).origin;

/** The README's `clients create` command, its lines joined, as the arguments the CLI gets. */
function registrationArgs(): string[] {
  const block = /```sh\n(npm run belfry -- clients create[\s\S]*?)```/.exec(README)?.[1];
  assert.ok(block, 'the README shows how to register an app');
  const command = block.replace(/\\\n/g, ' ').split('\n')[0]!.replace(README_APP, appOrigin);
  return command.replace('npm run belfry -- ', '').trim().split(/\s+/);
}

/**
 * The README's openid-client example as a function of the library, the environment and a
 * browser: where the example sends the browser away, the test's browser goes, and the URL it
 * comes back to becomes `callbackUrl`. Nothing else of the example is changed.
 */
function readmeExample() {
  const block = /```js\n(import \* as oidc from 'openid-client';[\s\S]*?)```/.exec(README)?.[1];
  assert.ok(block, 'the README shows an openid-client example');
  const lines = block.replace(README_APP, appOrigin).replace(README_BELFRY, `http://127.0.0.1:${port}`);
  const body = lines
    .split('\n')
    .filter((line) => !line.startsWith('import '))
    .map((line) =>
      line.includes('authorizationCodeGrant(config, callbackUrl')
        ? `const callbackUrl = await browse(url);\n${line}`
        : line,
    )
    .join('\n');
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<unknown>;
  const run = new AsyncFunction('oidc', 'process', 'browse', `${body}\nreturn { claims, later, logoutUrl };`);
  return run as (
    library: typeof oidc,
    processLike: { env: Record<string, string> },
    browse: (url: URL) => Promise<URL>,
  ) => Promise<{
    claims: oidc.IDToken;
    later: Awaited<ReturnType<typeof oidc.refreshTokenGrant>>;
    logoutUrl: URL;
  }>;
}

await eachDialect(
  "The README's app integration, as written",
  (server) => {
    it('registers an app with the CLI, signs in, refreshes and signs out with the example code', async () => {
      assert.notEqual(port, 8080, 'the server is on another port than the default');
      const registered = await belfry(
        {
          BELFRY_DATA_DIR: dir,
          DATABASE_URL: await databaseUrlOf(server().database),
          BELFRY_MASTER_KEY: '07'.repeat(32),
          BELFRY_PUBLIC_URL: server().url,
        },
        registrationArgs(),
        dir,
      );
      assert.equal(registered.code, 0, registered.stderr);
      const printed = (label: string) =>
        new RegExp(`^ {2}${label}: +(\\S+)$`, 'm').exec(registered.stdout)?.[1];
      assert.equal(printed('issuer'), `${server().url}/oidc`, "the server's issuer, from BELFRY_PUBLIC_URL");

      const member = await person(server(), { accountId: await teamAccount(server()) });
      const browser = new Browser(server().url);
      const browse = async (url: URL) => {
        const form = await browser.get(url.href);
        const landed = await browser.submit(form, form.path, { email: member.email, password: PASSWORD });
        return new URL(landed.path, appOrigin);
      };
      const env = { CLIENT_ID: printed('client id')!, CLIENT_SECRET: printed('client secret')! };
      const { claims, later, logoutUrl } = await readmeExample()(oidc, { env }, browse);
      assert.equal(claims.sub, member.identityId);
      assert.equal(claims.user_id, member.userId);
      assert.equal(later.claims()!.tier, 'Pro');

      const confirm = await browser.get(logoutUrl.href);
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.html)?.[1];
      assert.ok(xsrf, confirm.html);
      const done = await browser.post('/oidc/session/end/confirm', { xsrf, logout: 'yes' });
      assert.equal(done.path, '/', 'back at the registered post-logout redirect URI');
      assert.equal(done.html, 'signed in', "the app's own page answered");
      assert.equal(browser.cookies.has('belfry_session'), false, 'the Belfry session ended too');
    });
  },
  { PORT: String(port) },
);
