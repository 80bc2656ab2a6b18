import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, it } from 'node:test';
import {
  CreateAccountCommand,
  CreateUserCommand,
  GetAccountSettingsCommand,
  InviteUsersCommand,
  ListUsersCommand,
  UpdateUserCommand,
  type User,
} from '@aws-sdk/client-chime';
import type { Browser, Page } from 'playwright-core';
import type { AuditEvent } from '../../src/api/chime/extensions.js';
import { parseCsv } from '../src/csv.js';
import { domainApi, domainOf, uniqueDomain } from '../../test/helpers/domains.js';
import { signedFetch } from '../../test/helpers/signed-fetch.js';
import { systemActor } from '../../src/domain/access/actor.js';
import type { TestServer } from '../../test/helpers/server.js';
import { eachDialect } from '../../test/helpers/suite.js';
import { checkPage, chromiumMissing, h1, launchChromium, sideLink } from './chromium.js';

const PASSWORD = 'settings e2e password';
const EXTRA_EVENTS = 55;

let browser: Browser | undefined;
const skip = chromiumMissing();
before(async () => {
  if (!skip) browser = await launchChromium();
});
after(async () => browser?.close());

/** The file the page saved when `action` was done, as text (the byte-order mark kept). */
async function downloaded(page: Page, action: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), action()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await readFile(path, 'utf8') };
}

/** Picks an option of a Cloudscape Select by its trigger's label. */
async function choose(page: Page, label: string, option: string) {
  await page.getByRole('button', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

await eachDialect(
  'the console: overview, users, settings, app clients and audit log in Chromium',
  (server: () => TestServer, dialect) => {
    const signed = (method: 'GET', path: string, query: Record<string, string> = {}) =>
      signedFetch(server().url, server().operator, { method, path, query });

    it('walks each procedure and checks its result through the API', async (t) => {
      const chime = server().client();
      const { Account } = await chime.send(new CreateAccountCommand({ Name: `Settings Co ${dialect}` }));
      const accountId = Account!.AccountId!;
      const { User: zoe } = await chime.send(
        new CreateUserCommand({ AccountId: accountId, Email: 'zoe@example.com', Username: 'Zoë Ünal, "ZU"' }),
      );
      await chime.send(new CreateUserCommand({ AccountId: accountId, Email: 'yan@example.com' }));
      await chime.send(
        new UpdateUserCommand({ AccountId: accountId, UserId: zoe!.UserId!, LicenseType: 'Basic' }),
      );
      await chime.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['xia@example.com'] }));

      const context = await browser!.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      // A failure leaves a picture of where the page was.
      t.after(async () => {
        if (!context.pages().length) return;
        await page
          .screenshot({ path: `/tmp/settings-e2e-${dialect}-last.png`, fullPage: true })
          .catch(() => undefined);
      });
      const email = `settings-${dialect}@example.com`;
      const token = await server().services.consoleAdmins.issueSetupToken();
      await page.goto(`${server().url}/console/setup#token=${token}`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel('Repeat the password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create administrator' }).click();
      await h1(page, 'Accounts');

      // The account overview: its landing page.
      await page.getByRole('link', { name: `Settings Co ${dialect}` }).click();
      await h1(page, `Settings Co ${dialect}`);
      await page.getByText('Set-up checklist').waitFor();
      assert.equal(await page.getByRole('link', { name: '3 All users' }).count(), 1);
      assert.equal(await page.getByRole('link', { name: '2 Registered' }).count(), 1);
      assert.equal(await page.getByRole('link', { name: '1 Basic permissions' }).count(), 1);
      await page.getByText('No domain claimed.').waitFor();
      await page.getByText(`npm run belfry -- domains claim ${accountId} example.com`).waitFor();
      await checkPage(page, 'account-overview', dialect);

      // A count opens the users it counts: the filter is the server's.
      await page.getByRole('link', { name: '1 Invited, not registered' }).click();
      await h1(page, 'Users');
      await page.getByRole('link', { name: 'xia@example.com' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'zoe@example.com' }).count(), 0);

      await choose(page, 'Filter by status', 'Registered');
      await page.getByRole('link', { name: 'zoe@example.com' }).waitFor();
      await page.getByRole('link', { name: 'xia@example.com' }).waitFor({ state: 'detached' });
      await checkPage(page, 'users-filtered', dialect);
      const csv = await downloaded(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
      assert.match(csv.name, /^users-.+\.csv$/);
      assert.ok(csv.text.startsWith('\uFEFF'), 'a byte-order mark, so spreadsheets read UTF-8');
      const [header, ...lines] = parseCsv(csv.text);
      assert.deepEqual(header, [
        'Email',
        'Name',
        'Status',
        'Invitation',
        'Permissions',
        'Invited',
        'Joined',
        'User ID',
      ]);
      const registered = (await chime.send(new ListUsersCommand({ AccountId: accountId }))).Users!.filter(
        (u: User) => u.UserRegistrationStatus === 'Registered',
      );
      assert.deepEqual(
        lines.map((l) => l[7]).sort(),
        registered.map((u) => u.UserId).sort(),
        'every Registered user, and only them',
      );
      assert.ok(
        lines.some((l) => l[1] === 'Zoë Ünal, "ZU"' && l[4] === 'Basic'),
        csv.text,
      );

      // Invite users from a CSV file: 56 addresses go in two calls (50, then 6).
      await page.getByRole('button', { name: 'Invite users' }).click();
      await h1(page, 'Invite users');
      const addresses = Array.from({ length: 55 }, (_, i) => `csv-${i}@example.com`);
      const file = [
        'name,email',
        ...addresses.map((a, i) => `Person ${i},${a}`),
        'Not Valid,not-an-address',
        'Again,CSV-0@example.com',
        'Zoë,zoe@example.com',
      ].join('\r\n');
      await page.locator('input[type=file]').setInputFiles({
        name: 'invitations.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(file, 'utf8'),
      });
      await page.getByRole('button', { name: 'Invite 56 users from the file' }).click();
      await page.getByText('55 invited, 0 refused, 2 not sent.').waitFor();
      const outcomes = page.getByRole('table', { name: 'Addresses in the file' });
      await outcomes.getByRole('row', { name: /not-an-address Not an email address/ }).waitFor();
      await outcomes.getByRole('row', { name: /CSV-0@example.com Same address as line 2/ }).waitFor();
      await outcomes.getByRole('row', { name: /zoe@example.com Already a member/ }).waitFor();
      await outcomes.getByRole('row', { name: /csv-54@example.com Invited/ }).waitFor();
      await checkPage(page, 'invite-from-csv', dialect);
      const pending = await signed('GET', `/accounts/${accountId}/users`, {
        'user-registration-status': 'Unregistered',
        'max-results': '200',
      });
      const invited = new Set((pending.json.Users as User[]).map((u) => u.PrimaryEmail));
      assert.ok(
        addresses.every((a) => invited.has(a)),
        'each address of the file is invited',
      );
      assert.equal(invited.size, 56);

      // Settings: the meeting policies.
      await sideLink(page, 'Settings');
      await h1(page, 'Settings');
      const remote = page.getByRole('checkbox', { name: 'Enable remote control' });
      await remote.waitFor();
      assert.equal(await remote.isChecked(), true, 'remote control is on until turned off');
      await remote.uncheck();
      await page.getByRole('checkbox', { name: 'Enable dial-out' }).check();
      await checkPage(page, 'settings', dialect);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Meeting settings saved.').waitFor();
      const settings = await chime.send(new GetAccountSettingsCommand({ AccountId: accountId }));
      assert.deepEqual(settings.AccountSettings, { DisableRemoteControl: true, EnableDialOut: true });

      // App clients and their webhooks.
      await sideLink(page, 'App clients');
      await h1(page, 'App clients');
      await page.getByRole('button', { name: 'Create app client' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill('Team Calendar');
      await dialog.getByLabel('Redirect URIs').fill('https://calendar.example.com/callback');
      await checkPage(page, 'create-app-client', dialect);
      await dialog.getByRole('button', { name: 'Create app client' }).click();
      await page.getByText('App client Team Calendar registered', { exact: true }).waitFor();
      const listed = (await signed('GET', '/app-clients')).json.AppClients as {
        ClientId: string;
        Name: string;
      }[];
      const app = listed.find((c) => c.Name === 'Team Calendar');
      assert.ok(app, 'the client is registered');
      // The secret: 32 random bytes in base64url, shown once beside the client ID.
      const secretValue = await page.getByText(/^[\w-]{43}$/).innerText();
      assert.ok(
        await server().services.oidc.clients.authenticateClient(app.ClientId, secretValue),
        'the secret shown is the client secret',
      );
      await checkPage(page, 'app-clients', dialect);

      await page.getByRole('radio', { name: 'Select Team Calendar' }).check();
      await page.getByRole('button', { name: 'Set webhook' }).click();
      await page.getByRole('dialog').getByLabel('URL').fill('http://127.0.0.1:9/entitlements');
      await page.getByRole('dialog').getByRole('button', { name: 'Set webhook' }).click();
      await page
        .getByText('Entitlement changes for Team Calendar go to http://127.0.0.1:9/entitlements', {
          exact: true,
        })
        .waitFor();
      const hook = await signed('GET', `/app-clients/${app.ClientId}/webhook`);
      assert.equal(hook.json.Webhook.Url, 'http://127.0.0.1:9/entitlements');
      assert.equal(hook.json.Webhook.SigningSecret, undefined, 'the signing secret is never read back');
      await page.getByRole('cell', { name: 'http://127.0.0.1:9/entitlements' }).waitFor();

      await page.getByRole('radio', { name: 'Select Team Calendar' }).check();
      await page.getByRole('button', { name: 'Remove webhook' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
      await page.getByText('Team Calendar no longer receives entitlement changes.').waitFor();
      assert.equal((await signed('GET', `/app-clients/${app.ClientId}/webhook`)).status, 404);

      await page.getByRole('radio', { name: 'Select Team Calendar' }).check();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await page.getByText('App client Team Calendar deleted.').waitFor();
      const left = (await signed('GET', '/app-clients')).json.AppClients as { ClientId: string }[];
      assert.ok(!left.some((c) => c.ClientId === app.ClientId));

      // The audit log: enough events for a second page, then each filter and the exports.
      for (let i = 0; i < EXTRA_EVENTS; i++)
        await chime.send(
          new UpdateUserCommand({
            AccountId: accountId,
            UserId: zoe!.UserId!,
            LicenseType: i % 2 ? 'Basic' : 'Pro',
          }),
        );
      await page.goto(`${server().url}/console/accounts/${accountId}/audit-log`);
      await h1(page, 'Audit log');
      const rows = page.getByRole('table', { name: 'Audit events' }).locator('tbody tr');
      await page.getByRole('cell', { name: 'UpdateUser', exact: true }).first().waitFor();
      assert.equal(await rows.count(), 50);
      await checkPage(page, 'audit-log', dialect);
      const firstOf = async () => (await rows.first().innerText()).replace(/\s+/g, ' ');
      // The second page is the API's page after the first one's NextToken.
      const [second] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/audit-events?') && r.url().includes('next-token=')),
        page.getByRole('button', { name: 'Next page' }).click(),
      ]);
      await page.locator('button[aria-label="Page 2"][aria-current="true"]').waitFor();
      const secondPage = ((await second.json()) as { AuditEvents: AuditEvent[] }).AuditEvents;
      assert.ok(secondPage.length > 0);
      await page.waitForLoadState('networkidle');
      assert.equal(await rows.count(), secondPage.length);

      const actor = `console/${email}`;
      await page.getByLabel('Actor').fill(actor);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('cell', { name: 'UpdateAccountSettings', exact: true }).waitFor();
      const api = await signed('GET', `/accounts/${accountId}/audit-events`, {
        principal: actor,
        'max-results': '200',
      });
      const byActor = api.json.AuditEvents as AuditEvent[];
      assert.equal(api.json.NextToken, undefined);
      assert.ok(byActor.length > 50 && byActor.every((e) => e.Principal === actor));
      await page.waitForLoadState('networkidle');
      assert.equal(await rows.count(), 50, 'a page of 50 of what the API gives for the actor');
      assert.equal((await firstOf()).includes(byActor[0]!.Operation), true);

      const json = await downloaded(page, async () => {
        await page.getByRole('button', { name: 'Export' }).click();
        await page.getByRole('menuitem', { name: 'Export JSON' }).click();
      });
      assert.deepEqual(
        (JSON.parse(json.text) as AuditEvent[]).map((e) => e.EventId),
        byActor.map((e) => e.EventId),
      );

      await page.getByLabel('Actor').fill('');
      await page.getByLabel('Operation').fill('UpdateUser');
      await page.getByLabel('User').fill('zoe@example.com');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('button', { name: 'Page 2' }).waitFor();
      const exported = await downloaded(page, async () => {
        await page.getByRole('button', { name: 'Export' }).click();
        await page.getByRole('menuitem', { name: 'Export CSV' }).click();
      });
      const [auditHeader, ...auditLines] = parseCsv(exported.text);
      assert.equal(auditHeader![1], 'Operation');
      assert.equal(auditLines.length, EXTRA_EVENTS + 1, 'every page: the 55 updates and the first one');
      assert.ok(auditLines.every((l) => l[1] === 'UpdateUser' && l[7] === zoe!.UserId));

      // Days: from tomorrow, nothing has happened yet.
      const tomorrow = new Date(Date.now() + 86_400_000);
      const day = `${tomorrow.getFullYear()}/${String(tomorrow.getMonth() + 1).padStart(2, '0')}/${String(tomorrow.getDate()).padStart(2, '0')}`;
      await page.getByLabel('From').fill(day);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText('No events match. Change the filters.').waitFor();

      // An Enterprise account's checklist: one domain verified (by the operator's override),
      // another waiting for its TXT record, no directory yet.
      const { Account: corp } = await chime.send(new CreateAccountCommand({ Name: `Corp ${dialect}` }));
      const corpId = corp!.AccountId!;
      const domains = domainApi(server());
      const [verified, waiting] = [uniqueDomain(), uniqueDomain()];
      domainOf(await domains.claim(corpId, verified));
      const override = await signedFetch(server().url, server().operator, {
        method: 'POST',
        path: `/accounts/${corpId}/domains/${verified}`,
        query: { operation: 'verify' },
        body: { OperatorOverride: true, OverrideReason: 'console e2e' },
      });
      assert.equal(domainOf(override).Status, 'Verified');
      const txt = domainOf(await domains.claim(corpId, waiting));
      await page.goto(`${server().url}/console/accounts/${corpId}`);
      await h1(page, `Corp ${dialect}`);
      await page.getByText('EnterpriseLWA', { exact: true }).waitFor();
      await page
        .getByText(
          `Verified: ${verified}. Claimed, waiting for verification: ${waiting} (PendingVerification).`,
        )
        .waitFor();
      await page.getByText(`npm run belfry -- domains verify ${corpId} ${waiting}`).waitFor();
      await page
        .getByText(`Publish the TXT record ${txt.TxtRecordName} with the value ${txt.TxtRecordValue}`)
        .waitFor();
      await page.getByText('No directory. People sign in with their Belfry password.').waitFor();
      await page
        .getByText(`npm run belfry -- directory connect ${corpId} --type ad`, { exact: false })
        .waitFor();
      await page.getByText('1 of 2 steps left.').waitFor();
      await checkPage(page, 'enterprise-overview', dialect);
      await context.close();
    });

    it("a ReadOnly administrator reads the pages, and the API's refusals show as sentences", async () => {
      const chime = server().client();
      const { Account } = await chime.send(new CreateAccountCommand({ Name: `Read Co ${dialect}` }));
      const accountId = Account!.AccountId!;
      const email = `reader-${dialect}@example.com`;
      await server().services.consoleAdmins.createAdmin(systemActor('e2e'), {
        email,
        password: PASSWORD,
        policy: 'ReadOnly',
        accountId,
      });
      const context = await browser!.newContext();
      const page = await context.newPage();
      await page.goto(`${server().url}/console/accounts/${accountId}/settings`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await h1(page, 'Settings');
      await page.getByRole('checkbox', { name: 'Enable dial-out' }).check();
      await page.getByRole('button', { name: 'Save' }).click();
      await page
        .getByText('The meeting settings were not saved: Policy ReadOnly does not allow this action')
        .waitFor();
      const settings = await chime.send(new GetAccountSettingsCommand({ AccountId: accountId }));
      assert.equal(settings.AccountSettings!.EnableDialOut, false, 'nothing changed');
      const trail = await signed('GET', `/accounts/${accountId}/audit-events`, {
        principal: `console/${email}`,
        'operation-name': 'UpdateAccountSettings',
      });
      assert.deepEqual(
        (trail.json.AuditEvents as AuditEvent[]).map((e) => [e.Outcome, e.ErrorCode]),
        [['Failure', 'Forbidden']],
        'the refusal is in the trail, under the administrator',
      );

      await sideLink(page, 'App clients');
      await page.getByText('Only an operator manages app clients').waitFor();
      await checkPage(page, 'app-clients-read-only', dialect);
      await page.goBack();
      await h1(page, 'Settings');
      await sideLink(page, 'Overview');
      await h1(page, `Read Co ${dialect}`);
      await page.getByText('Set-up checklist').waitFor();
      await context.close();
    });
  },
  { BELFRY_WEBHOOK_ALLOW_PRIVATE: '127.0.0.0/8' },
  { skip },
);
