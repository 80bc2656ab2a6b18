import { invalid } from '../../../domain/errors.js';
import type { ChimeOperation } from '../context.js';
import { toChimeAccount } from '../presenters.js';

const DEFAULT_PAGE = 100;

export const CreateAccount: ChimeOperation<'CreateAccount'> = async (input, { services, actor }) => {
  const account = await services.accounts.createAccount(actor, input.Name);
  return { Account: toChimeAccount(account, services.installationId) };
};

export const GetAccount: ChimeOperation<'GetAccount'> = async (input, { services, actor }) => {
  const account = await services.accounts.getAccount(actor, input.AccountId);
  return { Account: toChimeAccount(account, services.installationId) };
};

export const ListAccounts: ChimeOperation<'ListAccounts'> = async (input, { services, actor }) => {
  const page = await services.accounts.listAccounts(actor, {
    name: input.Name,
    userEmail: input.UserEmail,
    maxResults: input.MaxResults ?? DEFAULT_PAGE,
    nextToken: input.NextToken,
  });
  return {
    Accounts: page.items.map((a) => toChimeAccount(a, services.installationId)),
    ...(page.nextToken && { NextToken: page.nextToken }),
  };
};

export const UpdateAccount: ChimeOperation<'UpdateAccount'> = async (input, { services, actor }) => {
  const account = await services.accounts.updateAccount(actor, input.AccountId, {
    name: input.Name,
    defaultLicense: input.DefaultLicense,
  });
  return { Account: toChimeAccount(account, services.installationId) };
};

// 204 per the model.
export const DeleteAccount: ChimeOperation<'DeleteAccount'> = async (input, { services, actor }) => {
  await services.accounts.deleteAccount(actor, input.AccountId);
  return {};
};

export const GetAccountSettings: ChimeOperation<'GetAccountSettings'> = async (
  input,
  { services, actor },
) => {
  const settings = await services.accounts.getAccountSettings(actor, input.AccountId);
  // Settings never set read as false, as Chime showed them (aws-cli's get-account-settings example).
  return {
    AccountSettings: {
      DisableRemoteControl: settings.disableRemoteControl ?? false,
      EnableDialOut: settings.enableDialOut ?? false,
    },
  };
};

export const UpdateAccountSettings: ChimeOperation<'UpdateAccountSettings'> = async (
  input,
  { services, actor },
) => {
  await services.accounts.updateAccountSettings(actor, input.AccountId, {
    disableRemoteControl: input.AccountSettings.DisableRemoteControl,
    enableDialOut: input.AccountSettings.EnableDialOut,
  });
  return {};
};

export const AssociateSigninDelegateGroupsWithAccount: ChimeOperation<
  'AssociateSigninDelegateGroupsWithAccount'
> = async (input, { services, actor }) => {
  const names = input.SigninDelegateGroups.map((g) => g.GroupName);
  if (names.some((n) => n === undefined)) throw invalid('Each SigninDelegateGroup needs a GroupName');
  await services.accounts.associateSigninDelegateGroups(actor, input.AccountId, names as string[]);
  return {};
};

export const DisassociateSigninDelegateGroupsFromAccount: ChimeOperation<
  'DisassociateSigninDelegateGroupsFromAccount'
> = async (input, { services, actor }) => {
  await services.accounts.disassociateSigninDelegateGroups(actor, input.AccountId, input.GroupNames);
  return {};
};

export const RestoreAccount: ChimeOperation<'RestoreAccount'> = async (input, { services, actor }) => {
  const account = await services.accounts.restoreAccount(actor, input.AccountId);
  return { Account: toChimeAccount(account, services.installationId) };
};

export const ListDisabledAccounts: ChimeOperation<'ListDisabledAccounts'> = async (
  input,
  { services, actor },
) => {
  const page = await services.accounts.listDeletedAccounts(actor, {
    maxResults: input.MaxResults ?? DEFAULT_PAGE,
    nextToken: input.NextToken,
  });
  return {
    Accounts: page.items.map((a) => toChimeAccount(a, services.installationId)),
    ...(page.nextToken && { NextToken: page.nextToken }),
  };
};
