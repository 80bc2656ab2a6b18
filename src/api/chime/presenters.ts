import type { Account as DomainAccount } from '../../domain/accounts/service.js';
import type { Invite as DomainInvite, User as DomainUser, UserFailure } from '../../domain/users/service.js';
import type { AuditEventRecord } from '../../domain/audit/query.js';
import type {
  Invite,
  PhoneNumber,
  PhoneNumberAssociation,
  PhoneNumberError,
  PhoneNumberOrder,
  User,
  UserError,
} from './generated/model.js';
import type {
  PhoneNumber as DomainPhoneNumber,
  PhoneNumberFailure,
} from '../../domain/phone-numbers/inventory.js';
import type { PhoneNumberOrder as DomainPhoneOrder } from '../../domain/phone-numbers/orders.js';
import { toPhoneNumberId } from '../../domain/phone-numbers/e164.js';
import type { AuditEvent, DisabledAccount } from './extensions.js';
import { batchErrorCode } from './errors.js';

/** Wire shapes from domain records: members named as the model, absent rather than null. */
export function toChimeAccount(account: DomainAccount, installationId: string): DisabledAccount {
  const wire: DisabledAccount = {
    AwsAccountId: installationId,
    AccountId: account.id,
    Name: account.name,
    AccountType: account.type,
    CreatedTimestamp: account.createdAt,
    DefaultLicense: account.defaultLicense,
    SupportedLicenses: account.supportedLicenses,
    AccountStatus: account.status,
    SigninDelegateGroups: account.signinDelegateGroups.map((GroupName) => ({ GroupName })),
  };
  if (account.deletedAt) wire.DeletedTimestamp = account.deletedAt;
  if (account.purgeAfter) wire.PurgeTimestamp = account.purgeAfter;
  return wire;
}

export function toChimeUser(user: DomainUser): User {
  // 'Released' is Belfry's own state for users who left with a released domain; the model's
  // enum has no such value, and such users are no longer members anyway.
  const status = user.registrationStatus === 'Released' ? 'Unregistered' : user.registrationStatus;
  // Members are set one by one in the model's order (JSON keeps it): a page builds a hundred of
  // these, and Node 20's object spread of `cond && {…}` cost more than the rest of the presenter.
  const wire: User = { UserId: user.id, AccountId: user.accountId };
  if (user.email !== undefined) wire.PrimaryEmail = user.email;
  if (user.primaryProvisionedNumber !== undefined)
    wire.PrimaryProvisionedNumber = user.primaryProvisionedNumber;
  if (user.displayName !== undefined) wire.DisplayName = user.displayName;
  wire.LicenseType = user.license;
  wire.UserType = user.userType;
  wire.UserRegistrationStatus = status;
  if (user.invitationStatus !== undefined) wire.UserInvitationStatus = user.invitationStatus;
  if (user.registeredOn !== undefined) wire.RegisteredOn = user.registeredOn;
  if (user.invitedOn !== undefined) wire.InvitedOn = user.invitedOn;
  wire.AlexaForBusinessMetadata =
    user.alexaRoomArn === undefined
      ? { IsAlexaForBusinessEnabled: user.alexaEnabled }
      : { IsAlexaForBusinessEnabled: user.alexaEnabled, AlexaForBusinessRoomArn: user.alexaRoomArn };
  wire.PersonalPIN = user.personalPin;
  return wire;
}

export function toChimeInvite(invite: DomainInvite): Invite {
  return {
    InviteId: invite.id,
    Status: invite.status,
    EmailAddress: invite.email,
    EmailStatus: invite.emailStatus,
  };
}

export function toChimeUserError(failure: UserFailure): UserError {
  return {
    UserId: failure.userId,
    ErrorCode: batchErrorCode(failure.kind) as UserError['ErrorCode'],
    ErrorMessage: failure.message,
  };
}

export function toAuditEvent(event: AuditEventRecord): AuditEvent {
  // Set one by one in the model's order, as toChimeUser (a page of the trail builds many).
  const wire: AuditEvent = { EventId: event.id, EventTime: event.occurredAt } as AuditEvent;
  if (event.accountId !== undefined) wire.AccountId = event.accountId;
  wire.Operation = event.operation;
  wire.Outcome = event.outcome;
  if (event.errorCode !== undefined) wire.ErrorCode = event.errorCode;
  wire.Principal = event.principal;
  if (event.principalId !== undefined) wire.PrincipalId = event.principalId;
  if (event.targetType !== undefined) wire.TargetType = event.targetType;
  if (event.targetId !== undefined) wire.TargetId = event.targetId;
  if (event.userId !== undefined) wire.UserId = event.userId;
  wire.RequestId = event.requestId;
  if (event.sourceIp !== undefined) wire.SourceIpAddress = event.sourceIp;
  if (event.details !== undefined) wire.Details = event.details;
  return wire;
}

export function toChimePhoneNumber(n: DomainPhoneNumber): PhoneNumber {
  const local = n.type === 'Local';
  // Set one by one in the model's order, as toChimeUser (a page builds ninety-nine of these).
  const wire: PhoneNumber = {
    PhoneNumberId: toPhoneNumberId(n.e164),
    E164PhoneNumber: n.e164,
    Country: n.country,
    Type: n.type,
    ProductType: n.productType,
    Status: n.status,
    // Local numbers call and text; toll-free numbers only take and make calls.
    Capabilities: {
      InboundCall: true,
      OutboundCall: true,
      InboundSMS: local,
      OutboundSMS: local,
      InboundMMS: local,
      OutboundMMS: local,
    },
    Associations: [],
  };
  if (n.accountId !== undefined)
    wire.Associations!.push(association('AccountId', n.accountId, n.associatedAt));
  if (n.userId !== undefined) wire.Associations!.push(association('UserId', n.userId, n.associatedAt));
  if (n.callingName !== undefined) wire.CallingName = n.callingName;
  wire.CallingNameStatus = n.callingNameStatus;
  wire.CreatedTimestamp = n.createdAt;
  wire.UpdatedTimestamp = n.updatedAt;
  if (n.deletedAt !== undefined) wire.DeletionTimestamp = n.deletedAt;
  return wire;
}

function association(
  name: 'AccountId' | 'UserId',
  value: string,
  associatedAt: string | undefined,
): PhoneNumberAssociation {
  // As before: a time that is empty is left out, as one that is absent.
  return associatedAt
    ? { Name: name, Value: value, AssociatedTimestamp: associatedAt }
    : { Name: name, Value: value };
}

export function toChimePhoneOrder(order: DomainPhoneOrder): PhoneNumberOrder {
  return {
    PhoneNumberOrderId: order.id,
    ProductType: order.productType,
    Status: order.status,
    OrderedPhoneNumbers: order.numbers.map((n) => ({ E164PhoneNumber: n.e164, Status: n.status })),
    CreatedTimestamp: order.createdAt,
    UpdatedTimestamp: order.updatedAt,
  };
}

export function toChimePhoneNumberError(failure: PhoneNumberFailure): PhoneNumberError {
  return {
    PhoneNumberId: failure.phoneNumberId,
    ErrorCode: batchErrorCode(failure.kind) as PhoneNumberError['ErrorCode'],
    ErrorMessage: failure.message,
  };
}
