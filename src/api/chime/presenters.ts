import type { Account as DomainAccount } from '../../domain/accounts/service.js';
import type { Invite as DomainInvite, User as DomainUser, UserFailure } from '../../domain/users/service.js';
import type { AuditEventRecord } from '../../domain/audit/query.js';
import type {
  Invite,
  PhoneNumber,
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
  return {
    UserId: user.id,
    AccountId: user.accountId,
    ...(user.email !== undefined && { PrimaryEmail: user.email }),
    ...(user.primaryProvisionedNumber !== undefined && {
      PrimaryProvisionedNumber: user.primaryProvisionedNumber,
    }),
    ...(user.displayName !== undefined && { DisplayName: user.displayName }),
    LicenseType: user.license,
    UserType: user.userType,
    UserRegistrationStatus: status,
    ...(user.invitationStatus !== undefined && { UserInvitationStatus: user.invitationStatus }),
    ...(user.registeredOn !== undefined && { RegisteredOn: user.registeredOn }),
    ...(user.invitedOn !== undefined && { InvitedOn: user.invitedOn }),
    AlexaForBusinessMetadata: {
      IsAlexaForBusinessEnabled: user.alexaEnabled,
      ...(user.alexaRoomArn !== undefined && { AlexaForBusinessRoomArn: user.alexaRoomArn }),
    },
    PersonalPIN: user.personalPin,
  };
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
  return {
    EventId: event.id,
    EventTime: event.occurredAt,
    ...(event.accountId !== undefined && { AccountId: event.accountId }),
    Operation: event.operation,
    Outcome: event.outcome,
    ...(event.errorCode !== undefined && { ErrorCode: event.errorCode }),
    Principal: event.principal,
    ...(event.principalId !== undefined && { PrincipalId: event.principalId }),
    ...(event.targetType !== undefined && { TargetType: event.targetType }),
    ...(event.targetId !== undefined && { TargetId: event.targetId }),
    ...(event.userId !== undefined && { UserId: event.userId }),
    RequestId: event.requestId,
    ...(event.sourceIp !== undefined && { SourceIpAddress: event.sourceIp }),
    ...(event.details !== undefined && { Details: event.details }),
  };
}

export function toChimePhoneNumber(n: DomainPhoneNumber): PhoneNumber {
  const local = n.type === 'Local';
  return {
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
    Associations: [
      ...(n.accountId !== undefined
        ? [
            {
              Name: 'AccountId' as const,
              Value: n.accountId,
              ...(n.associatedAt && { AssociatedTimestamp: n.associatedAt }),
            },
          ]
        : []),
      ...(n.userId !== undefined
        ? [
            {
              Name: 'UserId' as const,
              Value: n.userId,
              ...(n.associatedAt && { AssociatedTimestamp: n.associatedAt }),
            },
          ]
        : []),
    ],
    ...(n.callingName !== undefined && { CallingName: n.callingName }),
    CallingNameStatus: n.callingNameStatus,
    CreatedTimestamp: n.createdAt,
    UpdatedTimestamp: n.updatedAt,
    ...(n.deletedAt !== undefined && { DeletionTimestamp: n.deletedAt }),
  };
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
