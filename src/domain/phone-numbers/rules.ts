import { DAY_MS } from '../../lib/clock.js';
import type { NumberType, PhoneNumberRecord, ProductType } from '../../store/phone-numbers.js';
import { invalid } from '../errors.js';

/** Days a deleted number waits in the deletion queue, restorable, before it is released. */
export const DELETION_QUEUE_DAYS = 7;
/** A calling name (a number's or the default) changes at most once in this many days. */
export const CALLING_NAME_INTERVAL_MS = 7 * DAY_MS;
/** Most numbers one order or one batch may name; the model sets no limit, a server needs one. */
export const NUMBERS_PER_REQUEST_MAX = 500;

/**
 * Which product a number may serve: toll-free numbers cannot be Business Calling numbers, and
 * numbers outside the US only serve SIP media application dial-in (Chime's own rules).
 */
export function checkProductFor(number: { country: string; type: NumberType }, product: ProductType): void {
  if (number.country !== 'US' && product !== 'SipMediaApplicationDialIn')
    throw invalid(`Numbers outside the US can only be SipMediaApplicationDialIn numbers, not ${product}`);
  if (number.type === 'TollFree' && product === 'BusinessCalling')
    throw invalid('Toll-free numbers cannot be BusinessCalling numbers');
}

/** When a calling name last changed at `last` may change again, or undefined if it may now. */
export function callingNameLockedUntil(last: string | undefined, now: Date): Date | undefined {
  if (last === undefined) return undefined;
  const next = new Date(Date.parse(last) + CALLING_NAME_INTERVAL_MS);
  return next > now ? next : undefined;
}

/**
 * A number as it enters the inventory: imported (already the operator's, so Unassigned at once)
 * or ordered (AcquireInProgress until the carrier answers).
 */
export function newInventoryNumber(
  number: { e164: string; country: string; type: NumberType },
  productType: ProductType,
  arrival: { source: 'import' } | { source: 'order'; orderId: string },
  at: string,
): PhoneNumberRecord {
  // Fields named one by one: on Node 20, a spread followed by more fields made each record a
  // slow dictionary object (a million of them took a minute to build).
  return {
    e164: number.e164,
    country: number.country,
    type: number.type,
    productType,
    status: arrival.source === 'import' ? 'Unassigned' : 'AcquireInProgress',
    callingName: undefined,
    callingNameStatus: 'Unassigned',
    callingNameUpdatedAt: undefined,
    accountId: undefined,
    userId: undefined,
    associatedAt: undefined,
    orderId: arrival.source === 'order' ? arrival.orderId : undefined,
    source: arrival.source,
    deletedAt: undefined,
    releaseAfter: undefined,
    createdAt: at,
    updatedAt: at,
  };
}
