import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  BadRequestException,
  CreateAccountCommand,
  CreateUserCommand,
  ForbiddenException,
  GetAccountCommand,
  InviteUsersCommand,
  ListAccountsCommand,
  NotFoundException,
  paginateListAccounts,
  UpdateAccountCommand,
  type ChimeClient,
  type ListAccountsCommandInput,
  type UpdateAccountCommandInput,
} from '@aws-sdk/client-chime';
import { createAccount, uniqueEmail, uniqueSuffix } from '../helpers/accounts.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import { eachDialect } from '../helpers/suite.js';

/** A prefix no other test uses, so listings filtered by it see only this test's accounts. */
const uniquePrefix = () => `t${uniqueSuffix()} `;

/** UpdateAccount with these changes is refused as a bad request, with a message naming the problem. */
async function refusesUpdate(
  chime: ChimeClient,
  AccountId: string,
  change: Omit<UpdateAccountCommandInput, 'AccountId'>,
  message: RegExp,
) {
  await rejectsWith(
    chime.send(new UpdateAccountCommand({ AccountId, ...change })),
    BadRequestException,
    message,
  );
}

await eachDialect('accounts', (server) => {
  it('CreateAccount makes a Team account with the Chime defaults (201)', async () => {
    const before = server().clock.now();
    const created = await server()
      .client()
      .send(new CreateAccountCommand({ Name: 'Acme Rockets' }));
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.ok(created.$metadata.requestId);
    const account = created.Account!;
    assert.match(account.AccountId!, /^[0-9a-f-]{36}$/);
    assert.ok(account.AwsAccountId);
    assert.equal(account.Name, 'Acme Rockets');
    assert.equal(account.AccountType, 'Team');
    assert.equal(account.AccountStatus, 'Active');
    assert.equal(account.DefaultLicense, 'Pro');
    assert.deepEqual(account.SupportedLicenses, ['Basic', 'Pro']);
    assert.deepEqual(account.SigninDelegateGroups ?? [], []);
    assert.ok(account.CreatedTimestamp instanceof Date);
    assert.equal(account.CreatedTimestamp.getTime(), before.getTime());
  });

  it('CreateAccount counts the name in code points: 100 emoji fit, 101 do not', async () => {
    const chime = server().client();
    const longest = '🔔'.repeat(100); // 200 UTF-16 units, 100 code points
    assert.equal((await createAccount(chime, longest)).Name, longest);
    await rejectsWith(
      chime.send(new CreateAccountCommand({ Name: '🔔'.repeat(101) })),
      BadRequestException,
      /name.*100/i,
    );
    await rejectsWith(
      chime.send(new CreateAccountCommand({ Name: 'a'.repeat(101) })),
      BadRequestException,
      /name.*100/i,
    );
  });

  it('CreateAccount refuses an empty, whitespace-only or missing name', async () => {
    const chime = server().client();
    await rejectsWith(chime.send(new CreateAccountCommand({ Name: '' })), BadRequestException, /name/i);
    await rejectsWith(chime.send(new CreateAccountCommand({ Name: ' \t\n ' })), BadRequestException, /name/i);
    // The JS SDK does not check required body members; the server must.
    await rejectsWith(chime.send(new CreateAccountCommand({} as never)), BadRequestException, /name.*null/i);
  });

  it('GetAccount returns the account as created (200)', async () => {
    const chime = server().client();
    const created = await createAccount(chime, 'Get Me Inc');
    const got = await chime.send(new GetAccountCommand({ AccountId: created.AccountId }));
    assert.equal(got.$metadata.httpStatusCode, 200);
    assert.ok(got.$metadata.requestId);
    assert.notEqual(got.$metadata.requestId, undefined);
    assert.deepEqual(got.Account, created);
  });

  it('GetAccount answers unknown ids with NotFoundException naming the id', async () => {
    const chime = server().client();
    await rejectsWith(
      chime.send(new GetAccountCommand({ AccountId: 'no-such-account' })),
      NotFoundException,
      /no-such-account/,
    );
    // a label with a slash stays one label (percent-encoded), never another route
    await rejectsWith(chime.send(new GetAccountCommand({ AccountId: 'a/b' })), NotFoundException, /a\/b/);
  });

  it('GetAccount with an empty id is refused, not taken for ListAccounts', async () => {
    const chime = server().client();
    await createAccount(chime, 'Not Listed By Accident');
    // Both clients send `GET /accounts/` for an empty label.
    await assert.rejects(chime.send(new GetAccountCommand({ AccountId: '' })), (error: unknown) => {
      assert.ok(error instanceof BadRequestException || error instanceof NotFoundException, String(error));
      assert.match(error.message, /account/i);
      return true;
    });
  });

  it('ListAccounts filters by a case-insensitive name prefix (200)', async () => {
    const chime = server().client();
    const prefix = uniquePrefix();
    const alpha = await createAccount(chime, `${prefix}Alpha`);
    const beta = await createAccount(chime, `${prefix}Beta`);
    await createAccount(chime, `x ${prefix}Gamma`); // contains the prefix, does not start with it
    const listed = await chime.send(new ListAccountsCommand({ Name: prefix.toUpperCase() }));
    assert.equal(listed.$metadata.httpStatusCode, 200);
    assert.deepEqual(
      listed.Accounts?.map((a) => a.AccountId).sort(),
      [alpha.AccountId, beta.AccountId].sort(),
    );
    assert.equal(listed.NextToken, undefined);
    const narrower = await chime.send(new ListAccountsCommand({ Name: `${prefix}Al` }));
    assert.deepEqual(
      narrower.Accounts?.map((a) => a.Name),
      [`${prefix}Alpha`],
    );
    // Letters beyond ASCII fold too, on SQLite as on PostgreSQL.
    const umlaut = await createAccount(chime, `Ärzte ${prefix}`);
    const folded = await chime.send(new ListAccountsCommand({ Name: `äRZTE ${prefix.toUpperCase()}` }));
    assert.deepEqual(
      folded.Accounts?.map((a) => a.AccountId),
      [umlaut.AccountId],
    );
    // LIKE wildcards in the filter are literal characters
    assert.deepEqual((await chime.send(new ListAccountsCommand({ Name: `${prefix}%` }))).Accounts, []);
    assert.deepEqual(
      (await chime.send(new ListAccountsCommand({ Name: `${prefix.slice(0, 3)}_` }))).Accounts,
      [],
    );
  });

  it('ListAccounts filters by a member email', async () => {
    const chime = server().client();
    const home = await createAccount(chime, 'Email Home');
    await createAccount(chime, 'Email Elsewhere');
    const email = uniqueEmail();
    await chime.send(new CreateUserCommand({ AccountId: home.AccountId, Email: email }));
    const found = await chime.send(new ListAccountsCommand({ UserEmail: email.toUpperCase() }));
    assert.deepEqual(
      found.Accounts?.map((a) => a.AccountId),
      [home.AccountId],
    );
    // A pending invitation elsewhere is not membership: the answer is the one account.
    const inviter = await createAccount(chime, 'Email Inviter');
    await chime.send(new InviteUsersCommand({ AccountId: inviter.AccountId, UserEmailList: [email] }));
    const invitee = uniqueEmail();
    await chime.send(new InviteUsersCommand({ AccountId: inviter.AccountId, UserEmailList: [invitee] }));
    assert.deepEqual(
      (await chime.send(new ListAccountsCommand({ UserEmail: email }))).Accounts?.map((a) => a.AccountId),
      [home.AccountId],
    );
    assert.deepEqual((await chime.send(new ListAccountsCommand({ UserEmail: invitee }))).Accounts, []);
    const nobody = await chime.send(new ListAccountsCommand({ UserEmail: 'nobody@example.com' }));
    assert.deepEqual(nobody.Accounts, []);
    await rejectsWith(
      chime.send(new ListAccountsCommand({ UserEmail: 'not-an-email' })),
      BadRequestException,
      /userEmail/,
    );
  });

  it('ListAccounts pages with MaxResults and NextToken, without gaps or repeats', async () => {
    const chime = server().client();
    const prefix = uniquePrefix();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await createAccount(chime, `${prefix}${i}`)).AccountId);

    const seen: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const page = await chime.send(
        new ListAccountsCommand({ Name: prefix, MaxResults: 2, NextToken: token }),
      );
      sizes.push(page.Accounts!.length);
      seen.push(...page.Accounts!.map((a) => a.AccountId!));
      token = page.NextToken;
    } while (token);
    assert.deepEqual(sizes, [2, 2, 1]);
    assert.deepEqual(new Set(seen), ids);
    assert.equal(seen.length, 5);

    // a page that ends exactly at the last account carries no NextToken
    const exact = await chime.send(new ListAccountsCommand({ Name: prefix, MaxResults: 5 }));
    assert.equal(exact.Accounts!.length, 5);
    assert.equal(exact.NextToken, undefined);
  });

  it('paginateListAccounts walks every page', async () => {
    const chime = server().client();
    const prefix = uniquePrefix();
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => `${prefix}${n}`);
    for (const name of names) await createAccount(chime, name);
    const pages: number[] = [];
    const collected: string[] = [];
    for await (const page of paginateListAccounts({ client: chime, pageSize: 3 }, { Name: prefix })) {
      pages.push(page.Accounts!.length);
      collected.push(...page.Accounts!.map((a) => a.Name!));
    }
    assert.deepEqual(pages, [3, 3, 1]);
    assert.deepEqual(collected.sort(), names);
  });

  it('ListAccounts refuses a NextToken issued for another query, or made up', async () => {
    const chime = server().client();
    const prefix = uniquePrefix();
    for (let i = 0; i < 3; i++) await createAccount(chime, `${prefix}${i}`);
    const first = await chime.send(new ListAccountsCommand({ Name: prefix, MaxResults: 1 }));
    assert.ok(first.NextToken);
    const refused = (input: ListAccountsCommandInput) =>
      rejectsWith(chime.send(new ListAccountsCommand(input)), BadRequestException, /NextToken/);
    await refused({ Name: 'something else', MaxResults: 1, NextToken: first.NextToken });
    await refused({ NextToken: first.NextToken });
    await refused({ NextToken: 'tok/+=' });
  });

  it('ListAccounts accepts MaxResults 1–200 only', async () => {
    const chime = server().client();
    await rejectsWith(
      chime.send(new ListAccountsCommand({ MaxResults: 0 })),
      BadRequestException,
      /maxResults.*greater than or equal to 1/,
    );
    await rejectsWith(
      chime.send(new ListAccountsCommand({ MaxResults: 201 })),
      BadRequestException,
      /maxResults.*less than or equal to 200/,
    );
    const max = await chime.send(new ListAccountsCommand({ MaxResults: 200 }));
    assert.ok(max.Accounts!.length > 0);
  });

  it('UpdateAccount renames and changes DefaultLicense (200)', async () => {
    const chime = server().client();
    const account = await createAccount(chime, 'Old Name');
    const renamed = await chime.send(
      new UpdateAccountCommand({ AccountId: account.AccountId, Name: 'New Name' }),
    );
    assert.equal(renamed.$metadata.httpStatusCode, 200);
    assert.equal(renamed.Account?.Name, 'New Name');
    assert.equal(renamed.Account?.DefaultLicense, 'Pro'); // untouched

    const basic = await chime.send(
      new UpdateAccountCommand({ AccountId: account.AccountId, DefaultLicense: 'Basic' }),
    );
    assert.equal(basic.Account?.Name, 'New Name'); // untouched
    assert.equal(basic.Account?.DefaultLicense, 'Basic');

    const got = await chime.send(new GetAccountCommand({ AccountId: account.AccountId }));
    assert.equal(got.Account?.Name, 'New Name');
    assert.equal(got.Account?.DefaultLicense, 'Basic');
    assert.deepEqual(got.Account?.CreatedTimestamp, account.CreatedTimestamp);
    // the new name is what the prefix filter sees
    const listed = await chime.send(new ListAccountsCommand({ Name: 'New Name' }));
    assert.ok(listed.Accounts?.some((a) => a.AccountId === account.AccountId));
  });

  it('UpdateAccount refuses licenses the account does not offer, and unknown ones', async () => {
    const chime = server().client();
    const { AccountId } = await createAccount(chime, 'License Checks');
    await refusesUpdate(chime, AccountId, { DefaultLicense: 'Plus' }, /Plus.*not offered.*Basic, Pro/);
    await refusesUpdate(chime, AccountId, { DefaultLicense: 'ProTrial' }, /ProTrial/);
    await refusesUpdate(
      chime,
      AccountId,
      { DefaultLicense: 'Gold' as never },
      /'Gold'.*defaultLicense.*enum/,
    );
    const unchanged = await chime.send(new GetAccountCommand({ AccountId }));
    assert.equal(unchanged.Account?.DefaultLicense, 'Pro');
  });

  it('UpdateAccount checks the name like CreateAccount and leaves the account alone on failure', async () => {
    const chime = server().client();
    const { AccountId } = await createAccount(chime, 'Keep Me');
    await refusesUpdate(chime, AccountId, { Name: 'x'.repeat(101) }, /name.*100/i);
    await refusesUpdate(chime, AccountId, { Name: '   ' }, /name/i);
    await refusesUpdate(chime, AccountId, { Name: '' }, /name/i);
    // one bad member fails the whole request
    await refusesUpdate(chime, AccountId, { Name: 'Fine', DefaultLicense: 'Gold' as never }, /Gold/);
    assert.equal((await chime.send(new GetAccountCommand({ AccountId }))).Account?.Name, 'Keep Me');
  });

  it('UpdateAccount answers unknown ids with NotFoundException', async () => {
    await rejectsWith(
      server()
        .client()
        .send(new UpdateAccountCommand({ AccountId: 'missing-account', Name: 'Whatever' })),
      NotFoundException,
      /missing-account/,
    );
  });

  it('keys see and change only what their policy and scope allow', async () => {
    const operator = server().client();
    const mine = await createAccount(operator, 'Scoped Mine');
    const other = await createAccount(operator, 'Scoped Other');
    const readOnly = server().client(await server().createKey('ReadOnly'));
    assert.equal(
      (await readOnly.send(new GetAccountCommand({ AccountId: mine.AccountId }))).Account?.Name,
      'Scoped Mine',
    );
    await rejectsWith(
      readOnly.send(new CreateAccountCommand({ Name: 'Nope' })),
      ForbiddenException,
      /ReadOnly/,
    );
    await rejectsWith(
      readOnly.send(new UpdateAccountCommand({ AccountId: mine.AccountId, Name: 'Nope' })),
      ForbiddenException,
      /ReadOnly/,
    );

    const scoped = server().client(await server().createKey('FullAccess', mine.AccountId));
    const listed = await scoped.send(new ListAccountsCommand({}));
    assert.deepEqual(
      listed.Accounts?.map((a) => a.AccountId),
      [mine.AccountId],
    );
    await rejectsWith(
      scoped.send(new GetAccountCommand({ AccountId: other.AccountId })),
      ForbiddenException,
      /limited to account/,
    );
    await rejectsWith(
      scoped.send(new CreateAccountCommand({ Name: 'Nope' })),
      ForbiddenException,
      /limited to account/,
    );
    const renamed = await scoped.send(
      new UpdateAccountCommand({ AccountId: mine.AccountId, Name: 'Scoped Renamed' }),
    );
    assert.equal(renamed.Account?.Name, 'Scoped Renamed');
  });
});
