import assert from 'node:assert/strict';
import { Browser, type PageResponse } from './browser.js';
import { mailedLink } from './mailed-links.js';
import { MEMBER_PASSWORD } from './members.js';
import type { TestServer } from './server.js';

/** Registers through the pages and confirms the address through the mailed link. */
export async function registerThroughPages(server: TestServer, email: string): Promise<void> {
  const browser = new Browser(server.url);
  await browser.submit(await browser.get('/register'), '/register', { email, password: MEMBER_PASSWORD });
  const confirm = await browser.get(await mailedLink(server, email, '/verify'));
  assert.equal((await browser.submit(confirm, '/verify', { password: MEMBER_PASSWORD })).status, 200);
}

/** Signs in with the Belfry password on the sign-in page; answers the page and whether a session began. */
export async function trySignInThroughPages(
  server: TestServer,
  email: string,
): Promise<{ page: PageResponse; signedIn: boolean }> {
  const browser = new Browser(server.url);
  const page = await browser.submit(await browser.get('/signin'), '/signin', {
    email,
    password: MEMBER_PASSWORD,
  });
  return { page, signedIn: browser.cookies.has('belfry_session') };
}

export async function signInThroughPages(server: TestServer, email: string): Promise<PageResponse> {
  const { page, signedIn } = await trySignInThroughPages(server, email);
  assert.ok(signedIn, `signed in as ${email}`);
  return page;
}
