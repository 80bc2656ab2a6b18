import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  BadRequestException,
  ConflictException,
  CreateUserCommand,
  GetUserCommand,
  GetUserSettingsCommand,
  InviteUsersCommand,
  ListUsersCommand,
  LogoutUserCommand,
  NotFoundException,
  paginateListUsers,
  ResetPersonalPINCommand,
  UpdateAccountCommand,
  UpdateUserSettingsCommand,
  type ChimeClient,
  type User,
} from '@aws-sdk/client-chime';
import { newAccountId } from '../helpers/accounts.js';
import { giveNumber } from '../helpers/phone-numbers.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import { eachDialect } from '../helpers/suite.js';

async function listAll(chime: ChimeClient, accountId: string): Promise<User[]> {
  return (await chime.send(new ListUsersCommand({ AccountId: accountId, MaxResults: 200 }))).Users ?? [];
}

const emailsOf = (users: User[]) => users.map((u) => u.PrimaryEmail).sort();

await eachDialect('users', (server) => {
  it('creates a registered PrivateUser with the account default licence and a 10-digit PIN', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    // Basic rather than the Pro default, so the licence provably comes from the account.
    await chime.send(new UpdateAccountCommand({ AccountId: accountId, DefaultLicense: 'Basic' }));
    const created = await chime.send(
      new CreateUserCommand({
        AccountId: accountId,
        Email: 'ada@example.com',
        Username: 'Ada',
        UserType: 'PrivateUser',
      }),
    );
    assert.equal(created.$metadata.httpStatusCode, 201);
    const user = created.User!;
    assert.equal(user.AccountId, accountId);
    assert.equal(user.PrimaryEmail, 'ada@example.com');
    assert.equal(user.DisplayName, 'Ada');
    assert.equal(user.UserType, 'PrivateUser');
    assert.equal(user.UserRegistrationStatus, 'Registered');
    assert.equal(user.LicenseType, 'Basic');
    assert.ok(user.RegisteredOn instanceof Date && !Number.isNaN(user.RegisteredOn.getTime()));
    assert.match(user.PersonalPIN ?? '', /^\d{10}$/);
    const got = await chime.send(new GetUserCommand({ AccountId: accountId, UserId: user.UserId }));
    assert.deepEqual(got.User, user);
  });

  it('lists an account that has no member, and refuses one that does not exist, with or without a token', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    // The account is read only when no member comes back (a member implies it): an empty page.
    assert.deepEqual(
      (await chime.send(new ListUsersCommand({ AccountId: accountId, UserType: 'SharedDevice' }))).Users,
      [],
    );
    const missing = '0190f0f0-0000-7000-8000-000000000000';
    // A refused token still answers NotFound first for an account that is not there.
    const refusals = [
      [missing, undefined, NotFoundException],
      [missing, 'not-a-token', NotFoundException],
      [accountId, 'not-a-token', BadRequestException],
    ] as const;
    for (const [AccountId, NextToken, refusal] of refusals)
      await assert.rejects(chime.send(new ListUsersCommand({ AccountId, NextToken })), refusal);
  });

  it('creates a SharedDevice without an email, but refuses a PrivateUser without one', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const { User: device } = await chime.send(
      new CreateUserCommand({ AccountId: accountId, Username: 'Room Device', UserType: 'SharedDevice' }),
    );
    assert.equal(device?.UserType, 'SharedDevice');
    assert.equal(device?.PrimaryEmail, undefined);
    assert.equal(device?.DisplayName, 'Room Device');
    assert.equal(device?.UserRegistrationStatus, 'Registered');
    await assert.rejects(
      chime.send(new CreateUserCommand({ AccountId: accountId, Username: 'Nobody' })),
      BadRequestException,
    );
    await assert.rejects(
      chime.send(new CreateUserCommand({ AccountId: accountId, UserType: 'PrivateUser' })),
      BadRequestException,
    );
    assert.deepEqual(
      (await listAll(chime, accountId)).map((u) => u.UserId),
      [device?.UserId],
    );
  });

  it('refuses a duplicate email whatever its case, a bad email, a bad UserType and an unknown account', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    // Sent at once, exactly one wins: the check and the insert happen under the account's lock.
    const racing = await Promise.allSettled(
      ['grace', 'Grace', 'GRACE', 'gRace'].map((name) =>
        chime.send(new CreateUserCommand({ AccountId: accountId, Email: `${name}@example.com` })),
      ),
    );
    assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of racing) if (r.status === 'rejected') assert.ok(r.reason instanceof ConflictException);
    await assert.rejects(
      chime.send(new CreateUserCommand({ AccountId: accountId, Email: 'Grace@EXAMPLE.com' })),
      ConflictException,
    );
    await assert.rejects(
      chime.send(new CreateUserCommand({ AccountId: accountId, Email: 'no-at-sign' })),
      BadRequestException,
    );
    await assert.rejects(
      chime.send(
        new CreateUserCommand({ AccountId: accountId, Email: 'x@example.com', UserType: 'Robot' as never }),
      ),
      BadRequestException,
    );
    await assert.rejects(
      chime.send(new CreateUserCommand({ AccountId: 'no-such-account', Email: 'y@example.com' })),
      NotFoundException,
    );
    assert.equal((await listAll(chime, accountId)).length, 1);
  });

  it('invites addresses as pending, unregistered users without sending mail yet', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const invited = await chime.send(
      new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['a@example.com', 'b@example.com'] }),
    );
    assert.equal(invited.$metadata.httpStatusCode, 201);
    assert.equal(invited.Invites?.length, 2);
    for (const invite of invited.Invites!) {
      assert.equal(invite.Status, 'Pending');
      assert.equal(invite.EmailStatus, 'NotSent');
      assert.match(invite.InviteId ?? '', /\S/);
    }
    assert.deepEqual(invited.Invites!.map((i) => i.EmailAddress).sort(), ['a@example.com', 'b@example.com']);
    const users = await listAll(chime, accountId);
    assert.deepEqual(emailsOf(users), ['a@example.com', 'b@example.com']);
    for (const user of users) {
      assert.equal(user.UserRegistrationStatus, 'Unregistered');
      assert.equal(user.UserInvitationStatus, 'Pending');
      assert.ok(user.InvitedOn instanceof Date);
      assert.equal(user.RegisteredOn, undefined);
    }
  });

  it('re-invites a pending address without a second user and reports a registered one as Accepted', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    await chime.send(new CreateUserCommand({ AccountId: accountId, Email: 'member@example.com' }));
    await chime.send(
      new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['pending@example.com'] }),
    );
    const again = await chime.send(
      new InviteUsersCommand({
        AccountId: accountId,
        UserEmailList: ['PENDING@example.com', 'Member@example.com'],
      }),
    );
    const byAddress = new Map(again.Invites!.map((i) => [i.EmailAddress?.toLowerCase(), i.Status]));
    assert.equal(byAddress.get('pending@example.com'), 'Pending');
    assert.equal(byAddress.get('member@example.com'), 'Accepted');
    const users = await listAll(chime, accountId);
    assert.deepEqual(emailsOf(users), ['member@example.com', 'pending@example.com']);
    assert.equal(
      users.find((u) => u.PrimaryEmail === 'member@example.com')?.UserRegistrationStatus,
      'Registered',
    );
  });

  it('answers one Invite per address asked for, in order, though an address given twice is invited once', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const { Invites } = await chime.send(
      new InviteUsersCommand({
        AccountId: accountId,
        UserEmailList: ['a@example.com', 'b@example.com', 'A@Example.com'],
      }),
    );
    assert.equal(Invites?.length, 3);
    assert.deepEqual(
      Invites.map((i) => i.EmailAddress?.toLowerCase()),
      ['a@example.com', 'b@example.com', 'a@example.com'],
    );
    assert.equal(Invites[2]!.InviteId, Invites[0]!.InviteId, 'the same invite');
    assert.deepEqual(emailsOf(await listAll(chime, accountId)), ['a@example.com', 'b@example.com']);
  });

  it('takes 50 addresses at once, refuses 51, and writes nothing when one address is bad', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const addresses = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => `${prefix}${i}@example.com`);
    await assert.rejects(
      chime.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: addresses(51, 'over') })),
      BadRequestException,
    );
    assert.equal((await listAll(chime, accountId)).length, 0);
    const ok = await chime.send(
      new InviteUsersCommand({ AccountId: accountId, UserEmailList: addresses(50, 'ok') }),
    );
    assert.equal(ok.Invites?.length, 50);
    assert.equal((await listAll(chime, accountId)).length, 50);
    // One pattern-valid but undeliverable address after good ones: the whole call is refused.
    for (const bad of ['not-an-address', 'has space@example.com']) {
      await assert.rejects(
        chime.send(
          new InviteUsersCommand({
            AccountId: accountId,
            UserEmailList: ['fresh1@example.com', bad, 'fresh2@example.com'],
          }),
        ),
        BadRequestException,
      );
    }
    assert.equal((await listAll(chime, accountId)).length, 50);
  });

  it('filters ListUsers by email (case-insensitive, at most one user) and by user type', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const { User: mixed } = await chime.send(
      new CreateUserCommand({ AccountId: accountId, Email: 'Mixed.Case@Example.com' }),
    );
    await chime.send(new CreateUserCommand({ AccountId: accountId, Email: 'other@example.com' }));
    const { User: device } = await chime.send(
      new CreateUserCommand({ AccountId: accountId, Username: 'Lobby', UserType: 'SharedDevice' }),
    );
    const byEmail = await chime.send(
      new ListUsersCommand({ AccountId: accountId, UserEmail: 'mixed.case@example.COM' }),
    );
    assert.deepEqual(
      byEmail.Users?.map((u) => u.UserId),
      [mixed?.UserId],
    );
    const none = await chime.send(
      new ListUsersCommand({ AccountId: accountId, UserEmail: 'absent@example.com' }),
    );
    assert.deepEqual(none.Users, []);
    const devices = await chime.send(
      new ListUsersCommand({ AccountId: accountId, UserType: 'SharedDevice' }),
    );
    assert.deepEqual(
      devices.Users?.map((u) => u.UserId),
      [device?.UserId],
    );
    const people = await chime.send(new ListUsersCommand({ AccountId: accountId, UserType: 'PrivateUser' }));
    assert.equal(people.Users?.length, 2);
    await assert.rejects(
      chime.send(new ListUsersCommand({ AccountId: accountId, UserType: 'Robot' as never })),
      BadRequestException,
    );
    await assert.rejects(
      chime.send(new ListUsersCommand({ AccountId: 'no-such-account' })),
      NotFoundException,
    );
  });

  it('pages ListUsers within 1..200, each user once in a stable order, by hand and with the paginator', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const emails = Array.from({ length: 7 }, (_, i) => `page${i}@example.com`);
    await chime.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: emails }));
    for (const MaxResults of [0, 201]) {
      await assert.rejects(
        chime.send(new ListUsersCommand({ AccountId: accountId, MaxResults })),
        BadRequestException,
      );
    }
    const walked: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await chime.send(new ListUsersCommand({ AccountId: accountId, MaxResults: 3, NextToken }));
      assert.ok((page.Users?.length ?? 0) <= 3);
      walked.push(...page.Users!.map((u) => u.UserId!));
      NextToken = page.NextToken;
      pages += 1;
    } while (NextToken);
    assert.equal(pages, 3);
    assert.equal(new Set(walked).size, 7);
    const single = (await chime.send(new ListUsersCommand({ AccountId: accountId, MaxResults: 1 }))).Users;
    assert.deepEqual(
      single?.map((u) => u.UserId),
      walked.slice(0, 1),
    );
    const viaPaginator: string[] = [];
    for await (const page of paginateListUsers({ client: chime, pageSize: 2 }, { AccountId: accountId }))
      viaPaginator.push(...page.Users!.map((u) => u.UserId!));
    assert.deepEqual(viaPaginator, walked);
    const whole = await chime.send(new ListUsersCommand({ AccountId: accountId, MaxResults: 200 }));
    assert.deepEqual(
      whole.Users?.map((u) => u.UserId),
      walked,
    );
    assert.equal(whole.NextToken, undefined);
  });

  it('refuses a NextToken issued for another filter or not issued at all', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    await chime.send(
      new InviteUsersCommand({
        AccountId: accountId,
        UserEmailList: ['t1@example.com', 't2@example.com', 't3@example.com'],
      }),
    );
    const first = await chime.send(new ListUsersCommand({ AccountId: accountId, MaxResults: 1 }));
    assert.ok(first.NextToken);
    await assert.rejects(
      chime.send(
        new ListUsersCommand({ AccountId: accountId, UserType: 'PrivateUser', NextToken: first.NextToken }),
      ),
      BadRequestException,
    );
    const otherAccount = await newAccountId(chime, 'Other Co');
    await assert.rejects(
      chime.send(new ListUsersCommand({ AccountId: otherAccount, NextToken: first.NextToken })),
      BadRequestException,
    );
    await assert.rejects(
      chime.send(new ListUsersCommand({ AccountId: accountId, NextToken: 'made-up' })),
      BadRequestException,
    );
  });

  it('answers GetUser with NotFound for an unknown user or another account’s user', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const otherAccount = await newAccountId(chime, 'Elsewhere');
    const { User: stranger } = await chime.send(
      new CreateUserCommand({ AccountId: otherAccount, Email: 'stranger@example.com' }),
    );
    for (const UserId of ['no-such-user', stranger!.UserId!]) {
      await assert.rejects(
        chime.send(new GetUserCommand({ AccountId: accountId, UserId })),
        NotFoundException,
      );
    }
    // …while the same id is found in its own account.
    const own = await chime.send(new GetUserCommand({ AccountId: otherAccount, UserId: stranger!.UserId! }));
    assert.equal(own.User?.PrimaryEmail, 'stranger@example.com');
  });

  it('refuses an empty UserId label instead of treating GET …/users/ as ListUsers', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    await chime.send(new CreateUserCommand({ AccountId: accountId, Email: 'someone@example.com' }));
    // The SDK sends `GET /accounts/{id}/users/`; UserId is a NonEmptyString (pattern \S) in the
    // model, so the server answers with the validation error (the reference allows 400 or 404).
    await assert.rejects(
      chime.send(new GetUserCommand({ AccountId: accountId, UserId: '' })),
      (error: unknown) => {
        assert.ok(error instanceof BadRequestException);
        assert.match(error.message, /userId/i);
        return true;
      },
    );
  });

  it('resets the personal PIN and logs a user out without suspending them', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const { User: user } = await chime.send(
      new CreateUserCommand({ AccountId: accountId, Email: 'pin@example.com' }),
    );
    const reset = await chime.send(
      new ResetPersonalPINCommand({ AccountId: accountId, UserId: user!.UserId }),
    );
    assert.equal(reset.$metadata.httpStatusCode, 200);
    assert.equal(reset.User?.UserId, user?.UserId);
    assert.match(reset.User?.PersonalPIN ?? '', /^\d{10}$/);
    assert.notEqual(reset.User?.PersonalPIN, user?.PersonalPIN);
    const got = await chime.send(new GetUserCommand({ AccountId: accountId, UserId: user!.UserId }));
    assert.equal(got.User?.PersonalPIN, reset.User?.PersonalPIN);

    const logout = await chime.send(new LogoutUserCommand({ AccountId: accountId, UserId: user!.UserId }));
    assert.equal(logout.$metadata.httpStatusCode, 204);
    const after = await chime.send(new GetUserCommand({ AccountId: accountId, UserId: user!.UserId }));
    assert.equal(after.User?.UserRegistrationStatus, 'Registered');
    for (const command of [
      new ResetPersonalPINCommand({ AccountId: accountId, UserId: 'no-such-user' }),
      new LogoutUserCommand({ AccountId: accountId, UserId: 'no-such-user' }),
    ])
      await assert.rejects(chime.send(command as never), NotFoundException);
  });

  it('round-trips the telephony settings and refuses a request without Telephony', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const { User: user } = await chime.send(
      new CreateUserCommand({ AccountId: accountId, Email: 'tel@example.com' }),
    );
    const ids = { AccountId: accountId, UserId: user!.UserId! };
    const allOff = { InboundCalling: false, OutboundCalling: false, SMS: false };
    const initial = await chime.send(new GetUserSettingsCommand(ids));
    assert.deepEqual(initial.UserSettings, { Telephony: allOff });
    const Telephony = { InboundCalling: true, OutboundCalling: false, SMS: true };
    // Calling and SMS need a number to call and text from; turning everything off needs none.
    await rejectsWith(
      chime.send(new UpdateUserSettingsCommand({ ...ids, UserSettings: { Telephony } })),
      BadRequestException,
      /no phone number/,
    );
    await chime.send(new UpdateUserSettingsCommand({ ...ids, UserSettings: { Telephony: allOff } }));
    assert.deepEqual((await chime.send(new GetUserSettingsCommand(ids))).UserSettings, { Telephony: allOff });

    const e164 = await giveNumber(server(), chime, accountId, ids.UserId);
    assert.equal((await chime.send(new GetUserCommand(ids))).User?.PrimaryProvisionedNumber, e164);
    const updated = await chime.send(new UpdateUserSettingsCommand({ ...ids, UserSettings: { Telephony } }));
    assert.equal(updated.$metadata.httpStatusCode, 204);
    assert.deepEqual((await chime.send(new GetUserSettingsCommand(ids))).UserSettings, { Telephony });
    await assert.rejects(
      chime.send(new UpdateUserSettingsCommand({ ...ids, UserSettings: {} as never })),
      BadRequestException,
    );
    assert.deepEqual((await chime.send(new GetUserSettingsCommand(ids))).UserSettings, { Telephony });
    await assert.rejects(
      chime.send(new GetUserSettingsCommand({ AccountId: accountId, UserId: 'no-such-user' })),
      NotFoundException,
    );
  });
});
