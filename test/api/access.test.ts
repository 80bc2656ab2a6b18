import { systemActor } from '../../src/domain/access/actor.js';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import {
  AssociatePhoneNumberWithUserCommand,
  AssociateSigninDelegateGroupsWithAccountCommand,
  BatchSuspendUserCommand,
  BatchUnsuspendUserCommand,
  BatchUpdateUserCommand,
  CreateAccountCommand,
  CreateUserCommand,
  DeleteAccountCommand,
  DisassociateSigninDelegateGroupsFromAccountCommand,
  GetAccountCommand,
  GetAccountSettingsCommand,
  GetUserCommand,
  GetUserSettingsCommand,
  InviteUsersCommand,
  ListAccountsCommand,
  ListBotsCommand,
  ListUsersCommand,
  LogoutUserCommand,
  ResetPersonalPINCommand,
  UpdateAccountCommand,
  UpdateAccountSettingsCommand,
  UpdateUserCommand,
  UpdateUserSettingsCommand,
  type ChimeClient,
} from '@aws-sdk/client-chime';
import { newAccountId, uniqueEmail, uniqueSuffix } from '../helpers/accounts.js';
import { importedNumber } from '../helpers/phone-numbers.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

/** Rejects with an error of that name (modeled or not) and HTTP status. */
async function rejectsNamed(promise: Promise<unknown>, name: string, status: number) {
  await assert.rejects(promise, (error: any) => {
    assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
    assert.equal(error.$metadata?.httpStatusCode, status);
    return true;
  });
}

const forbidden = (promise: Promise<unknown>) => rejectsNamed(promise, 'ForbiddenException', 403);

/** A Team account with one registered user, made by the operator. */
async function teamWithUser(operator: ChimeClient) {
  const accountId = await newAccountId(operator, `Access ${uniqueSuffix()}`);
  const { User } = await operator.send(new CreateUserCommand({ AccountId: accountId, Email: uniqueEmail() }));
  return { accountId, userId: User!.UserId! };
}

/** Every change an admin can request on an account and one of its users. */
function changes(accountId: string, userId: string) {
  const telephony = { InboundCalling: true, OutboundCalling: true, SMS: false };
  return {
    CreateAccount: new CreateAccountCommand({ Name: 'Never made' }),
    UpdateAccount: new UpdateAccountCommand({ AccountId: accountId, Name: 'Renamed' }),
    DeleteAccount: new DeleteAccountCommand({ AccountId: accountId }),
    UpdateAccountSettings: new UpdateAccountSettingsCommand({
      AccountId: accountId,
      AccountSettings: { EnableDialOut: true },
    }),
    AssociateSigninDelegateGroups: new AssociateSigninDelegateGroupsWithAccountCommand({
      AccountId: accountId,
      SigninDelegateGroups: [{ GroupName: 'admins' }],
    }),
    DisassociateSigninDelegateGroups: new DisassociateSigninDelegateGroupsFromAccountCommand({
      AccountId: accountId,
      GroupNames: ['admins'],
    }),
    CreateUser: new CreateUserCommand({ AccountId: accountId, Email: uniqueEmail() }),
    InviteUsers: new InviteUsersCommand({ AccountId: accountId, UserEmailList: [uniqueEmail()] }),
    UpdateUser: new UpdateUserCommand({ AccountId: accountId, UserId: userId, LicenseType: 'Basic' }),
    BatchUpdateUser: new BatchUpdateUserCommand({
      AccountId: accountId,
      UpdateUserRequestItems: [{ UserId: userId, LicenseType: 'Basic' }],
    }),
    BatchSuspendUser: new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [userId] }),
    BatchUnsuspendUser: new BatchUnsuspendUserCommand({ AccountId: accountId, UserIdList: [userId] }),
    ResetPersonalPIN: new ResetPersonalPINCommand({ AccountId: accountId, UserId: userId }),
    LogoutUser: new LogoutUserCommand({ AccountId: accountId, UserId: userId }),
    UpdateUserSettings: new UpdateUserSettingsCommand({
      AccountId: accountId,
      UserId: userId,
      UserSettings: { Telephony: telephony },
    }),
  };
}

await eachDialect('access', (server) => {
  it('refuses a bad signature with InvalidSignatureException (403)', async () => {
    const { accessKeyId } = server().operator;
    const chime = server().client({ accessKeyId, secretAccessKey: 'x'.repeat(40) });
    await rejectsNamed(chime.send(new ListAccountsCommand({})), 'InvalidSignatureException', 403);
  });

  it('refuses a request signed 20 minutes ago', async () => {
    const chime = server().client(server().operator, { systemClockOffset: -20 * 60 * 1000 });
    await assert.rejects(chime.send(new ListAccountsCommand({})), (error: any) => {
      assert.equal(error.$metadata?.httpStatusCode, 403);
      assert.equal(error.name, 'InvalidSignatureException');
      assert.match(error.message, /expired/i);
      return true;
    });
  });

  it('refuses an unknown key with UnrecognizedClientException', async () => {
    const chime = server().client({ accessKeyId: 'BKIANOSUCHKEY0000000', secretAccessKey: 'x'.repeat(40) });
    await rejectsNamed(chime.send(new ListAccountsCommand({})), 'UnrecognizedClientException', 403);
  });

  it('a deleted key stops working at once', async () => {
    const key = await server().createKey('ReadOnly');
    const chime = server().client(key);
    await chime.send(new ListAccountsCommand({}));
    await server().services.accessKeys.deleteAccessKey(systemActor('test'), key.accessKeyId);
    await rejectsNamed(chime.send(new ListAccountsCommand({})), 'UnrecognizedClientException', 403);
  });

  it('ReadOnly may read everything and change nothing', async () => {
    const operator = server().client();
    const { accountId, userId } = await teamWithUser(operator);
    const readOnly = server().client(await server().createKey('ReadOnly'));

    const { Accounts } = await readOnly.send(new ListAccountsCommand({}));
    assert.ok(Accounts?.some((a) => a.AccountId === accountId));
    await readOnly.send(new GetAccountCommand({ AccountId: accountId }));
    await readOnly.send(new GetAccountSettingsCommand({ AccountId: accountId }));
    assert.equal((await readOnly.send(new ListUsersCommand({ AccountId: accountId }))).Users?.length, 1);
    await readOnly.send(new GetUserCommand({ AccountId: accountId, UserId: userId }));
    await readOnly.send(new GetUserSettingsCommand({ AccountId: accountId, UserId: userId }));

    for (const [name, command] of Object.entries(changes(accountId, userId)))
      await forbidden(readOnly.send(command as never)).catch((error) =>
        assert.fail(`${name}: ${error.message}`),
      );

    const after = await operator.send(new GetUserCommand({ AccountId: accountId, UserId: userId }));
    assert.equal(after.User?.LicenseType, 'Pro');
    assert.equal((await operator.send(new ListUsersCommand({ AccountId: accountId }))).Users?.length, 1);
    assert.equal(
      (await operator.send(new GetAccountCommand({ AccountId: accountId }))).Account?.AccountStatus,
      'Active',
    );
  });

  it('UserManagement manages users but not accounts, settings or delegate groups', async () => {
    const operator = server().client();
    const { accountId, userId } = await teamWithUser(operator);
    const admin = server().client(await server().createKey('UserManagement'));
    const all = changes(accountId, userId);

    const invited = await admin.send(all.InviteUsers);
    assert.equal(invited.Invites?.[0]?.Status, 'Pending');
    await admin.send(all.CreateUser);
    assert.equal((await admin.send(all.UpdateUser)).User?.LicenseType, 'Basic');
    // Calling needs a number first; assigning one is itself a user-management action.
    await rejectsNamed(admin.send(all.UpdateUserSettings), 'BadRequestException', 400);
    const e164 = await importedNumber(server());
    await admin.send(
      new AssociatePhoneNumberWithUserCommand({
        AccountId: accountId,
        UserId: userId,
        E164PhoneNumber: e164,
      }),
    );
    await admin.send(all.UpdateUserSettings);
    const settings = await admin.send(new GetUserSettingsCommand({ AccountId: accountId, UserId: userId }));
    assert.equal(settings.UserSettings?.Telephony?.OutboundCalling, true);
    assert.deepEqual((await admin.send(all.BatchSuspendUser)).UserErrors, []);

    for (const name of [
      'CreateAccount',
      'UpdateAccount',
      'DeleteAccount',
      'UpdateAccountSettings',
      'AssociateSigninDelegateGroups',
      'DisassociateSigninDelegateGroups',
    ] as const)
      await forbidden(admin.send(all[name] as never)).catch((error) =>
        assert.fail(`${name}: ${error.message}`),
      );
    const account = (await operator.send(new GetAccountCommand({ AccountId: accountId }))).Account;
    assert.notEqual(account?.Name, 'Renamed');
    assert.deepEqual(account?.SigninDelegateGroups ?? [], []);
  });

  it('a key scoped to one account acts on it and on nothing else', async () => {
    const operator = server().client();
    const a = await teamWithUser(operator);
    const b = await teamWithUser(operator);
    const scoped = server().client(await server().createKey('FullAccess', a.accountId));

    await scoped.send(new UpdateAccountCommand({ AccountId: a.accountId, Name: 'Scoped rename' }));
    await scoped.send(new CreateUserCommand({ AccountId: a.accountId, Email: uniqueEmail() }));
    assert.equal((await scoped.send(new ListUsersCommand({ AccountId: a.accountId }))).Users?.length, 2);

    await forbidden(scoped.send(new GetAccountCommand({ AccountId: b.accountId })));
    await forbidden(scoped.send(new ListUsersCommand({ AccountId: b.accountId })));
    await forbidden(scoped.send(new GetUserCommand({ AccountId: b.accountId, UserId: b.userId })));
    await forbidden(scoped.send(new UpdateAccountCommand({ AccountId: b.accountId, Name: 'Hijacked' })));
    await forbidden(scoped.send(new CreateUserCommand({ AccountId: b.accountId, Email: uniqueEmail() })));
    await forbidden(scoped.send(new CreateAccountCommand({ Name: 'Another' })));
    // An id that does not exist is refused the same way, so a scoped key learns nothing.
    await forbidden(scoped.send(new GetAccountCommand({ AccountId: randomUUID() })));

    const { Accounts } = await scoped.send(new ListAccountsCommand({}));
    assert.deepEqual(
      Accounts?.map((x) => x.AccountId),
      [a.accountId],
    );
    assert.equal(
      (await operator.send(new GetAccountCommand({ AccountId: b.accountId }))).Account?.Name?.startsWith(
        'Access',
      ),
      true,
    );
  });

  it('answers an operation Belfry does not implement yet with BadRequestException', async () => {
    const { accountId } = await teamWithUser(server().client());
    await assert.rejects(
      server()
        .client()
        .send(new ListBotsCommand({ AccountId: accountId })),
      (error: any) => {
        assert.equal(error.name, 'BadRequestException');
        assert.equal(error.$metadata.httpStatusCode, 400);
        assert.match(error.message, /ListBots/);
        return true;
      },
    );
  });

  it('refuses a body that is not JSON with BadRequestException', async () => {
    const chime = server().client();
    // Replace the serialised body before it is signed, so only its syntax is wrong.
    chime.middlewareStack.add(
      (next) => async (args: any) => {
        args.request.body = '{"Name": "Half';
        args.request.headers['content-length'] = String(Buffer.byteLength(args.request.body));
        return next(args);
      },
      { step: 'build', priority: 'low' },
    );
    await assert.rejects(chime.send(new CreateAccountCommand({ Name: 'Broken' })), (error: any) => {
      assert.equal(error.name, 'BadRequestException');
      assert.match(error.message, /not valid JSON/);
      return true;
    });
  });
});

await eachDialect('access: wire details', (server) => {
  it('puts x-amzn-RequestId and Date on every response', async () => {
    const s = server();
    const responses = [
      await fetch(`${s.url}/accounts`), // unsigned: 403
      await fetch(`${s.url}/meetings`), // no such route: 404
      (await signedFetch(s.url, s.operator, { method: 'GET', path: '/accounts' })) as {
        status: number;
        headers: Headers;
      },
      await signedFetch(s.url, s.operator, { method: 'POST', path: '/accounts', body: { Name: 'Headers' } }),
    ];
    assert.deepEqual(
      responses.map((r) => r.status),
      [403, 404, 200, 201],
    );
    const ids = new Set<string>();
    for (const response of responses) {
      const id = response.headers.get('x-amzn-requestid');
      assert.ok(id, `no x-amzn-RequestId on a ${response.status}`);
      ids.add(id);
      const date = Date.parse(response.headers.get('date') ?? '');
      assert.ok(Math.abs(date - Date.now()) < 60_000, `no current Date on a ${response.status}`);
    }
    assert.equal(ids.size, responses.length, 'request ids are unique');
  });

  it('answers unknown routes in the Chime error format', async () => {
    const s = server();
    const meetings = await fetch(`${s.url}/meetings`);
    assert.equal(meetings.status, 404);
    assert.equal(meetings.headers.get('x-amzn-errortype'), 'NotFoundException');
    const body = (await meetings.json()) as Record<string, unknown>;
    assert.equal(body.Code, 'NotFound');
    assert.match(String(body.Message), /GET \/meetings/);

    const noOperation = await signedFetch(s.url, s.operator, {
      method: 'POST',
      path: '/phone-numbers',
      body: {},
    });
    assert.equal(noOperation.status, 400);
    assert.equal(noOperation.errorType, 'BadRequestException');
    assert.equal(noOperation.json.Code, 'BadRequest');
    assert.match(noOperation.json.Message, /operation=\(none\)/);

    const badOperation = await signedFetch(s.url, s.operator, {
      method: 'POST',
      path: '/phone-numbers',
      query: { operation: 'shred' },
      body: {},
    });
    assert.equal(badOperation.status, 400);
    assert.equal(badOperation.errorType, 'BadRequestException');
  });

  it('accepts the legacy /console path prefix', async () => {
    const s = server();
    const created = await signedFetch(s.url, s.operator, {
      method: 'POST',
      path: '/console/accounts',
      body: { Name: 'Legacy' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const accountId = created.json.Account.AccountId;
    const got = await signedFetch(s.url, s.operator, {
      method: 'GET',
      path: `/console/accounts/${accountId}`,
    });
    assert.equal(got.status, 200);
    assert.equal(got.json.Account.Name, 'Legacy');
  });

  it('answers an unsigned request in the Chime error format', async () => {
    const response = await fetch(`${server().url}/accounts`);
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.equal(((await response.json()) as Record<string, unknown>).Code, 'Forbidden');
  });
});
