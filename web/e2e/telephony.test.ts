import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  GetPhoneNumberCommand,
  GetPhoneNumberSettingsCommand,
  GetUserCommand,
  GetUserSettingsCommand,
  InviteUsersCommand,
  ListPhoneNumberOrdersCommand,
  ListUsersCommand,
} from '@aws-sdk/client-chime';
import type { Browser, Locator, Page } from 'playwright-core';
import { signedUpMember } from '../../test/helpers/members.js';
import { freshNumber, importNumbers } from '../../test/helpers/phone-numbers.js';
import { eachDialect } from '../../test/helpers/suite.js';
import type { TestServer } from '../../test/helpers/server.js';
import { checkPage, chromiumMissing, h1, launchChromium, sideLink } from './chromium.js';

const PASSWORD = 'telephony e2e password';
// Two numbers of the simulated carrier's Seattle pool (555-0100 to 555-0199).
const FIRST = '+12065550100';
const SECOND = '+12065550101';

let browser: Browser | undefined;
const skip = chromiumMissing();

before(async () => {
  if (!skip) browser = await launchChromium();
});
after(async () => browser?.close());

/** The first administrator, through the one-time link; leaves the page on Accounts. */
async function signInFirstAdministrator(page: Page, server: TestServer, email: string) {
  const scripts: string[] = [];
  page.on('request', (r) => void (r.resourceType() === 'script' && scripts.push(r.url())));
  const token = await server.services.consoleAdmins.issueSetupToken();
  await page.goto(`${server.url}/console/setup#token=${token}`);
  await h1(page, 'Create the first administrator');
  await page.waitForLoadState('networkidle');
  assert.ok(
    !scripts.some((url) => /\/(PhoneNumbers|ProvisionPhoneNumbers|PhoneNumberOrder)-[\w-]+\.js$/.test(url)),
    `the first page loads none of the phone pages' code: ${scripts.join(' ')}`,
  );
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat the password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await h1(page, 'Accounts');
}

/** Chooses an item of the page's (or dialog's) Actions menu. */
async function chooseAction(scope: Page, item: string) {
  await scope.getByRole('button', { name: 'Actions' }).click();
  await scope.getByRole('menuitem', { name: item, exact: true }).click();
}

/** Waits (at most 10 s) until the locator finds exactly `count` elements. */
async function rowsShown(rows: Locator, count: number) {
  let seen = -1;
  for (let tries = 0; tries < 50; tries += 1) {
    seen = await rows.count();
    if (seen === count) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(seen, count, 'rows shown');
}

await eachDialect(
  'the console telephony in Chromium',
  (server: () => TestServer, dialect) => {
    it('provision and order numbers, assign one from the user details page, edit telephony permissions, unassign, delete and restore, calling names', async () => {
      const context = await browser!.newContext();
      const page = await context.newPage();
      const chime = server().client();
      const member = await signedUpMember(server());
      await signInFirstAdministrator(page, server(), `admin-${dialect}@example.com`);

      // Phone number management, from the side navigation.
      await sideLink(page, 'Phone number management');
      await h1(page, 'Phone number management');
      await page.getByText('No phone numbers match').waitFor();
      await page.getByRole('button', { name: 'Provision phone numbers' }).click();
      await h1(page, 'Provision phone numbers');
      await page.getByLabel('Area code').fill('206');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('checkbox', { name: `Select ${FIRST}` }).check();
      await page.getByRole('checkbox', { name: `Select ${SECOND}` }).check();
      await checkPage(page, 'provision-phone-numbers', dialect);
      await page.getByRole('button', { name: 'Provision', exact: true }).click();
      await h1(page, 'Order details');
      await page.getByText('The carrier is processing the order').waitFor();
      // The carrier answers in the background; the page follows the order until it is done.
      await server().runJobs();
      await page.getByText('2 of 2 phone numbers acquired').waitFor({ timeout: 15_000 });
      await checkPage(page, 'phone-number-order', dialect);
      const orders = (await chime.send(new ListPhoneNumberOrdersCommand({}))).PhoneNumberOrders!;
      assert.equal(orders.length, 1);
      assert.equal(orders[0]!.Status, 'Successful');
      assert.deepEqual(orders[0]!.OrderedPhoneNumbers!.map((n) => n.E164PhoneNumber).sort(), [FIRST, SECOND]);
      await page.getByRole('button', { name: 'Orders', exact: true }).click();
      await h1(page, 'Phone number management');
      await page.getByRole('link', { name: orders[0]!.PhoneNumberOrderId! }).waitFor();
      await checkPage(page, 'phone-orders', dialect);

      const number = async (e164: string) =>
        (await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: e164 }))).PhoneNumber!;
      const user = async () =>
        (await chime.send(new GetUserCommand({ AccountId: member.accountId, UserId: member.userId }))).User!;
      const telephony = async () =>
        (await chime.send(new GetUserSettingsCommand({ AccountId: member.accountId, UserId: member.userId })))
          .UserSettings!.Telephony;

      const detailsOf = (userId: string) =>
        `${server().url}/console/accounts/${encodeURIComponent(member.accountId)}/users/${encodeURIComponent(userId)}`;
      const dialog = page.getByRole('dialog');

      // An invitee who has not accepted is refused, and the dialog says why and what to do.
      const invitee = `invitee-${dialect}@example.com`;
      await chime.send(new InviteUsersCommand({ AccountId: member.accountId, UserEmailList: [invitee] }));
      const inviteeId = (
        await chime.send(new ListUsersCommand({ AccountId: member.accountId, UserEmail: invitee }))
      ).Users![0]!.UserId!;
      await page.goto(detailsOf(inviteeId));
      await h1(page, invitee);
      await chooseAction(page, 'Assign phone number');
      await dialog.getByRole('button', { name: /Choose a phone number/ }).click();
      await dialog.getByRole('option', { name: FIRST }).click();
      await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
      await dialog.getByText(`Could not assign ${FIRST}: User ${inviteeId} is Unregistered`).waitFor();
      await dialog.getByText('An invited user accepts the invitation first').waitFor();
      await checkPage(page, 'assign-phone-number-refused', dialect);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      assert.equal((await number(FIRST)).Status, 'Unassigned');

      // Assign phone number, from the user details page.
      await page.goto(detailsOf(member.userId));
      await h1(page, member.email);
      await chooseAction(page, 'Assign phone number');
      await dialog.getByRole('button', { name: /Choose a phone number/ }).click();
      await dialog.getByRole('combobox', { name: 'Find a phone number' }).fill('0101');
      await dialog.getByRole('option', { name: SECOND }).click();
      await checkPage(page, 'assign-phone-number', dialect);
      await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
      await page.getByText(`Phone number ${SECOND} assigned to ${member.email}.`).waitFor();
      assert.equal((await user()).PrimaryProvisionedNumber, SECOND);
      assert.deepEqual(await telephony(), { InboundCalling: false, OutboundCalling: false, SMS: false });
      assert.equal((await number(SECOND)).Status, 'Assigned');
      // The user's audit trail on their page has the assignment, as the account's trail does.
      await page
        .getByRole('table', { name: 'Audit trail of the user' })
        .getByRole('cell', { name: 'AssociatePhoneNumberWithUser', exact: true })
        .waitFor();
      await checkPage(page, 'user-details-telephony', dialect);

      // Edit telephony permissions.
      await chooseAction(page, 'Edit telephony permissions');
      await dialog.getByRole('checkbox', { name: /^Inbound calling/ }).check();
      await dialog.getByRole('checkbox', { name: /^SMS/ }).check();
      await checkPage(page, 'edit-telephony-permissions', dialect);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await page.getByText('inbound calling on, outbound calling off, SMS on').waitFor();
      assert.deepEqual(await telephony(), { InboundCalling: true, OutboundCalling: false, SMS: true });

      // Unassign phone number: the check box is selected; clearing it holds the action back.
      await chooseAction(page, 'Unassign phone number');
      const box = dialog.getByRole('checkbox', { name: `Unassign ${SECOND} from ${member.email}` });
      assert.ok(await box.isChecked(), 'the check box starts selected');
      const unassign = dialog.getByRole('button', { name: 'Unassign', exact: true });
      await box.uncheck();
      assert.ok(await unassign.isDisabled(), 'Unassign waits for the check box');
      await box.check();
      await checkPage(page, 'unassign-phone-number', dialect);
      await unassign.click();
      await page.getByText(`Phone number ${SECOND} unassigned from ${member.email}.`).waitFor();
      assert.equal((await user()).PrimaryProvisionedNumber, undefined);
      assert.equal((await number(SECOND)).Status, 'Unassigned');

      // Delete a number, then restore it from the deletion queue.
      await page.goto(`${server().url}/console/phone-numbers`);
      await h1(page, 'Phone number management');
      await page.getByRole('checkbox', { name: `Select ${FIRST}` }).check();
      await checkPage(page, 'phone-inventory', dialect);
      await chooseAction(page, 'Delete phone number');
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.getByText('1 phone number moved to the deletion queue').waitFor();
      assert.equal((await number(FIRST)).Status, 'DeleteInProgress');
      await page.getByRole('tab', { name: 'Deletion queue' }).click();
      const restore = page.getByRole('button', { name: `Restore ${FIRST}` });
      await restore.waitFor();
      await checkPage(page, 'deletion-queue', dialect);
      await restore.click();
      await page.getByText(`Phone number ${FIRST} restored to the inventory as Unassigned.`).waitFor();
      await page.getByText('The deletion queue is empty.').waitFor();
      assert.equal((await number(FIRST)).Status, 'Unassigned');

      // The filters go to the server: no Voice Connector numbers here.
      await page.getByRole('tab', { name: 'Inventory' }).click();
      await page.getByRole('button', { name: /Filter by product type/ }).click();
      await page.getByRole('option', { name: 'Voice Connector' }).click();
      await page.getByText('No phone numbers match').waitFor();
      await page.getByRole('button', { name: /Filter by product type/ }).click();
      await page.getByRole('option', { name: 'Any' }).click();

      // A number's calling name, found by searching the inventory for it.
      // Part of a number narrows the page shown; a whole one is looked up (GetPhoneNumber).
      const find = page.getByRole('searchbox', { name: 'Find phone numbers' });
      await find.fill('5550100');
      await page.getByText('1 on this page').first().waitFor();
      await page.getByRole('checkbox', { name: `Select ${SECOND}` }).waitFor({ state: 'detached' });
      await find.fill(SECOND);
      await page.getByRole('checkbox', { name: `Select ${FIRST}` }).waitFor({ state: 'detached' });
      await page.getByRole('checkbox', { name: `Select ${SECOND}` }).check();
      await chooseAction(page, 'Edit calling name');
      await dialog.getByLabel('Calling name').fill('Belfry Desk');
      await checkPage(page, 'edit-calling-name', dialect);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await page.getByText(`Calling name of ${SECOND} set to "Belfry Desk".`).waitFor();
      assert.equal((await number(SECOND)).CallingName, 'Belfry Desk');

      // The default outbound calling name.
      await page.getByRole('tab', { name: 'Calling name' }).click();
      await page.getByRole('button', { name: 'Edit' }).click();
      await dialog.getByLabel('Default calling name').fill('Belfry Main');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Default calling name set to "Belfry Main".').waitFor();
      assert.equal((await chime.send(new GetPhoneNumberSettingsCommand({}))).CallingName, 'Belfry Main');
      await checkPage(page, 'calling-name', dialect);

      // The inventory pages on the server by NextToken (99 numbers a page): 2 ordered + 100 imported.
      await importNumbers(
        server(),
        Array.from({ length: 100 }, () => freshNumber()),
      );
      await page.getByRole('tab', { name: 'Inventory' }).click();
      const rows = page.getByRole('checkbox', { name: /^Select \+/ });
      await rowsShown(rows, 99);
      await page.getByRole('button', { name: 'Next page' }).click();
      await rowsShown(rows, 3);
      await page.getByRole('button', { name: 'Previous page' }).click();
      await rowsShown(rows, 99);

      await context.close();
    });
  },
  {},
  { skip },
);
