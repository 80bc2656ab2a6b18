/**
 * The Chime phone-number operations the console calls: the same routes, rules and audit as an
 * SDK's requests (see api.ts for the session and CSRF handling). Numbers go in paths as their
 * E.164 text, percent-encoded once (`+` → `%2B`), as the SDK sends them.
 */
import { call } from './api.js';

/** Chime's PhoneNumberStatus (Unassigned, Assigned, DeleteInProgress…): the console only shows and filters it. */
export type PhoneNumberStatus = string;
export type ProductType = 'BusinessCalling' | 'VoiceConnector' | 'SipMediaApplicationDialIn';
export type NumberType = 'Local' | 'TollFree';

export interface PhoneNumber {
  PhoneNumberId: string;
  E164PhoneNumber: string;
  Country?: string;
  Type?: NumberType;
  ProductType?: ProductType;
  Status?: PhoneNumberStatus;
  Associations?: Array<{ Name: string; Value: string; AssociatedTimestamp?: string }>;
  CallingName?: string;
  CallingNameStatus?: string;
  CreatedTimestamp?: string;
  UpdatedTimestamp?: string;
  DeletionTimestamp?: string;
}

export interface PhoneNumberOrder {
  PhoneNumberOrderId: string;
  ProductType: ProductType;
  Status: 'Processing' | 'Successful' | 'Failed' | 'Partial';
  OrderedPhoneNumbers: Array<{ E164PhoneNumber: string; Status: 'Processing' | 'Acquired' | 'Failed' }>;
  CreatedTimestamp?: string;
  UpdatedTimestamp?: string;
}

/** A user's calling and SMS permissions (UserSettings.Telephony): the three always travel together. */
export interface Telephony {
  InboundCalling: boolean;
  OutboundCalling: boolean;
  SMS: boolean;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export interface InventoryQuery {
  status?: PhoneNumberStatus;
  productType?: ProductType;
  /** one association filter (AccountId, UserId…) with its value */
  filter?: { name: string; value: string };
  maxResults?: number;
  nextToken?: string;
}

export interface AvailableQuery {
  areaCode?: string;
  city?: string;
  state?: string;
  tollFreePrefix?: string;
  type?: NumberType;
  maxResults?: number;
  nextToken?: string;
}

/** A query string from the set values only (empty strings and undefined are left out). */
function query(values: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && value !== '') q.set(key, String(value));
  const text = q.toString();
  return text ? `?${text}` : '';
}

const number = (e164: string) => `/phone-numbers/${encodeURIComponent(e164)}`;
const user = (accountId: string, userId: string) =>
  `/accounts/${encodeURIComponent(accountId)}/users/${encodeURIComponent(userId)}`;

export const phones = {
  async listPhoneNumbers(q: InventoryQuery): Promise<Page<PhoneNumber>> {
    const r = await call<{ PhoneNumbers: PhoneNumber[]; NextToken?: string }>(
      'GET',
      `/phone-numbers${query({
        status: q.status,
        'product-type': q.productType,
        'filter-name': q.filter?.name,
        'filter-value': q.filter?.value,
        'max-results': q.maxResults ?? 99,
        'next-token': q.nextToken,
      })}`,
    );
    return { items: r.PhoneNumbers, ...(r.NextToken && { nextToken: r.NextToken }) };
  },
  getPhoneNumber: async (e164: string) =>
    (await call<{ PhoneNumber: PhoneNumber }>('GET', number(e164))).PhoneNumber,
  updateCallingName: async (e164: string, CallingName: string) =>
    (await call<{ PhoneNumber: PhoneNumber }>('POST', number(e164), { CallingName })).PhoneNumber,
  deletePhoneNumber: (e164: string) => call('DELETE', number(e164)),
  restorePhoneNumber: async (e164: string) =>
    (await call<{ PhoneNumber: PhoneNumber }>('POST', `${number(e164)}?operation=restore`)).PhoneNumber,

  async searchAvailablePhoneNumbers(q: AvailableQuery): Promise<Page<string>> {
    const r = await call<{ E164PhoneNumbers: string[]; NextToken?: string }>(
      'GET',
      `/search${query({
        type: 'phone-numbers',
        'area-code': q.areaCode,
        city: q.city,
        state: q.state,
        'toll-free-prefix': q.tollFreePrefix,
        'phone-number-type': q.type,
        'max-results': q.maxResults ?? 100,
        'next-token': q.nextToken,
      })}`,
    );
    return { items: r.E164PhoneNumbers, ...(r.NextToken && { nextToken: r.NextToken }) };
  },
  createPhoneNumberOrder: async (ProductType: ProductType, E164PhoneNumbers: string[]) =>
    (
      await call<{ PhoneNumberOrder: PhoneNumberOrder }>('POST', '/phone-number-orders', {
        ProductType,
        E164PhoneNumbers,
      })
    ).PhoneNumberOrder,
  async listPhoneNumberOrders(nextToken?: string): Promise<Page<PhoneNumberOrder>> {
    const r = await call<{ PhoneNumberOrders: PhoneNumberOrder[]; NextToken?: string }>(
      'GET',
      `/phone-number-orders${query({ 'max-results': 99, 'next-token': nextToken })}`,
    );
    return { items: r.PhoneNumberOrders, ...(r.NextToken && { nextToken: r.NextToken }) };
  },
  getPhoneNumberOrder: async (id: string) =>
    (
      await call<{ PhoneNumberOrder: PhoneNumberOrder }>(
        'GET',
        `/phone-number-orders/${encodeURIComponent(id)}`,
      )
    ).PhoneNumberOrder,

  getPhoneNumberSettings: () =>
    call<{ CallingName?: string; CallingNameUpdatedTimestamp?: string }>('GET', '/settings/phone-number'),
  updatePhoneNumberSettings: (CallingName: string) => call('PUT', '/settings/phone-number', { CallingName }),

  associatePhoneNumberWithUser: (accountId: string, userId: string, E164PhoneNumber: string) =>
    call('POST', `${user(accountId, userId)}?operation=associate-phone-number`, { E164PhoneNumber }),
  disassociatePhoneNumberFromUser: (accountId: string, userId: string) =>
    call('POST', `${user(accountId, userId)}?operation=disassociate-phone-number`),
  getUserSettings: async (accountId: string, userId: string) =>
    (await call<{ UserSettings: { Telephony: Telephony } }>('GET', `${user(accountId, userId)}/settings`))
      .UserSettings.Telephony,
  updateUserSettings: (accountId: string, userId: string, Telephony: Telephony) =>
    call('PUT', `${user(accountId, userId)}/settings`, { UserSettings: { Telephony } }),
};
