import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  BadRequestException,
  BatchSuspendUserCommand,
  BatchUnsuspendUserCommand,
  BatchUpdateUserCommand,
  CreateUserCommand,
  ForbiddenException,
  GetUserCommand,
  InviteUsersCommand,
  ListUsersCommand,
  NotFoundException,
  UpdateUserCommand,
  type ChimeClient,
} from '@aws-sdk/client-chime';
import { updateAccount, type AccountType } from '../../src/store/accounts.js';
import type { TestServer } from '../helpers/server.js';
import { newAccountId } from '../helpers/accounts.js';
import { eachDialect } from '../helpers/suite.js';

/** Creates registered users and returns their ids in the order of the addresses. */
async function newUsers(chime: ChimeClient, accountId: string, ...emails: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const Email of emails)
    ids.push((await chime.send(new CreateUserCommand({ AccountId: accountId, Email }))).User!.UserId!);
  return ids;
}

/**
 * Converts the account behind the API's back: in Belfry a Team account becomes EnterpriseLWA
 * when it verifies a claimed domain and EnterpriseDirectory when it connects a directory; those
 * operations come in a later issue, so the tests set the type through the store.
 */
async function convert(server: TestServer, accountId: string, type: AccountType): Promise<void> {
  await updateAccount(server.services.db, accountId, { type, updatedAt: new Date().toISOString() });
}

async function user(chime: ChimeClient, accountId: string, userId: string) {
  return (await chime.send(new GetUserCommand({ AccountId: accountId, UserId: userId }))).User!;
}

async function listedIds(chime: ChimeClient, accountId: string): Promise<string[]> {
  const page = await chime.send(new ListUsersCommand({ AccountId: accountId, MaxResults: 200 }));
  return page.Users!.map((u) => u.UserId!).sort();
}

const ids = (n: number, prefix = 'missing') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

await eachDialect('user batches', (server) => {
  it('sets the licence to Basic and back to Pro, refusing ProTrial, Plus and unknown values', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const [userId] = await newUsers(chime, accountId, 'tier@example.com');
    const update = (LicenseType: string) =>
      chime.send(
        new UpdateUserCommand({ AccountId: accountId, UserId: userId!, LicenseType: LicenseType as never }),
      );
    assert.equal((await update('Basic')).User?.LicenseType, 'Basic');
    assert.equal((await user(chime, accountId, userId!)).LicenseType, 'Basic');
    assert.equal((await update('Pro')).User?.LicenseType, 'Pro');
    // ProTrial is a personal state only sign-up starts; Plus is not among this account's Basic,Pro.
    for (const refused of ['ProTrial', 'Plus', 'Gold'])
      await assert.rejects(update(refused), BadRequestException);
    assert.equal((await user(chime, accountId, userId!)).LicenseType, 'Pro');
    await assert.rejects(
      chime.send(
        new UpdateUserCommand({ AccountId: accountId, UserId: 'no-such-user', LicenseType: 'Basic' }),
      ),
      NotFoundException,
    );
  });

  it('applies BatchUpdateUser per user, reporting NotFound and BadRequest items in UserErrors', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const [first, second] = await newUsers(chime, accountId, 'one@example.com', 'two@example.com');
    const result = await chime.send(
      new BatchUpdateUserCommand({
        AccountId: accountId,
        UpdateUserRequestItems: [
          { UserId: first, LicenseType: 'Basic' },
          { UserId: second, LicenseType: 'Plus' },
          { UserId: 'no-such-user', LicenseType: 'Basic' },
        ],
      }),
    );
    assert.equal(result.$metadata.httpStatusCode, 200);
    const errors = new Map(result.UserErrors!.map((e) => [e.UserId, e]));
    assert.equal(errors.size, 2);
    assert.equal(errors.get(second)?.ErrorCode, 'BadRequest');
    assert.match(errors.get(second)?.ErrorMessage ?? '', /Plus/);
    assert.equal(errors.get('no-such-user')?.ErrorCode, 'NotFound');
    assert.equal((await user(chime, accountId, first!)).LicenseType, 'Basic');
    assert.equal((await user(chime, accountId, second!)).LicenseType, 'Pro');
  });

  it('takes 20 BatchUpdateUser items, refuses 21 and duplicate UserIds without applying any', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const emails = Array.from({ length: 21 }, (_, i) => `bulk${i}@example.com`);
    await chime.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: emails }));
    const all = await listedIds(chime, accountId);
    const toBasic = (userIds: string[]) =>
      userIds.map((UserId) => ({ UserId, LicenseType: 'Basic' as const }));
    const basics = async () =>
      (await chime.send(new ListUsersCommand({ AccountId: accountId, MaxResults: 200 }))).Users!.filter(
        (u) => u.LicenseType === 'Basic',
      ).length;
    await assert.rejects(
      chime.send(new BatchUpdateUserCommand({ AccountId: accountId, UpdateUserRequestItems: toBasic(all) })),
      BadRequestException,
    );
    await assert.rejects(
      chime.send(
        new BatchUpdateUserCommand({
          AccountId: accountId,
          UpdateUserRequestItems: toBasic([all[0]!, all[1]!, all[0]!]),
        }),
      ),
      BadRequestException,
    );
    assert.equal(await basics(), 0);
    const ok = await chime.send(
      new BatchUpdateUserCommand({ AccountId: accountId, UpdateUserRequestItems: toBasic(all.slice(0, 20)) }),
    );
    assert.deepEqual(ok.UserErrors, []);
    assert.equal(await basics(), 20);
  });

  it('removes Team users with BatchSuspendUser and reports unknown ids as NotFound', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const [gone, stays] = await newUsers(chime, accountId, 'gone@example.com', 'stays@example.com');
    const result = await chime.send(
      new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [gone!, 'no-such-user'] }),
    );
    assert.equal(result.$metadata.httpStatusCode, 200);
    assert.deepEqual(
      result.UserErrors?.map((e) => [e.UserId, e.ErrorCode]),
      [['no-such-user', 'NotFound']],
    );
    assert.deepEqual(await listedIds(chime, accountId), [stays]);
    await assert.rejects(
      chime.send(new GetUserCommand({ AccountId: accountId, UserId: gone })),
      NotFoundException,
    );
    const byEmail = await chime.send(
      new ListUsersCommand({ AccountId: accountId, UserEmail: 'gone@example.com' }),
    );
    assert.deepEqual(byEmail.Users, []);
    // A removed user comes back only through a new invitation, as a new pending member.
    const invited = await chime.send(
      new InviteUsersCommand({ AccountId: accountId, UserEmailList: ['gone@example.com'] }),
    );
    assert.equal(invited.Invites?.[0]?.Status, 'Pending');
    const back = (
      await chime.send(new ListUsersCommand({ AccountId: accountId, UserEmail: 'gone@example.com' }))
    ).Users;
    assert.equal(back?.length, 1);
    assert.notEqual(back?.[0]?.UserId, gone);
    assert.equal(back?.[0]?.UserRegistrationStatus, 'Unregistered');
  });

  it('takes 50 ids in BatchSuspendUser and refuses 51; Team accounts cannot unsuspend', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const [member] = await newUsers(chime, accountId, 'member@example.com');
    await assert.rejects(
      chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [member!, ...ids(50)] })),
      BadRequestException,
    );
    assert.deepEqual(await listedIds(chime, accountId), [member]);
    const fifty = await chime.send(
      new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: ids(50) }),
    );
    assert.equal(fifty.UserErrors?.length, 50);
    assert.ok(fifty.UserErrors!.every((e) => e.ErrorCode === 'NotFound'));
    await assert.rejects(
      chime.send(new BatchUnsuspendUserCommand({ AccountId: accountId, UserIdList: [member!] })),
      BadRequestException,
    );
    await assert.rejects(
      chime.send(new BatchSuspendUserCommand({ AccountId: 'no-such-account', UserIdList: [member!] })),
      NotFoundException,
    );
  });

  it('suspends and unsuspends EnterpriseLWA users, ignoring users who are not suspended', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const [suspended, active] = await newUsers(chime, accountId, 'blocked@example.com', 'active@example.com');
    await convert(server(), accountId, 'EnterpriseLWA');
    const suspend = await chime.send(
      new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [suspended!, 'no-such-user'] }),
    );
    assert.deepEqual(
      suspend.UserErrors?.map((e) => [e.UserId, e.ErrorCode]),
      [['no-such-user', 'NotFound']],
    );
    // Suspended users stay members (unlike Team removal): listed and readable.
    assert.equal((await user(chime, accountId, suspended!)).UserRegistrationStatus, 'Suspended');
    assert.equal((await user(chime, accountId, active!)).UserRegistrationStatus, 'Registered');
    assert.deepEqual(await listedIds(chime, accountId), [suspended, active].sort());
    const again = await chime.send(
      new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [suspended!] }),
    );
    assert.deepEqual(again.UserErrors, []);

    const unsuspend = await chime.send(
      new BatchUnsuspendUserCommand({ AccountId: accountId, UserIdList: [suspended!, active!] }),
    );
    assert.equal(unsuspend.$metadata.httpStatusCode, 200);
    assert.deepEqual(unsuspend.UserErrors, []);
    assert.equal((await user(chime, accountId, suspended!)).UserRegistrationStatus, 'Registered');
    assert.equal((await user(chime, accountId, active!)).UserRegistrationStatus, 'Registered');
    const unknown = await chime.send(
      new BatchUnsuspendUserCommand({ AccountId: accountId, UserIdList: ['no-such-user'] }),
    );
    assert.deepEqual(
      unknown.UserErrors?.map((e) => e.ErrorCode),
      ['NotFound'],
    );
    await assert.rejects(
      chime.send(new BatchUnsuspendUserCommand({ AccountId: accountId, UserIdList: ids(51) })),
      BadRequestException,
    );
    // EnterpriseLWA admins still set tiers themselves.
    const tier = await chime.send(
      new UpdateUserCommand({ AccountId: accountId, UserId: active!, LicenseType: 'Basic' }),
    );
    assert.equal(tier.User?.LicenseType, 'Basic');
  });

  it('leaves suspension and tiers of EnterpriseDirectory users to the directory', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const [first, second] = await newUsers(chime, accountId, 'ad1@example.com', 'ad2@example.com');
    await convert(server(), accountId, 'EnterpriseDirectory');
    const suspend = await chime.send(
      new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [first!, second!] }),
    );
    assert.deepEqual(
      suspend.UserErrors?.map((e) => [e.UserId, e.ErrorCode]).sort(),
      [
        [first, 'Forbidden'],
        [second, 'Forbidden'],
      ].sort(),
    );
    assert.match(suspend.UserErrors?.[0]?.ErrorMessage ?? '', /directory/);
    assert.equal((await user(chime, accountId, first!)).UserRegistrationStatus, 'Registered');

    await assert.rejects(
      chime.send(new UpdateUserCommand({ AccountId: accountId, UserId: first!, LicenseType: 'Basic' })),
      (error: unknown) => {
        assert.ok(error instanceof ForbiddenException);
        assert.match(error.message, /directory groups/);
        return true;
      },
    );
    const batch = await chime.send(
      new BatchUpdateUserCommand({
        AccountId: accountId,
        UpdateUserRequestItems: [{ UserId: second!, LicenseType: 'Basic' }],
      }),
    );
    assert.deepEqual(
      batch.UserErrors?.map((e) => e.ErrorCode),
      ['Forbidden'],
    );
    assert.equal((await user(chime, accountId, first!)).LicenseType, 'Pro');
    assert.equal((await user(chime, accountId, second!)).LicenseType, 'Pro');
    await assert.rejects(
      chime.send(new BatchUnsuspendUserCommand({ AccountId: accountId, UserIdList: [first!] })),
      BadRequestException,
    );
  });
});
