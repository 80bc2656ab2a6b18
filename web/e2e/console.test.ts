import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { ListAccountsCommand, ListUsersCommand } from '@aws-sdk/client-chime';
import type { Browser } from 'playwright-core';
import { eachDialect } from '../../test/helpers/suite.js';
import type { TestServer } from '../../test/helpers/server.js';
import { checkPage, chromiumMissing, h1, launchChromium, sideLink } from './chromium.js';

const PASSWORD = 'console e2e password';

let browser: Browser | undefined;
const skip = chromiumMissing();

before(async () => {
  if (!skip) browser = await launchChromium();
});
after(async () => browser?.close());

await eachDialect(
  'the console in Chromium',
  (server: () => TestServer, dialect) => {
    it('first-administrator link, sign-in, an account, invitations, Basic, removal, sign-out', async () => {
      const context = await browser!.newContext();
      const page = await context.newPage();
      const scripts: string[] = [];
      page.on('request', (r) => void (r.resourceType() === 'script' && scripts.push(r.url())));
      const token = await server().services.consoleAdmins.issueSetupToken();
      const email = `admin-${dialect}@example.com`;

      await page.goto(`${server().url}/console/setup#token=${token}`);
      await h1(page, 'Create the first administrator');
      await checkPage(page, 'setup', dialect);
      assert.ok(
        !scripts.some((url) => /\/(Users|Accounts)-[\w-]+\.js$/.test(url)),
        `the first page loads only its own code: ${scripts.join(' ')}`,
      );
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel('Repeat the password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create administrator' }).click();
      await h1(page, 'Accounts');

      // Sign out and back in through the sign-in page.
      await page.getByRole('button', { name: email }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await h1(page, 'Sign in to the Belfry console');
      await checkPage(page, 'sign-in', dialect);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('wrong password!');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('The email, password or authenticator code is wrong').waitFor();
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await h1(page, 'Accounts');
      await checkPage(page, 'accounts', dialect);

      await page.getByRole('button', { name: 'Create account' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Account name').fill('Browser Co');
      await dialog.getByRole('button', { name: 'Create account' }).click();
      // An account's name opens its overview; Users is in the side navigation.
      await page.getByRole('link', { name: 'Browser Co' }).click();
      await h1(page, 'Browser Co');
      await sideLink(page, 'Users');
      await h1(page, 'Users');
      await checkPage(page, 'users', dialect);

      await page.getByRole('button', { name: 'Invite users' }).click();
      await h1(page, 'Invite users');
      const field = page.getByLabel('Email addresses');
      await field.fill('ann@example.com; not-an-address');
      await page.getByText('Not an email address: not-an-address').waitFor();
      await field.fill('ann@example.com; ben@example.com');
      await checkPage(page, 'invite-users', dialect);
      await page.getByRole('button', { name: 'Invite users' }).click();
      await h1(page, 'Users');
      await page.getByRole('link', { name: 'ann@example.com' }).waitFor();

      await page.getByRole('checkbox', { name: 'Select ann@example.com' }).check();
      await page.getByRole('checkbox', { name: 'Select ben@example.com' }).check();
      await page.getByRole('button', { name: 'User actions' }).click();
      await page.getByRole('menuitem', { name: 'Assign permissions' }).click();
      await page
        .getByRole('dialog')
        .getByRole('radio', { name: /^Basic/ })
        .check();
      await page.getByRole('dialog').getByRole('button', { name: 'Assign' }).click();
      await page.getByText('Basic permissions assigned for 2 users.').waitFor();

      const accounts = await server()
        .client()
        .send(new ListAccountsCommand({ Name: 'Browser Co' }));
      const accountId = accounts.Accounts![0]!.AccountId!;
      const listed = async () =>
        (
          await server()
            .client()
            .send(new ListUsersCommand({ AccountId: accountId }))
        ).Users ?? [];
      assert.deepEqual((await listed()).map((u) => u.LicenseType).sort(), ['Basic', 'Basic']);

      await page.getByRole('checkbox', { name: 'Select ben@example.com' }).check();
      await page.getByRole('button', { name: 'User actions' }).click();
      await page.getByRole('menuitem', { name: 'Remove user' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
      await page.getByText('Removed from the account for 1 user.').waitFor();
      assert.ok(
        !(await listed()).some(
          (u) =>
            u.PrimaryEmail === 'ben@example.com' &&
            u.UserRegistrationStatus !== 'Suspended' &&
            u.UserInvitationStatus === 'Pending',
        ),
      );

      await page.getByRole('link', { name: 'ann@example.com' }).click();
      await h1(page, 'ann@example.com');
      await checkPage(page, 'user-details', dialect);

      // Delete an account with its name typed, then restore it from the disabled accounts.
      // Opened by its address, as a bookmark would: Belfry answers with the app, which routes itself.
      await page.goto(`${server().url}/console/accounts`);
      await h1(page, 'Accounts');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('dialog').getByLabel('Account name').fill('Short Lived');
      await page.getByRole('dialog').getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('radio', { name: 'Select Short Lived' }).check();
      await page.getByRole('button', { name: 'Delete' }).click();
      const remove = page.getByRole('dialog').getByRole('button', { name: 'Delete' });
      assert.ok(await remove.isDisabled(), 'Delete waits for the name');
      await page
        .getByRole('dialog')
        .getByLabel(/type the account's name/)
        .fill('Short Lived');
      await remove.click();
      await page.getByText('Account Short Lived deleted.').waitFor();
      await page.getByRole('button', { name: 'Restore Short Lived' }).click();
      await page.getByText('Account Short Lived restored.').waitFor();
      await page.getByRole('link', { name: 'Short Lived' }).waitFor();

      // The same browser, cookie and all, without the CSRF header: refused.
      const forged = await page.evaluate(async () => {
        const r = await fetch('/accounts', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"Name":"Forged"}',
        });
        return r.status;
      });
      assert.equal(forged, 403);

      await page.getByRole('button', { name: email }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await h1(page, 'Sign in to the Belfry console');
      await context.close();
    });
  },
  {},
  { skip },
);
