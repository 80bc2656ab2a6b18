import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  AssociateSigninDelegateGroupsWithAccountCommand,
  BadRequestException,
  DisassociateSigninDelegateGroupsFromAccountCommand,
  ForbiddenException,
  GetAccountCommand,
  GetAccountSettingsCommand,
  NotFoundException,
  UpdateAccountSettingsCommand,
  type SigninDelegateGroup,
} from '@aws-sdk/client-chime';
import { newAccountId } from '../helpers/accounts.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import { eachDialect } from '../helpers/suite.js';

await eachDialect('account settings and delegate groups', (server) => {
  const settingsOf = async (AccountId: string) =>
    (await server().client().send(new GetAccountSettingsCommand({ AccountId }))).AccountSettings;
  const groupsOf = async (AccountId: string) =>
    (await server().client().send(new GetAccountCommand({ AccountId }))).Account?.SigninDelegateGroups?.map(
      (g) => g.GroupName,
    );

  it('UpdateAccountSettings changes only the settings given (204)', async () => {
    const chime = server().client();
    const AccountId = await newAccountId(chime, 'Settings Co');
    // a new account shows both settings, off
    assert.deepEqual(await settingsOf(AccountId), { DisableRemoteControl: false, EnableDialOut: false });
    const first = await chime.send(
      new UpdateAccountSettingsCommand({ AccountId, AccountSettings: { DisableRemoteControl: true } }),
    );
    assert.equal(first.$metadata.httpStatusCode, 204);
    assert.ok(first.$metadata.requestId);
    assert.deepEqual(await settingsOf(AccountId), { DisableRemoteControl: true, EnableDialOut: false });

    await chime.send(
      new UpdateAccountSettingsCommand({ AccountId, AccountSettings: { EnableDialOut: true } }),
    );
    assert.deepEqual(await settingsOf(AccountId), { DisableRemoteControl: true, EnableDialOut: true });

    await chime.send(
      new UpdateAccountSettingsCommand({ AccountId, AccountSettings: { DisableRemoteControl: false } }),
    );
    assert.deepEqual(await settingsOf(AccountId), { DisableRemoteControl: false, EnableDialOut: true });

    // an empty settings object is a no-op, not a reset
    await chime.send(new UpdateAccountSettingsCommand({ AccountId, AccountSettings: {} }));
    const got = await chime.send(new GetAccountSettingsCommand({ AccountId }));
    assert.equal(got.$metadata.httpStatusCode, 200);
    assert.deepEqual(got.AccountSettings, { DisableRemoteControl: false, EnableDialOut: true });
  });

  it('account settings are per account', async () => {
    const chime = server().client();
    const one = await newAccountId(chime, 'Settings One');
    const two = await newAccountId(chime, 'Settings Two');
    await chime.send(
      new UpdateAccountSettingsCommand({ AccountId: one, AccountSettings: { EnableDialOut: true } }),
    );
    assert.equal((await settingsOf(two))?.EnableDialOut, false);
  });

  it('account settings refuse unknown accounts, a missing or mistyped body, and ReadOnly keys', async () => {
    const chime = server().client();
    const AccountId = await newAccountId(chime, 'Settings Errors');
    await rejectsWith(
      chime.send(new GetAccountSettingsCommand({ AccountId: 'nope-settings' })),
      NotFoundException,
      /nope-settings/,
    );
    await rejectsWith(
      chime.send(
        new UpdateAccountSettingsCommand({
          AccountId: 'nope-settings',
          AccountSettings: { EnableDialOut: true },
        }),
      ),
      NotFoundException,
      /nope-settings/,
    );
    await rejectsWith(
      chime.send(new UpdateAccountSettingsCommand({ AccountId } as never)),
      BadRequestException,
      /accountSettings.*null/,
    );
    await rejectsWith(
      chime.send(
        new UpdateAccountSettingsCommand({ AccountId, AccountSettings: { EnableDialOut: 'yes' as never } }),
      ),
      BadRequestException,
      /accountSettings\.enableDialOut.*boolean/,
    );
    const readOnly = server().client(await server().createKey('ReadOnly'));
    assert.ok(await readOnly.send(new GetAccountSettingsCommand({ AccountId })));
    await rejectsWith(
      readOnly.send(
        new UpdateAccountSettingsCommand({ AccountId, AccountSettings: { EnableDialOut: true } }),
      ),
      ForbiddenException,
      /ReadOnly/,
    );
    assert.equal((await settingsOf(AccountId))?.EnableDialOut, false);
  });

  it('AssociateSigninDelegateGroupsWithAccount adds groups, ignoring duplicates (200)', async () => {
    const chime = server().client();
    const AccountId = await newAccountId(chime, 'Delegates');
    const added = await chime.send(
      new AssociateSigninDelegateGroupsWithAccountCommand({
        AccountId,
        SigninDelegateGroups: [{ GroupName: 'staff' }, { GroupName: 'admins' }, { GroupName: 'staff' }],
      }),
    );
    assert.equal(added.$metadata.httpStatusCode, 200);
    assert.ok(added.$metadata.requestId);
    assert.deepEqual(await groupsOf(AccountId), ['admins', 'staff']);

    await chime.send(
      new AssociateSigninDelegateGroupsWithAccountCommand({
        AccountId,
        SigninDelegateGroups: [{ GroupName: 'admins' }, { GroupName: 'Contractors' }],
      }),
    );
    assert.deepEqual((await groupsOf(AccountId))?.sort(), ['Contractors', 'admins', 'staff']);
    // an empty list is allowed (the model sets no minimum) and changes nothing
    await chime.send(
      new AssociateSigninDelegateGroupsWithAccountCommand({ AccountId, SigninDelegateGroups: [] }),
    );
    assert.equal((await groupsOf(AccountId))?.length, 3);
  });

  it('DisassociateSigninDelegateGroupsFromAccount removes named groups; unknown names are harmless (200)', async () => {
    const chime = server().client();
    const AccountId = await newAccountId(chime, 'Delegates Removed');
    await chime.send(
      new AssociateSigninDelegateGroupsWithAccountCommand({
        AccountId,
        SigninDelegateGroups: [{ GroupName: 'staff' }, { GroupName: 'admins' }],
      }),
    );
    const removed = await chime.send(
      new DisassociateSigninDelegateGroupsFromAccountCommand({
        AccountId,
        GroupNames: ['staff', 'never-added'],
      }),
    );
    assert.equal(removed.$metadata.httpStatusCode, 200);
    assert.deepEqual(await groupsOf(AccountId), ['admins']);
    // repeating it is harmless too
    await chime.send(
      new DisassociateSigninDelegateGroupsFromAccountCommand({ AccountId, GroupNames: ['staff'] }),
    );
    assert.deepEqual(await groupsOf(AccountId), ['admins']);
    await chime.send(
      new DisassociateSigninDelegateGroupsFromAccountCommand({ AccountId, GroupNames: ['admins'] }),
    );
    assert.deepEqual((await groupsOf(AccountId)) ?? [], []);
  });

  it('delegate groups refuse bad input and unknown accounts', async () => {
    const chime = server().client();
    const AccountId = await newAccountId(chime, 'Delegate Errors');
    await rejectsWith(
      chime.send(new DisassociateSigninDelegateGroupsFromAccountCommand({ AccountId, GroupNames: [] })),
      BadRequestException,
      /groupNames.*greater than or equal to 1/,
    );
    await rejectsWith(
      chime.send(new DisassociateSigninDelegateGroupsFromAccountCommand({ AccountId } as never)),
      BadRequestException,
      /groupNames.*null/,
    );
    await rejectsWith(
      chime.send(new AssociateSigninDelegateGroupsWithAccountCommand({ AccountId } as never)),
      BadRequestException,
      /signinDelegateGroups.*null/,
    );
    const refusesGroups = (SigninDelegateGroups: SigninDelegateGroup[], message: RegExp) =>
      rejectsWith(
        chime.send(new AssociateSigninDelegateGroupsWithAccountCommand({ AccountId, SigninDelegateGroups })),
        BadRequestException,
        message,
      );
    await refusesGroups([{}], /GroupName/);
    await refusesGroups([{ GroupName: '  ' }], /signinDelegateGroups\.1\.groupName/);
    const tooMany = Array.from({ length: 101 }, (_, i) => ({ GroupName: `group-${i}` }));
    await refusesGroups(tooMany, /at most 100/);
    assert.deepEqual((await groupsOf(AccountId)) ?? [], []);

    await rejectsWith(
      chime.send(
        new AssociateSigninDelegateGroupsWithAccountCommand({
          AccountId: 'nope-groups',
          SigninDelegateGroups: [{ GroupName: 'g' }],
        }),
      ),
      NotFoundException,
      /nope-groups/,
    );
    await rejectsWith(
      chime.send(
        new DisassociateSigninDelegateGroupsFromAccountCommand({
          AccountId: 'nope-groups',
          GroupNames: ['g'],
        }),
      ),
      NotFoundException,
      /nope-groups/,
    );
  });
});
