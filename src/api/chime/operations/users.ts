import type { ChimeOperation } from '../context.js';
import { toChimeInvite, toChimeUser, toChimeUserError } from '../presenters.js';

const DEFAULT_PAGE = 100;

export const CreateUser: ChimeOperation<'CreateUser'> = async (input, { services, actor }) => {
  const user = await services.users.createUser(actor, input.AccountId, {
    username: input.Username,
    email: input.Email,
    userType: input.UserType,
  });
  return { User: toChimeUser(user) };
};

export const InviteUsers: ChimeOperation<'InviteUsers'> = async (input, { services, actor }) => {
  const invites = await services.users.inviteUsers(
    actor,
    input.AccountId,
    input.UserEmailList,
    input.UserType,
  );
  return { Invites: invites.map(toChimeInvite) };
};

export const ListUsers: ChimeOperation<'ListUsers'> = async (input, { services, actor }) => {
  const page = await services.users.listUsers(actor, input.AccountId, {
    email: input.UserEmail,
    userType: input.UserType,
    registrationStatus: input.UserRegistrationStatus,
    license: input.LicenseType,
    maxResults: input.MaxResults ?? DEFAULT_PAGE,
    nextToken: input.NextToken,
  });
  return { Users: page.items.map(toChimeUser), ...(page.nextToken && { NextToken: page.nextToken }) };
};

export const GetAccountUserCounts: ChimeOperation<'GetAccountUserCounts'> = async (
  input,
  { services, actor },
) => {
  const counts = await services.users.countUsers(actor, input.AccountId);
  return {
    UserCounts: counts.map((c) => ({
      // as toChimeUser words it: Released is Belfry's own state, outside the model's enum
      UserRegistrationStatus: c.registrationStatus === 'Released' ? 'Unregistered' : c.registrationStatus,
      LicenseType: c.license,
      Count: c.count,
    })),
  };
};

export const GetUser: ChimeOperation<'GetUser'> = async (input, { services, actor }) => {
  return { User: toChimeUser(await services.users.getUser(actor, input.AccountId, input.UserId)) };
};

export const UpdateUser: ChimeOperation<'UpdateUser'> = async (input, { services, actor }) => {
  const user = await services.users.updateUser(actor, input.AccountId, input.UserId, {
    license: input.LicenseType,
    userType: input.UserType,
    alexa: input.AlexaForBusinessMetadata && {
      enabled: input.AlexaForBusinessMetadata.IsAlexaForBusinessEnabled,
      roomArn: input.AlexaForBusinessMetadata.AlexaForBusinessRoomArn,
    },
  });
  return { User: toChimeUser(user) };
};

export const BatchUpdateUser: ChimeOperation<'BatchUpdateUser'> = async (input, { services, actor }) => {
  const failures = await services.users.batchUpdateUsers(
    actor,
    input.AccountId,
    input.UpdateUserRequestItems.map((item) => ({
      userId: item.UserId,
      license: item.LicenseType,
      userType: item.UserType,
      alexa: item.AlexaForBusinessMetadata && {
        enabled: item.AlexaForBusinessMetadata.IsAlexaForBusinessEnabled,
        roomArn: item.AlexaForBusinessMetadata.AlexaForBusinessRoomArn,
      },
    })),
  );
  return { UserErrors: failures.map(toChimeUserError) };
};

export const BatchSuspendUser: ChimeOperation<'BatchSuspendUser'> = async (input, { services, actor }) => {
  const failures = await services.users.suspendUsers(actor, input.AccountId, input.UserIdList);
  return { UserErrors: failures.map(toChimeUserError) };
};

export const BatchUnsuspendUser: ChimeOperation<'BatchUnsuspendUser'> = async (
  input,
  { services, actor },
) => {
  const failures = await services.users.unsuspendUsers(actor, input.AccountId, input.UserIdList);
  return { UserErrors: failures.map(toChimeUserError) };
};

export const ResetPersonalPIN: ChimeOperation<'ResetPersonalPIN'> = async (input, { services, actor }) => {
  return { User: toChimeUser(await services.users.resetPersonalPin(actor, input.AccountId, input.UserId)) };
};

// 204 per the model, though it is a POST.
export const LogoutUser: ChimeOperation<'LogoutUser'> = async (input, { services, actor }) => {
  await services.users.logoutUser(actor, input.AccountId, input.UserId);
  return {};
};

export const GetUserSettings: ChimeOperation<'GetUserSettings'> = async (input, { services, actor }) => {
  const t = await services.users.getUserSettings(actor, input.AccountId, input.UserId);
  return {
    UserSettings: { Telephony: { InboundCalling: t.inbound, OutboundCalling: t.outbound, SMS: t.sms } },
  };
};

export const UpdateUserSettings: ChimeOperation<'UpdateUserSettings'> = async (
  input,
  { services, actor },
) => {
  const t = input.UserSettings.Telephony;
  await services.users.updateUserSettings(actor, input.AccountId, input.UserId, {
    inbound: t.InboundCalling,
    outbound: t.OutboundCalling,
    sms: t.SMS,
  });
  return {};
};
