import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Policy } from '../../src/domain/access/actor.js';
import { systemActor } from '../../src/domain/access/actor.js';
import type { TestServer } from '../../test/helpers/server.js';

/** What the console's browser tests share: Debian's Chromium, the built console, axe and screenshots. */

/** Debian's Chromium (.ci/run installs it); a browser is never downloaded. */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/console/', import.meta.url));
/**
 * The pages whose pictures docs/console keeps: `npm run screenshots` (BELFRY_DOCS_SCREENSHOTS=1,
 * SQLite) writes each as the browser window shows it, so they stay what the console looks like.
 */
const DOC_PAGES = new Set([
  'accounts',
  'account-overview',
  'users-filtered',
  'invite-users',
  'user-details-telephony',
  'phone-inventory',
  'provision-phone-numbers',
  'phone-number-order',
  'identity-domains',
  'identity-directory-ad',
  'identity-directory-oidc',
  'identity-groups-preview',
  'identity-run-report',
  'identity-held-run-read-only',
  'identity-scim-tokens',
  'settings',
  'audit-log',
  'installation-audit-log',
]);

/** Why the browser tests cannot run here (no Chromium), or undefined; under CI a missing one fails. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  if (process.env.CI) throw new Error(`${reason}; CI requires it`);
  return reason;
}

/** Builds the console if a source is newer than web/dist (the server serves it, as npm start does), then starts Chromium. */
export async function launchChromium(): Promise<Browser> {
  const built = spawnSync(
    process.execPath,
    [fileURLToPath(new URL('../../scripts/build-console.mjs', import.meta.url)), '--if-stale'],
    { stdio: 'inherit' },
  );
  assert.equal(built.status, 0, 'the console builds');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** No axe violation on the page as it is now; a screenshot of it in web/e2e/screenshots. */
export async function checkPage(page: Page, name: string, dialect: string) {
  await page.waitForLoadState('networkidle');
  // A message still fading in has the contrast of half its colour: wait for finite animations to end.
  // (a string: it runs in the page, whose DOM types the Node side does not have)
  await page.waitForFunction(
    "document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)",
  );
  const { violations } = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(
    violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `axe on the ${name} page`,
  );
  if (process.env.BELFRY_DOCS_SCREENSHOTS && dialect === 'sqlite' && DOC_PAGES.has(name)) {
    mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: join(DOCS, `${name}.png`) });
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${dialect}-${name}.png`), fullPage: true });
}

export const h1 = (page: Page, text: string) => page.getByRole('heading', { level: 1, name: text }).waitFor();

/**
 * Follows a link of the side navigation, opening it first if the layout has closed it (it does on
 * a resize, which a full-page screenshot makes).
 */
export async function sideLink(page: Page, name: string) {
  const link = page.getByRole('link', { name, exact: true });
  if (!(await link.isVisible())) await page.getByRole('button', { name: 'Open navigation' }).click();
  await link.click();
}

/**
 * A new administrator with `policy`, signed in through the sign-in page at `path` in a new browser
 * context; when the test ends, a picture of the page as it was goes to /tmp (`<tag>-last.png`).
 */
export async function signedInAdmin(
  browser: Browser,
  server: TestServer,
  t: { after: (fn: () => Promise<void>) => void },
  options: { policy: Policy; path: string; tag: string; password: string },
): Promise<{ context: BrowserContext; page: Page; email: string }> {
  const random = Math.random().toString(36).slice(2, 8);
  const email = `${options.tag}-${server.dialect}-${random}@example.com`;
  await server.services.consoleAdmins.createAdmin(systemActor('e2e'), {
    email,
    password: options.password,
    policy: options.policy,
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  t.after(async () => {
    await page
      .screenshot({ path: `/tmp/e2e-${server.dialect}-${options.tag}-last.png`, fullPage: true })
      .catch(() => undefined);
    await context.close();
  });
  await page.goto(`${server.url}/console${options.path}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(options.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return { context, page, email };
}
