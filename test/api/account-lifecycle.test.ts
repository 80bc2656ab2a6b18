import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  AssociateSigninDelegateGroupsWithAccountCommand,
  BatchSuspendUserCommand,
  ConflictException,
  CreateUserCommand,
  DeleteAccountCommand,
  DisassociateSigninDelegateGroupsFromAccountCommand,
  GetAccountCommand,
  GetAccountSettingsCommand,
  InviteUsersCommand,
  ListAccountsCommand,
  NotFoundException,
  UnprocessableEntityException,
  UpdateAccountCommand,
  UpdateAccountSettingsCommand,
  type ChimeClient,
} from '@aws-sdk/client-chime';
import { DAY_MS } from '../../src/lib/clock.js';
import { newAccountId, uniqueEmail, uniqueSuffix } from '../helpers/accounts.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

async function status(chime: ChimeClient, accountId: string) {
  return (await chime.send(new GetAccountCommand({ AccountId: accountId }))).Account?.AccountStatus;
}

await eachDialect('account lifecycle', (server) => {
  // Belfry's extensions have no SDK command; they are signed by hand.
  const restore = (accountId: string, credentials = server().operator) =>
    signedFetch(server().url, credentials, {
      method: 'POST',
      path: `/accounts/${encodeURIComponent(accountId)}`,
      query: { operation: 'restore' },
    });
  const disabledPage = (query: Record<string, string>, credentials = server().operator) =>
    signedFetch(server().url, credentials, { method: 'GET', path: '/disabled-accounts', query });
  const listDisabled = async (): Promise<Array<Record<string, any>>> => {
    const accounts: Array<Record<string, any>> = [];
    let token: string | undefined;
    do {
      const page = await disabledPage({ 'max-results': '200', ...(token && { 'next-token': token }) });
      assert.equal(page.status, 200, JSON.stringify(page.json));
      accounts.push(...page.json.Accounts);
      token = page.json.NextToken;
    } while (token);
    return accounts;
  };
  const inActiveList = async (accountId: string) => {
    const name = (
      await server()
        .client()
        .send(new GetAccountCommand({ AccountId: accountId }))
    ).Account!.Name!;
    const listed = await server()
      .client()
      .send(new ListAccountsCommand({ Name: name }));
    return listed.Accounts!.some((a) => a.AccountId === accountId);
  };

  it('DeleteAccount refuses a Team account that still has members (422)', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const { User } = await chime.send(new CreateUserCommand({ AccountId: accountId, Email: uniqueEmail() }));
    const { Invites } = await chime.send(
      new InviteUsersCommand({ AccountId: accountId, UserEmailList: [uniqueEmail()] }),
    );
    assert.equal(Invites?.length, 1);
    await rejectsWith(
      chime.send(new DeleteAccountCommand({ AccountId: accountId })),
      UnprocessableEntityException,
      /2 members.*BatchSuspendUser/,
    );
    assert.equal(await status(chime, accountId), 'Active');

    // removing one is not enough; a pending invitee is a member too
    await chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [User!.UserId!] }));
    await rejectsWith(
      chime.send(new DeleteAccountCommand({ AccountId: accountId })),
      UnprocessableEntityException,
      /1 member\b/,
    );
  });

  it('DeleteAccount disables an emptied Team account (204): Suspended, unlisted, in the disabled list', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const users = await Promise.all(
      [uniqueEmail(), uniqueEmail()].map((e) =>
        chime.send(new CreateUserCommand({ AccountId: accountId, Email: e })),
      ),
    );
    const removed = await chime.send(
      new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: users.map((u) => u.User!.UserId!) }),
    );
    assert.deepEqual(removed.UserErrors, []);
    assert.equal(await inActiveList(accountId), true);

    const deletedAt = server().clock.now();
    const deleted = await chime.send(new DeleteAccountCommand({ AccountId: accountId }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    assert.ok(deleted.$metadata.requestId);

    const got = await chime.send(new GetAccountCommand({ AccountId: accountId }));
    assert.equal(got.Account?.AccountStatus, 'Suspended');
    assert.equal(await inActiveList(accountId), false);
    assert.equal(
      (await chime.send(new ListAccountsCommand({ MaxResults: 200 }))).Accounts!.some(
        (a) => a.AccountId === accountId,
      ),
      false,
    );

    const disabled = (await listDisabled()).find((a) => a.AccountId === accountId);
    assert.ok(disabled, 'the deleted account is in the disabled-accounts list');
    assert.equal(disabled.AccountStatus, 'Suspended');
    assert.equal(disabled.DeletedTimestamp, deletedAt.toISOString());
    assert.equal(disabled.PurgeTimestamp, new Date(deletedAt.getTime() + 90 * DAY_MS).toISOString());
  });

  it('a deleted account refuses changes with ConflictException but can still be read', async () => {
    const chime = server().client();
    const AccountId = await newAccountId(chime);
    await chime.send(new DeleteAccountCommand({ AccountId }));
    const refusedAsDeleted = (change: Promise<unknown>, message = /deleted/) =>
      rejectsWith(change, ConflictException, message);
    await refusedAsDeleted(chime.send(new UpdateAccountCommand({ AccountId, Name: 'Revived?' })));
    await refusedAsDeleted(
      chime.send(new UpdateAccountSettingsCommand({ AccountId, AccountSettings: { EnableDialOut: true } })),
    );
    await refusedAsDeleted(
      chime.send(
        new AssociateSigninDelegateGroupsWithAccountCommand({
          AccountId,
          SigninDelegateGroups: [{ GroupName: 'g' }],
        }),
      ),
    );
    await refusedAsDeleted(
      chime.send(new DisassociateSigninDelegateGroupsFromAccountCommand({ AccountId, GroupNames: ['g'] })),
    );
    await refusedAsDeleted(chime.send(new CreateUserCommand({ AccountId, Email: uniqueEmail() })));
    await refusedAsDeleted(chime.send(new InviteUsersCommand({ AccountId, UserEmailList: [uniqueEmail()] })));
    await refusedAsDeleted(chime.send(new DeleteAccountCommand({ AccountId })), /already deleted/);
    // reads still answer
    const settings = await chime.send(new GetAccountSettingsCommand({ AccountId }));
    assert.equal(settings.$metadata.httpStatusCode, 200);
    assert.equal(await status(chime, AccountId), 'Suspended');
  });

  it('DeleteAccount answers unknown ids with NotFoundException', async () => {
    await rejectsWith(
      server()
        .client()
        .send(new DeleteAccountCommand({ AccountId: 'gone-for-good' })),
      NotFoundException,
      /gone-for-good/,
    );
  });

  it('RestoreAccount brings a deleted account back with its name and groups', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime, `Restorable ${uniqueSuffix()}`);
    await chime.send(
      new AssociateSigninDelegateGroupsWithAccountCommand({
        AccountId: accountId,
        SigninDelegateGroups: [{ GroupName: 'staff' }],
      }),
    );
    const before = (await chime.send(new GetAccountCommand({ AccountId: accountId }))).Account!;
    await chime.send(new DeleteAccountCommand({ AccountId: accountId }));

    const restored = await restore(accountId);
    assert.equal(restored.status, 200, JSON.stringify(restored.json));
    assert.ok(restored.requestId);
    const account = restored.json.Account;
    assert.equal(account.AccountStatus, 'Active');
    assert.equal(account.Name, before.Name);
    assert.deepEqual(account.SigninDelegateGroups, [{ GroupName: 'staff' }]);
    assert.equal(account.CreatedTimestamp, before.CreatedTimestamp!.toISOString());
    assert.equal(account.DeletedTimestamp, undefined);
    assert.equal(account.PurgeTimestamp, undefined);

    assert.equal(await status(chime, accountId), 'Active');
    assert.equal(await inActiveList(accountId), true);
    assert.equal(
      (await listDisabled()).some((a) => a.AccountId === accountId),
      false,
    );
    // changes are allowed again
    const renamed = await chime.send(new UpdateAccountCommand({ AccountId: accountId, Name: 'Back Again' }));
    assert.equal(renamed.Account?.Name, 'Back Again');
  });

  it('RestoreAccount refuses active and unknown accounts, and non-operator keys', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const active = await restore(accountId);
    assert.equal(active.status, 409);
    assert.equal(active.errorType, 'ConflictException');
    assert.deepEqual(active.json, { Code: 'Conflict', Message: `Account ${accountId} is not deleted` });

    const unknown = await restore('never-existed');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.errorType, 'NotFoundException');
    assert.match(unknown.json.Message, /never-existed/);

    const empty = await restore('');
    assert.ok([400, 404].includes(empty.status), `status ${empty.status}`);

    await chime.send(new DeleteAccountCommand({ AccountId: accountId }));
    const scoped = await server().createKey('FullAccess', accountId);
    const refused = await restore(accountId, scoped);
    assert.equal(refused.status, 403);
    assert.equal(refused.errorType, 'ForbiddenException');
    const readOnly = await disabledPage({}, await server().createKey('ReadOnly'));
    assert.equal(readOnly.status, 403);
    assert.equal(await status(chime, accountId), 'Suspended');
  });

  it('ListDisabledAccounts pages and checks MaxResults', async () => {
    const chime = server().client();
    for (let i = 0; i < 3; i++)
      await chime.send(new DeleteAccountCommand({ AccountId: await newAccountId(chime) }));
    const all = await listDisabled();
    const first = await disabledPage({ 'max-results': '2' });
    assert.equal(first.json.Accounts.length, 2);
    assert.ok(first.json.NextToken);
    const seen = [...first.json.Accounts];
    let token: string | undefined = first.json.NextToken;
    while (token) {
      const page = await disabledPage({ 'max-results': '2', 'next-token': token });
      seen.push(...page.json.Accounts);
      token = page.json.NextToken;
    }
    assert.deepEqual(
      seen.map((a) => a.AccountId),
      all.map((a) => a.AccountId),
    );
    for (const bad of ['0', '201', 'ten']) {
      const refused = await disabledPage({ 'max-results': bad });
      assert.equal(refused.status, 400, bad);
      assert.equal(refused.errorType, 'BadRequestException');
      assert.match(refused.json.Message, /maxResults/);
    }
  });

  // Moves the suite's clock by months, so it runs last.
  it('purges deleted accounts after 90 days, but not restored or re-deleted ones', async () => {
    const chime = server().client();
    const clock = server().clock;
    const [doomed, restored, redeleted] = [
      await newAccountId(chime),
      await newAccountId(chime),
      await newAccountId(chime),
    ];
    for (const id of [doomed, restored, redeleted])
      await chime.send(new DeleteAccountCommand({ AccountId: id }));
    assert.equal((await restore(restored)).status, 200);
    assert.equal((await restore(redeleted)).status, 200);
    clock.advance(30 * DAY_MS);
    await chime.send(new DeleteAccountCommand({ AccountId: redeleted })); // its 90 days start again

    clock.advance(60 * DAY_MS - 60_000); // one minute before the first purge date
    await server().runJobs();
    assert.equal(await status(chime, doomed), 'Suspended');

    clock.advance(2 * 60_000);
    assert.ok((await server().runJobs()) >= 1);
    await rejectsWith(
      chime.send(new GetAccountCommand({ AccountId: doomed })),
      NotFoundException,
      new RegExp(doomed),
    );
    const gone = await restore(doomed);
    assert.equal(gone.status, 404);
    assert.match(gone.json.Message, /purged/);
    assert.equal(
      (await listDisabled()).some((a) => a.AccountId === doomed),
      false,
    );
    assert.equal(await status(chime, restored), 'Active');
    assert.equal(await status(chime, redeleted), 'Suspended');

    clock.advance(30 * DAY_MS);
    await server().runJobs();
    await rejectsWith(
      chime.send(new GetAccountCommand({ AccountId: redeleted })),
      NotFoundException,
      /not found/,
    );
    assert.equal(await status(chime, restored), 'Active');
  });
});
