import { newPersonalPin } from '../../lib/ids.js';
import type { UserRecord } from '../../store/users.js';
import { invalid } from '../errors.js';

export const EMAIL_MAX = 254;

/**
 * The model's EmailAddress (`.+@.+\..+`) plus what delivery needs: no spaces or angle brackets,
 * one @, at most 254 characters. Returns the address trimmed.
 */
export function checkEmail(email: string): string {
  const trimmed = email.trim();
  if (trimmed.length > EMAIL_MAX) throw invalid(`Email address is longer than ${EMAIL_MAX} characters`);
  if (!/^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/u.test(trimmed))
    throw invalid(`"${trimmed}" is not a valid email address`);
  return trimmed;
}

export const DISPLAY_NAME_MAX = 256;

export function checkDisplayName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw invalid('Username must contain a non-space character');
  if ([...trimmed].length > DISPLAY_NAME_MAX)
    throw invalid(`Username is longer than ${DISPLAY_NAME_MAX} characters`);
  return trimmed;
}

/**
 * A new member with the defaults every path shares (fresh PIN, no phone, telephony off); the
 * caller says how they joined: registered directly, or invited and pending.
 */
export function newMember(
  fields: Pick<UserRecord, 'id' | 'accountId' | 'email' | 'displayName' | 'license' | 'userType'> &
    ({ joined: 'registered' } | { joined: 'invited' }),
  at: string,
): UserRecord {
  const { joined } = fields;
  // Fields named one by one rather than spread: see newInventoryNumber in
  // src/domain/phone-numbers/rules.ts.
  return {
    id: fields.id,
    accountId: fields.accountId,
    email: fields.email,
    displayName: fields.displayName,
    license: fields.license,
    userType: fields.userType,
    registrationStatus: joined === 'registered' ? 'Registered' : 'Unregistered',
    invitationStatus: joined === 'invited' ? 'Pending' : undefined,
    registeredOn: joined === 'registered' ? at : undefined,
    invitedOn: joined === 'invited' ? at : undefined,
    personalPin: newPersonalPin(),
    alexaEnabled: false,
    alexaRoomArn: undefined,
    primaryProvisionedNumber: undefined,
    telephony: { inbound: false, outbound: false, sms: false },
    sessionsRevokedAt: undefined,
    removedAt: undefined,
    createdAt: at,
    updatedAt: at,
  };
}
