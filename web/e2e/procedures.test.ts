import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, it } from 'node:test';
import {
  CreateAccountCommand,
  CreateUserCommand,
  GetPhoneNumberCommand,
  ListPhoneNumberOrdersCommand,
} from '@aws-sdk/client-chime';
import type { Browser, Page } from 'playwright-core';
import type { DirectoryRun } from '../../src/api/chime/directory-extensions.js';
import type { AuditEvent } from '../../src/api/chime/extensions.js';
import type { Policy } from '../../src/domain/access/actor.js';
import type { Carrier } from '../../src/domain/phone-numbers/carrier.js';
import { createSimulatedCarrier } from '../../src/domain/phone-numbers/simulated-carrier.js';
import { directoryApi, ok, syncNow } from '../../test/helpers/directory.js';
import { overriddenDomain, uniqueDomain } from '../../test/helpers/domains.js';
import { FakeDirectory } from '../../test/helpers/fake-directory.js';
import type { TestServer } from '../../test/helpers/server.js';
import { signedFetch } from '../../test/helpers/signed-fetch.js';
import { eachDialect } from '../../test/helpers/suite.js';
import { checkPage, chromiumMissing, h1, launchChromium, sideLink, signedInAdmin } from './chromium.js';

/**
 * Procedures walked in Chromium beyond the happy paths of the other files: a phone-number order the
 * carrier refuses, a ReadOnly administrator before a held directory run, the run reports' pages, and
 * the installation-wide audit log. Each result is checked through the API.
 */

const PASSWORD = 'procedures e2e password';
/** The carrier refuses every Denver number (area code 303) of the simulated pool; it sells the rest. */
const REFUSED_AREA = '303';
const REFUSAL = 'sold to another customer while the order waited';

function refusingCarrier(): Carrier {
  const simulated = createSimulatedCarrier();
  return {
    ...simulated,
    async acquire(e164s) {
      const sold = await simulated.acquire(e164s.filter((n) => !n.startsWith(`+1${REFUSED_AREA}`)));
      return e164s.map(
        (e164) => sold.find((r) => r.e164 === e164) ?? { e164, acquired: false, reason: REFUSAL },
      );
    },
  };
}

const AD_DOMAIN = uniqueDomain();
const ad = new FakeDirectory(AD_DOMAIN);

let browser: Browser | undefined;
const skip = chromiumMissing();
before(async () => {
  if (!skip) browser = await launchChromium();
});
after(async () => browser?.close());

/** An administrator with `policy`, signed in at `path` in a new browser context; a failure leaves a picture. */
const signedIn = (
  server: TestServer,
  t: { after: (fn: () => Promise<void>) => void },
  policy: Policy,
  path: string,
) => signedInAdmin(browser!, server, t, { policy, path, tag: `procedures-${policy}`, password: PASSWORD });

/** The file the page saved when `action` was done, as text. */
async function downloaded(page: Page, action: () => Promise<void>): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), action()]);
  return readFile(await file.path(), 'utf8');
}

/** The text of the element that describes `locator` (a disabled button's reason). */
async function describedBy(page: Page, locator: ReturnType<Page['getByRole']>) {
  const id = await locator.getAttribute('aria-describedby');
  assert.ok(id, 'described');
  return page.locator(`[id="${id}"]`).textContent();
}

await eachDialect(
  'the console procedures in Chromium: a refused order, a ReadOnly administrator, run pages, the installation audit log',
  (server: () => TestServer, dialect) => {
    it('orders numbers the carrier refuses: the order fails, the page says what next, the reason is in the installation audit log', async (t) => {
      const chime = server().client();
      const { page } = await signedIn(server(), t, 'FullAccess', '/phone-numbers/provision');
      await h1(page, 'Provision phone numbers');
      await page.getByLabel('Area code').fill(REFUSED_AREA);
      await page.getByRole('button', { name: 'Search' }).click();
      const numbers = [`+1${REFUSED_AREA}5550100`, `+1${REFUSED_AREA}5550101`];
      for (const n of numbers) await page.getByRole('checkbox', { name: `Select ${n}` }).check();
      await page.getByRole('button', { name: 'Provision', exact: true }).click();
      await h1(page, 'Order details');
      await server().runJobs();
      await page.getByText('0 of 2 phone numbers acquired').waitFor({ timeout: 15_000 });
      await page.getByText('Search again for other numbers in place of the failed ones.').waitFor();
      await checkPage(page, 'phone-number-order-failed', dialect);

      const [order] = (await chime.send(new ListPhoneNumberOrdersCommand({}))).PhoneNumberOrders!;
      assert.equal(order!.Status, 'Failed');
      assert.deepEqual(
        order!.OrderedPhoneNumbers!.map((n) => [n.E164PhoneNumber, n.Status]).sort(),
        numbers.map((n) => [n, 'Failed']),
      );
      for (const n of numbers)
        assert.equal(
          (await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: n }))).PhoneNumber!.Status,
          'AcquireFailed',
        );
      await page
        .getByRole('table', { name: 'Ordered phone numbers' })
        .getByText('Failed', { exact: true })
        .first()
        .waitFor();

      // Why: the carrier's answer is in the installation-wide audit log.
      await sideLink(page, 'Audit log (all accounts)');
      await h1(page, 'Audit log (all accounts)');
      await page.getByLabel('Operation').fill('CompletePhoneNumberOrder');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText(REFUSAL, { exact: false }).first().waitFor();
    });

    it('the installation audit log lists every account, filters as the API does, and exports every page', async (t) => {
      const chime = server().client();
      const accounts: string[] = [];
      for (const name of ['North', 'South']) {
        const { Account } = await chime.send(new CreateAccountCommand({ Name: `${name} ${dialect}` }));
        accounts.push(Account!.AccountId!);
        await chime.send(
          new CreateUserCommand({
            AccountId: Account!.AccountId!,
            Email: `${name.toLowerCase()}@example.com`,
          }),
        );
      }
      const { page } = await signedIn(server(), t, 'FullAccess', '/accounts');
      await h1(page, 'Accounts');
      await sideLink(page, 'Audit log (all accounts)');
      await h1(page, 'Audit log (all accounts)');
      const events = page.getByRole('table', { name: 'Audit events' });
      for (const id of accounts) await events.getByRole('cell', { name: id, exact: true }).first().waitFor();
      await events.getByRole('cell', { name: 'Installation', exact: true }).first().waitFor();
      await checkPage(page, 'installation-audit-log', dialect);

      await page.getByLabel('Operation').fill('CreateUser');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForLoadState('networkidle');
      const api = await signedFetch(server().url, server().operator, {
        method: 'GET',
        path: '/audit-events',
        query: { scope: 'All', 'operation-name': 'CreateUser', 'max-results': '200' },
      });
      const created = api.json.AuditEvents as AuditEvent[];
      assert.deepEqual(created.map((e) => e.AccountId).sort(), [...accounts].sort());
      assert.equal(await events.locator('tbody tr').count(), created.length);
      const json = await downloaded(page, async () => {
        await page.getByRole('button', { name: 'Export' }).click();
        await page.getByRole('menuitem', { name: 'Export JSON' }).click();
      });
      assert.deepEqual(
        (JSON.parse(json) as AuditEvent[]).map((e) => e.EventId),
        created.map((e) => e.EventId),
      );

      // A user by email names no one here (an email is within an account): the page says what to do.
      const field = (name: string) => page.getByRole('textbox', { name, exact: true });
      await field('Operation').fill('');
      await field('User').fill('north@example.com');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText("Give the user's ID here", { exact: false }).waitFor();
      const north = created.find((e) => e.AccountId === accounts[0])!.UserId!;
      await field('User').fill(north);
      await page.getByRole('button', { name: 'Search' }).click();
      await events.getByRole('cell', { name: 'CreateUser', exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      assert.equal(await events.getByRole('cell', { name: accounts[1]!, exact: true }).count(), 0);
    });

    it('a ReadOnly administrator sees a held run with Approve and Reject disabled and why, and pages through the run reports', async (t) => {
      for (const name of ['ann', 'bob', 'cat']) ad.user(name, { userAccountControl: 512 });
      ad.group('chime-pro', ['ann']);
      ad.group('chime-basic', ['bob', 'cat']);
      const { Account } = await server()
        .client()
        .send(new CreateAccountCommand({ Name: `Held Co ${dialect}` }));
      const accountId = Account!.AccountId!;
      await overriddenDomain(server(), accountId, AD_DOMAIN);
      const api = directoryApi(server());
      ok(
        await api.connect(accountId, {
          Type: 'ActiveDirectory',
          Urls: ['ldap://127.0.0.1'],
          BindDn: 'cn=belfry,ou=service,dc=corp',
          BindPassword: 'bind secret',
          BaseDn: 'dc=corp',
        }),
      );
      ok(
        await api.groups(accountId, [
          { GroupName: 'chime-pro', Tier: 'Pro' },
          { GroupName: 'chime-basic', Tier: 'Basic' },
        ]),
      );
      await server().runJobs();
      // More runs than a page holds (20): dry runs, then a sync that would suspend a third, held.
      for (let i = 0; i < 20; i++) await syncNow(server(), accountId, { DryRun: true });
      ad.user('cat', { userAccountControl: 514 });
      const held = await syncNow(server(), accountId);
      assert.equal(held.Status, 'Held', JSON.stringify(held));

      const { page } = await signedIn(server(), t, 'ReadOnly', `/accounts/${accountId}/identity/directory`);
      await h1(page, 'Directory');
      const runs = page.getByRole('table', { name: 'Sync runs' });
      await runs.getByRole('cell', { name: 'Held', exact: true }).waitFor();
      const reason =
        'Your policy is ReadOnly: it lets you look, not change. Ask an administrator with FullAccess to do it.';
      for (const name of ['Approve', 'Reject']) {
        const button = runs.getByRole('button', { name, exact: true });
        assert.equal(await button.getAttribute('aria-disabled'), 'true', name);
        assert.equal(await describedBy(page, button), reason, `${name}: the reason`);
      }
      for (const name of ['Sync now', 'Dry run'])
        assert.equal(
          await page.getByRole('button', { name, exact: true }).getAttribute('aria-disabled'),
          'true',
          name,
        );
      // The window's picture (docs/console) shows the runs from their header, the held run first.
      await page
        .getByRole('heading', { name: 'Sync runs' })
        .evaluate((h: { scrollIntoView(options: object): void }) => h.scrollIntoView({ block: 'start' }));
      await checkPage(page, 'identity-held-run-read-only', dialect);
      // Belfry itself refuses the session the same approval, whatever a page shows.
      const refused = await page.evaluate(async (runId) => {
        const session = (await (await fetch('/console/api/session')).json()) as { CsrfToken: string };
        const r = await fetch(`/directory-runs/${runId}?operation=approve`, {
          method: 'POST',
          headers: { 'x-belfry-csrf': session.CsrfToken },
        });
        return { status: r.status, body: (await r.json()) as { Message: string } };
      }, held.RunId);
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      assert.match(refused.body.Message, /Policy ReadOnly does not allow this action/);
      assert.equal((ok(await api.run(held.RunId)).Run as DirectoryRun).Status, 'Held');

      // The run reports page on the server: 20, then the rest, as ListDirectoryRuns pages them.
      const first = ok(await api.runs(accountId, { 'max-results': '20' }));
      const second = ok(await api.runs(accountId, { 'max-results': '20', 'next-token': first.NextToken }));
      const rows = runs.locator('tbody tr');
      assert.equal(await rows.count(), 20);
      await page.getByRole('button', { name: 'Next page' }).click();
      await page.locator('button[aria-label="Page 2"][aria-current="true"]').waitFor();
      // The page number moves before the runs arrive (the table shows one loading row meanwhile):
      // wait for the oldest run, which only the second page holds, before counting.
      await runs.getByRole('cell', { name: /, Mapping$/ }).waitFor();
      assert.equal(await rows.count(), (second.Runs as DirectoryRun[]).length);
      assert.ok((second.Runs as DirectoryRun[]).length >= 2);
      // The oldest run, the first (Mapping), is on the second page; its report opens with its changes.
      const oldest = (second.Runs as DirectoryRun[]).at(-1)!;
      assert.equal(oldest.Trigger, 'Mapping');
      await rows
        .last()
        .getByRole('button', { name: /^Report of the run/ })
        .click();
      const report = page.getByRole('dialog');
      await report.getByText('Run report').waitFor();
      await report.getByText('Mapping', { exact: true }).waitFor();
      await report
        .getByRole('table', { name: 'Changes of the run' })
        .getByRole('cell', { name: `ann@${AD_DOMAIN}`, exact: true })
        .waitFor();
      await checkPage(page, 'identity-run-report-page-2', dialect);
      await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
      await page.getByRole('button', { name: 'Previous page' }).click();
      await runs.getByRole('cell', { name: 'Held', exact: true }).waitFor();
    });
  },
  {},
  { skip, directoryClient: ad, carrier: refusingCarrier() },
);
