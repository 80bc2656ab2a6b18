import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

/** What the console's browser tests share: Debian's Chromium, the built console, axe and screenshots. */

/** Debian's Chromium (.ci/run installs it); a browser is never downloaded. */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

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
