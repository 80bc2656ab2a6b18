import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import {
  AssociatePhoneNumberWithUserCommand,
  BadRequestException,
  BatchSuspendUserCommand,
  BatchUnsuspendUserCommand,
  ConflictException,
  CreatePhoneNumberOrderCommand,
  CreateUserCommand,
  DeletePhoneNumberCommand,
  DisassociatePhoneNumberFromUserCommand,
  ForbiddenException,
  GetPhoneNumberCommand,
  GetUserCommand,
  GetUserSettingsCommand,
  InviteUsersCommand,
  ListPhoneNumbersCommand,
  ListUsersCommand,
  NotFoundException,
  UpdateUserSettingsCommand,
  type ChimeClient,
  type PhoneNumber,
} from '@aws-sdk/client-chime';
import { updateAccount } from '../../src/store/accounts.js';
import { updateUser } from '../../src/store/users.js';
import { newAccountId, uniqueEmail } from '../helpers/accounts.js';
import { freshNumber, freshTollFree, importedNumber, importNumbers } from '../helpers/phone-numbers.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import { eachDialect } from '../helpers/suite.js';

const ALL_OFF = { InboundCalling: false, OutboundCalling: false, SMS: false };
const ALL_ON = { InboundCalling: true, OutboundCalling: true, SMS: true };

async function newUser(chime: ChimeClient, accountId: string): Promise<string> {
  const { User } = await chime.send(new CreateUserCommand({ AccountId: accountId, Email: uniqueEmail() }));
  return User!.UserId!;
}

const associate = (chime: ChimeClient, AccountId: string, UserId: string, E164PhoneNumber: string) =>
  chime.send(new AssociatePhoneNumberWithUserCommand({ AccountId, UserId, E164PhoneNumber }));

const disassociate = (chime: ChimeClient, AccountId: string, UserId: string) =>
  chime.send(new DisassociatePhoneNumberFromUserCommand({ AccountId, UserId }));

async function phone(chime: ChimeClient, e164: string): Promise<PhoneNumber> {
  return (await chime.send(new GetPhoneNumberCommand({ PhoneNumberId: e164 }))).PhoneNumber!;
}

/** The number's associations as [name, value] pairs, in the order given. */
const associations = (n: PhoneNumber) => (n.Associations ?? []).map((a) => [a.Name, a.Value]);

async function userOf(chime: ChimeClient, AccountId: string, UserId: string) {
  return (await chime.send(new GetUserCommand({ AccountId, UserId }))).User!;
}

async function telephony(chime: ChimeClient, AccountId: string, UserId: string) {
  return (await chime.send(new GetUserSettingsCommand({ AccountId, UserId }))).UserSettings?.Telephony;
}

const setTelephony = (chime: ChimeClient, AccountId: string, UserId: string, Telephony = ALL_ON) =>
  chime.send(new UpdateUserSettingsCommand({ AccountId, UserId, UserSettings: { Telephony } }));

await eachDialect('phone assignment', (server) => {
  it('assigns an unassigned number: Assigned, associated with account and user, shown on the user', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const userId = await newUser(chime, accountId);
    const e164 = await importedNumber(server());
    server().clock.advance(60_000);
    const at = server().clock.now().toISOString();

    await associate(chime, accountId, userId, e164);
    const assigned = await phone(chime, e164);
    assert.equal(assigned.Status, 'Assigned');
    assert.deepEqual(associations(assigned), [
      ['AccountId', accountId],
      ['UserId', userId],
    ]);
    for (const a of assigned.Associations!) assert.equal(a.AssociatedTimestamp?.toISOString(), at);
    assert.equal((await userOf(chime, accountId, userId)).PrimaryProvisionedNumber, e164);
    assert.deepEqual(await telephony(chime, accountId, userId), ALL_OFF);
    const listed = await chime.send(
      new ListPhoneNumbersCommand({ FilterName: 'UserId', FilterValue: userId }),
    );
    assert.deepEqual(
      listed.PhoneNumbers?.map((n) => n.E164PhoneNumber),
      [e164],
    );

    // Assigning it to the same user again changes nothing, not even the settings turned on since.
    await setTelephony(chime, accountId, userId);
    await associate(chime, accountId, userId, e164);
    assert.deepEqual(associations(await phone(chime, e164)), [
      ['AccountId', accountId],
      ['UserId', userId],
    ]);
    assert.deepEqual(await telephony(chime, accountId, userId), ALL_ON);
  });

  it('starts calling and SMS off, whatever the user had before', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const userId = await newUser(chime, accountId);
    const first = await importedNumber(server());
    await associate(chime, accountId, userId, first);
    await setTelephony(chime, accountId, userId);
    assert.deepEqual(await telephony(chime, accountId, userId), ALL_ON);
    await disassociate(chime, accountId, userId);
    const second = await importedNumber(server());
    await associate(chime, accountId, userId, second);
    assert.deepEqual(await telephony(chime, accountId, userId), ALL_OFF);

    // A user whose settings are on without a number (data from before the rule, written
    // behind the API's back) still starts with everything off once given one.
    const legacy = await newUser(chime, accountId);
    await updateUser(server().services.db, accountId, legacy, {
      telephony: { inbound: true, outbound: true, sms: true },
      updatedAt: new Date().toISOString(),
    });
    assert.deepEqual(await telephony(chime, accountId, legacy), ALL_ON);
    await associate(chime, accountId, legacy, await importedNumber(server()));
    assert.deepEqual(await telephony(chime, accountId, legacy), ALL_OFF);
  });

  it('refuses malformed, invalid and unknown numbers', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const userId = await newUser(chime, accountId);
    for (const bad of ['206-555-0100', '+0123', 'abc', '+1234567890123456'])
      await rejectsWith(
        associate(chime, accountId, userId, bad),
        BadRequestException,
        /e164PhoneNumber.*pattern/,
      );
    // The pattern allows it, but no such number exists in the North American plan.
    await rejectsWith(
      associate(chime, accountId, userId, '+19995550100'),
      BadRequestException,
      /not a valid E\.164/,
    );
    await rejectsWith(associate(chime, accountId, userId, freshNumber()), NotFoundException, /not found/);
    assert.equal((await userOf(chime, accountId, userId)).PrimaryProvisionedNumber, undefined);
  });

  it('gives users only US local Business Calling numbers that are unassigned', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const userId = await newUser(chime, accountId);
    const [tollFree] = await importNumbers(server(), [freshTollFree()], 'VoiceConnector');
    const [voice] = await importNumbers(server(), [freshNumber()], 'VoiceConnector');
    for (const e164 of [tollFree!, voice!]) {
      await rejectsWith(
        associate(chime, accountId, userId, e164),
        BadRequestException,
        /not a US local BusinessCalling number/,
      );
      assert.equal((await phone(chime, e164)).Status, 'Unassigned');
    }
    const queued = await importedNumber(server());
    await chime.send(new DeletePhoneNumberCommand({ PhoneNumberId: queued }));
    await rejectsWith(associate(chime, accountId, userId, queued), ConflictException, /DeleteInProgress/);
    assert.equal((await phone(chime, queued)).Status, 'DeleteInProgress');
    assert.equal((await userOf(chime, accountId, userId)).PrimaryProvisionedNumber, undefined);
  });

  it('keeps one number per user and one user per number (ConflictException)', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const [ada, bob] = [await newUser(chime, accountId), await newUser(chime, accountId)];
    const [first, second] = [await importedNumber(server()), await importedNumber(server())];
    await associate(chime, accountId, ada, first);

    await rejectsWith(associate(chime, accountId, bob, first), ConflictException, /another user/);
    const otherAccount = await newAccountId(chime);
    const cy = await newUser(chime, otherAccount);
    await rejectsWith(associate(chime, otherAccount, cy, first), ConflictException, /another user/);
    assert.deepEqual(associations(await phone(chime, first)), [
      ['AccountId', accountId],
      ['UserId', ada],
    ]);
    assert.equal((await userOf(chime, accountId, bob)).PrimaryProvisionedNumber, undefined);

    await rejectsWith(associate(chime, accountId, ada, second), ConflictException, /already has/);
    assert.equal((await phone(chime, second)).Status, 'Unassigned');
    assert.equal((await userOf(chime, accountId, ada)).PrimaryProvisionedNumber, first);
  });

  it('gives numbers only to registered, unsuspended members of an existing account', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const invitee = uniqueEmail();
    await chime.send(new InviteUsersCommand({ AccountId: accountId, UserEmailList: [invitee] }));
    const { Users } = await chime.send(new ListUsersCommand({ AccountId: accountId, UserEmail: invitee }));
    const invited = Users![0]!.UserId!;
    const e164 = await importedNumber(server());
    await rejectsWith(associate(chime, accountId, invited, e164), BadRequestException, /Unregistered/);

    const lwa = await newAccountId(chime);
    await updateAccount(server().services.db, lwa, {
      type: 'EnterpriseLWA',
      updatedAt: new Date().toISOString(),
    });
    const suspended = await newUser(chime, lwa);
    await chime.send(new BatchSuspendUserCommand({ AccountId: lwa, UserIdList: [suspended] }));
    await rejectsWith(associate(chime, lwa, suspended, e164), BadRequestException, /Suspended/);

    await rejectsWith(
      associate(chime, accountId, randomUUID(), e164),
      NotFoundException,
      /User .* not found/,
    );
    await rejectsWith(
      associate(chime, randomUUID(), invited, e164),
      NotFoundException,
      /Account .* not found/,
    );
    // A member of another account is not a member of this one.
    const stranger = await newUser(chime, await newAccountId(chime));
    await rejectsWith(associate(chime, accountId, stranger, e164), NotFoundException, /not found/);
    assert.equal((await phone(chime, e164)).Status, 'Unassigned');
  });

  it('unassigns: the number goes back to Unassigned and the user loses it and its telephony', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const userId = await newUser(chime, accountId);
    const e164 = await importedNumber(server());
    await associate(chime, accountId, userId, e164);
    await setTelephony(chime, accountId, userId);

    const response = await disassociate(chime, accountId, userId);
    assert.equal(response.$metadata.httpStatusCode, 200);
    const freed = await phone(chime, e164);
    assert.equal(freed.Status, 'Unassigned');
    assert.deepEqual(freed.Associations, []);
    assert.equal((await userOf(chime, accountId, userId)).PrimaryProvisionedNumber, undefined);
    assert.deepEqual(await telephony(chime, accountId, userId), ALL_OFF);
    // And with no number, calling cannot be turned back on.
    await rejectsWith(setTelephony(chime, accountId, userId), BadRequestException, /no phone number/);

    await rejectsWith(disassociate(chime, accountId, userId), NotFoundException, /has no phone number/);
    await rejectsWith(disassociate(chime, accountId, randomUUID()), NotFoundException, /not found/);
    // The freed number can go to someone else.
    const other = await newUser(chime, accountId);
    await associate(chime, accountId, other, e164);
    assert.equal((await userOf(chime, accountId, other)).PrimaryProvisionedNumber, e164);
  });

  it('round-trips the telephony settings of a user with a number', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const userId = await newUser(chime, accountId);
    await associate(chime, accountId, userId, await importedNumber(server()));
    for (const Telephony of [
      ALL_ON,
      { InboundCalling: false, OutboundCalling: true, SMS: false },
      { InboundCalling: true, OutboundCalling: false, SMS: true },
      ALL_OFF,
    ]) {
      const updated = await setTelephony(chime, accountId, userId, Telephony);
      assert.equal(updated.$metadata.httpStatusCode, 204);
      assert.deepEqual(await telephony(chime, accountId, userId), Telephony);
    }
  });

  it('frees the number of a user removed from a Team account', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    const userId = await newUser(chime, accountId);
    const e164 = await importedNumber(server());
    await associate(chime, accountId, userId, e164);
    await setTelephony(chime, accountId, userId);

    const result = await chime.send(
      new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [userId] }),
    );
    assert.deepEqual(result.UserErrors, []);
    const freed = await phone(chime, e164);
    assert.equal(freed.Status, 'Unassigned');
    assert.deepEqual(freed.Associations, []);
    const listed = await chime.send(
      new ListPhoneNumbersCommand({ FilterName: 'AccountId', FilterValue: accountId }),
    );
    assert.deepEqual(listed.PhoneNumbers, []);
    const next = await newUser(chime, accountId);
    await associate(chime, accountId, next, e164);
    assert.equal((await userOf(chime, accountId, next)).PrimaryProvisionedNumber, e164);
  });

  it('frees the number of a suspended EnterpriseLWA user, who comes back without one', async () => {
    const chime = server().client();
    const accountId = await newAccountId(chime);
    await updateAccount(server().services.db, accountId, {
      type: 'EnterpriseLWA',
      updatedAt: new Date().toISOString(),
    });
    const userId = await newUser(chime, accountId);
    const e164 = await importedNumber(server());
    await associate(chime, accountId, userId, e164);
    await setTelephony(chime, accountId, userId);

    await chime.send(new BatchSuspendUserCommand({ AccountId: accountId, UserIdList: [userId] }));
    const suspended = await userOf(chime, accountId, userId);
    assert.equal(suspended.UserRegistrationStatus, 'Suspended');
    assert.equal(suspended.PrimaryProvisionedNumber, undefined);
    const freed = await phone(chime, e164);
    assert.equal(freed.Status, 'Unassigned');
    assert.deepEqual(freed.Associations, []);

    await chime.send(new BatchUnsuspendUserCommand({ AccountId: accountId, UserIdList: [userId] }));
    const back = await userOf(chime, accountId, userId);
    assert.equal(back.UserRegistrationStatus, 'Registered');
    assert.equal(back.PrimaryProvisionedNumber, undefined);
    assert.deepEqual(await telephony(chime, accountId, userId), ALL_OFF);
  });

  it('lets UserManagement assign and unassign numbers, but not order or delete them', async () => {
    const operator = server().client();
    const accountId = await newAccountId(operator);
    const userId = await newUser(operator, accountId);
    const e164 = await importedNumber(server());
    const admin = server().client(await server().createKey('UserManagement'));

    await associate(admin, accountId, userId, e164);
    assert.equal((await phone(admin, e164)).Status, 'Assigned');
    await disassociate(admin, accountId, userId);
    assert.equal((await phone(admin, e164)).Status, 'Unassigned');

    await rejectsWith(
      admin.send(
        new CreatePhoneNumberOrderCommand({
          ProductType: 'BusinessCalling',
          E164PhoneNumbers: [freshNumber()],
        }),
      ),
      ForbiddenException,
      /UserManagement/,
    );
    await rejectsWith(
      admin.send(new DeletePhoneNumberCommand({ PhoneNumberId: e164 })),
      ForbiddenException,
      /UserManagement/,
    );
    assert.equal((await phone(operator, e164)).Status, 'Unassigned');
    const readOnly = server().client(await server().createKey('ReadOnly'));
    await rejectsWith(associate(readOnly, accountId, userId, e164), ForbiddenException, /ReadOnly/);
  });

  it("shows a key scoped to one account only that account's numbers", async () => {
    const operator = server().client();
    const [a, b] = [await newAccountId(operator), await newAccountId(operator)];
    const [userA, userB] = [await newUser(operator, a), await newUser(operator, b)];
    const [numberA, numberB, unassigned] = [
      await importedNumber(server()),
      await importedNumber(server()),
      await importedNumber(server()),
    ];
    await associate(operator, a, userA, numberA);
    await associate(operator, b, userB, numberB);
    const scoped = server().client(await server().createKey('UserManagement', a));

    const listed = await scoped.send(new ListPhoneNumbersCommand({}));
    assert.deepEqual(
      listed.PhoneNumbers?.map((n) => n.E164PhoneNumber),
      [numberA],
    );
    const byUser = await scoped.send(
      new ListPhoneNumbersCommand({ FilterName: 'UserId', FilterValue: userB }),
    );
    assert.deepEqual(byUser.PhoneNumbers, []);
    assert.equal((await phone(scoped, numberA)).E164PhoneNumber, numberA);
    for (const other of [numberB, unassigned])
      await rejectsWith(phone(scoped, other), ForbiddenException, /limited to account/);
    await rejectsWith(
      scoped.send(new ListPhoneNumbersCommand({ FilterName: 'AccountId', FilterValue: b })),
      ForbiddenException,
      /limited to account/,
    );
    await rejectsWith(disassociate(scoped, b, userB), ForbiddenException, /limited to account/);
    assert.equal((await userOf(operator, b, userB)).PrimaryProvisionedNumber, numberB);
  });
});
