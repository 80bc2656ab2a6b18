import { insertPhoneNumbers, ownedAmong, type ProductType } from '../../store/phone-numbers.js';
import {
  findPhoneOrder,
  insertPhoneOrder,
  listPhoneOrders,
  type PhoneOrderRecord,
} from '../../store/phone-orders.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import { conflict, DomainError, invalid, notFound } from '../errors.js';
import { keysetPage, type Page } from '../paging.js';
import type { NumberType, SearchCriteria } from './carrier.js';
import { PROCESS_ORDER_JOB, type PhoneDeps } from './deps.js';
import { normalizeE164 } from './e164.js';
import { checkProductFor, newInventoryNumber, NUMBERS_PER_REQUEST_MAX } from './rules.js';

export type { PhoneOrderRecord as PhoneNumberOrder };

export interface SearchQuery {
  areaCode?: string | undefined;
  city?: string | undefined;
  state?: string | undefined;
  country?: string | undefined;
  tollFreePrefix?: string | undefined;
  type?: NumberType | undefined;
  maxResults: number;
  nextToken?: string | undefined;
}

/**
 * Chime's search rules: a US search names an area code, a city (with its state), a state or a
 * toll-free prefix; outside the US only the number type may be given, and then it must be.
 */
function checkSearch(query: SearchQuery): SearchCriteria {
  const country = query.country ?? 'US';
  if (country === 'US') {
    if (!query.areaCode && !query.city && !query.state && !query.tollFreePrefix)
      throw invalid('A US search needs AreaCode, City, State or TollFreePrefix');
    if (query.city && !query.state) throw invalid('City needs State');
  } else {
    if (query.areaCode || query.city || query.state || query.tollFreePrefix)
      throw invalid('Outside the US, only PhoneNumberType may be given');
    if (!query.type) throw invalid('Outside the US, PhoneNumberType is required');
  }
  return {
    country,
    ...(query.areaCode && { areaCode: query.areaCode }),
    ...(query.city && { city: query.city }),
    ...(query.state && { state: query.state }),
    ...(query.tollFreePrefix && { tollFreePrefix: query.tollFreePrefix }),
    ...(query.type && { type: query.type }),
  };
}

export function createPhoneOrders(deps: PhoneDeps) {
  const { db, clock, carrier } = deps;

  return {
    /** Numbers the carrier can sell, less the ones the operator already owns. */
    async searchAvailablePhoneNumbers(actor: Actor, query: SearchQuery): Promise<Page<{ id: string }>> {
      authorize(actor, 'read');
      const criteria = checkSearch(query);
      return keysetPage({ scope: ['search', criteria], ...query }, async (after, limit) => {
        const found: string[] = [];
        let cursor = after;
        // Owned numbers are skipped, so a carrier page may come back short: ask again until full.
        while (found.length < limit) {
          const batch = await carrier.search(criteria, { ...(cursor && { after: cursor }), limit });
          if (batch.length === 0) break;
          const owned = await ownedAmong(db, batch);
          found.push(...batch.filter((e) => !owned.has(e)));
          cursor = batch[batch.length - 1];
        }
        return found.slice(0, limit).map((id) => ({ id }));
      });
    },

    /**
     * What the carrier offers for the product type: a read of the installation's inventory, so
     * any unscoped key may ask (as for searches and orders), and a key limited to an account not.
     */
    supportedCountries(
      actor: Actor,
      productType: ProductType,
    ): Array<{ country: string; types: NumberType[] }> {
      authorize(actor, 'read');
      return carrier
        .countries()
        .map((c) => ({
          country: c.country,
          types: c.types.filter((type) => {
            try {
              checkProductFor({ country: c.country, type }, productType);
              return true;
            } catch {
              return false;
            }
          }),
        }))
        .filter((c) => c.types.length > 0);
    },

    /**
     * Places an order: the numbers enter the inventory as AcquireInProgress and a job asks the
     * carrier for them, so the order moves from Processing to Successful, Partial or Failed.
     */
    async createPhoneNumberOrder(
      actor: Actor,
      input: { productType: ProductType; numbers: string[] },
    ): Promise<PhoneOrderRecord> {
      return auditedChange(
        deps,
        actor,
        { operation: 'CreatePhoneNumberOrder', targetType: 'PhoneNumberOrder' },
        async (tx, log) => {
          authorize(actor, 'operator');
          if (input.numbers.length === 0) throw invalid('An order needs at least one phone number');
          if (input.numbers.length > NUMBERS_PER_REQUEST_MAX)
            throw new DomainError(
              'LimitExceeded',
              `An order may name at most ${NUMBERS_PER_REQUEST_MAX} numbers`,
            );
          const normalized = new Map<string, NonNullable<ReturnType<typeof normalizeE164>>>();
          for (const raw of input.numbers) {
            const n = normalizeE164(raw);
            if (!n) throw invalid(`${raw} is not a valid E.164 phone number`);
            checkProductFor(n, input.productType);
            normalized.set(n.e164, n);
          }
          const owned = await ownedAmong(tx, [...normalized.keys()]);
          if (owned.size > 0)
            throw conflict(`Already in the inventory: ${[...owned].slice(0, 10).join(', ')}`);
          const at = clock.now().toISOString();
          const order: PhoneOrderRecord = {
            id: deps.ids.uuid(),
            productType: input.productType,
            status: 'Processing',
            numbers: [...normalized.keys()]
              .sort()
              .map((e164) => ({ e164, status: 'Processing', reason: undefined })),
            createdAt: at,
            updatedAt: at,
          };
          await insertPhoneOrder(tx, order);
          const inserted = await insertPhoneNumbers(
            tx,
            [...normalized.values()].map((n) =>
              newInventoryNumber(n, input.productType, { source: 'order', orderId: order.id }, at),
            ),
          );
          // Another order took a number between the check above and this insert: refuse this one whole.
          if (inserted.length !== normalized.size)
            throw conflict('Another order has just taken some of these numbers; search again');
          await deps.jobs.enqueue(tx, PROCESS_ORDER_JOB, { orderId: order.id });
          log.target({ targetId: order.id });
          log.describe({ productType: input.productType, numbers: order.numbers.length });
          for (const n of order.numbers)
            log.item({ targetType: 'PhoneNumber', targetId: n.e164, details: { orderId: order.id } });
          return order;
        },
      );
    },

    /** Orders belong to the installation: any unscoped key may read them. */
    async getPhoneNumberOrder(actor: Actor, id: string): Promise<PhoneOrderRecord> {
      authorize(actor, 'read');
      const order = await findPhoneOrder(db, id.toLowerCase());
      if (!order) throw notFound(`Phone number order ${id} not found`);
      return order;
    },

    async listPhoneNumberOrders(
      actor: Actor,
      query: { maxResults: number; nextToken?: string | undefined },
    ): Promise<Page<PhoneOrderRecord>> {
      authorize(actor, 'read');
      return keysetPage({ scope: ['orders'], ...query }, (after, limit) => listPhoneOrders(db, after, limit));
    },
  };
}

export type PhoneOrders = ReturnType<typeof createPhoneOrders>;
