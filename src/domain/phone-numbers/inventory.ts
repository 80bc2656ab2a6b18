import { DAY_MS } from '../../lib/clock.js';
import type { Db } from '../../store/database.js';
import {
  deletePhoneNumberRow,
  findPhoneNumber,
  insertPhoneNumbers,
  listPhoneNumbers,
  lockPhoneNumber,
  updatePhoneNumber,
  type PhoneNumberRecord,
  type PhoneNumberStatus,
  type ProductType,
} from '../../store/phone-numbers.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedBatch } from '../audit/batch.js';
import { auditedChange, type AuditLog } from '../audit/trail.js';
import { conflict, DomainError, invalid, notFound } from '../errors.js';
import { keysetPageBy, type Page } from '../paging.js';
import { APPLY_CALLING_NAME_JOB, RELEASE_NUMBER_JOB, type PhoneDeps } from './deps.js';
import { fromPhoneNumberId, normalizeE164 } from './e164.js';
import {
  callingNameLockedUntil,
  checkProductFor,
  DELETION_QUEUE_DAYS,
  NUMBERS_PER_REQUEST_MAX,
  newInventoryNumber,
} from './rules.js';

export type { PhoneNumberRecord as PhoneNumber };

export interface PhoneNumberUpdate {
  productType?: ProductType | undefined;
  callingName?: string | undefined;
}

/** One number's failure inside a batch; the others still apply. */
export interface PhoneNumberFailure {
  phoneNumberId: string;
  kind: DomainError['kind'];
  message: string;
}

export interface PhoneNumberQuery {
  status?: PhoneNumberStatus | undefined;
  productType?: ProductType | undefined;
  filter?: { name: string; value: string } | undefined;
  maxResults: number;
  nextToken?: string | undefined;
}

/** How the trail names a number: its E.164 form, or the id as sent when it is none. */
const numberIdOf = (id: string) => fromPhoneNumberId(id) ?? id;

/** A PhoneNumberId as sent (`+1…`, `%2B1…`, even `%252B1…`) turned into the E.164 key. */
export function phoneNumberKey(id: string): string {
  const e164 = fromPhoneNumberId(id);
  if (!e164) throw invalid(`${id} is not a valid E.164 phone number`);
  return e164;
}

export function createPhoneInventory(deps: PhoneDeps) {
  const { db, clock } = deps;
  const now = () => clock.now().toISOString();

  /** The number, locked for the rest of the change so checks and writes see the same state. */
  async function existing(tx: Db, e164: string): Promise<PhoneNumberRecord> {
    const number = await lockPhoneNumber(tx, e164, deps.dialect);
    if (!number) throw notFound(`Phone number ${e164} not found`);
    return number;
  }

  /** Changes one thing of a number, product type or calling name, as the model requires. */
  async function applyUpdate(
    tx: Db,
    e164: string,
    update: PhoneNumberUpdate,
  ): Promise<Record<string, unknown>> {
    const given = [update.productType, update.callingName].filter((v) => v !== undefined).length;
    if (given !== 1) throw invalid('Update either ProductType or CallingName, one per request');
    const number = await existing(tx, e164);
    if (number.status !== 'Unassigned' && number.status !== 'Assigned')
      throw conflict(`Phone number ${e164} is ${number.status} and cannot be changed`);
    const at = clock.now();
    if (update.productType !== undefined) {
      checkProductFor(number, update.productType);
      if (number.status === 'Assigned' && update.productType !== number.productType)
        throw conflict(
          `Phone number ${e164} is assigned to a user: unassign it before changing its product type`,
        );
      await updatePhoneNumber(tx, e164, { productType: update.productType, updatedAt: at.toISOString() });
      return { productType: { from: number.productType, to: update.productType } };
    }
    if (number.callingNameStatus === 'UpdateInProgress')
      throw conflict(`The calling name of ${e164} is still being updated`);
    const lockedUntil = callingNameLockedUntil(number.callingNameUpdatedAt, at);
    if (lockedUntil)
      throw conflict(`The calling name of ${e164} can change again after ${lockedUntil.toISOString()}`);
    await updatePhoneNumber(tx, e164, {
      callingName: update.callingName === '' ? undefined : update.callingName,
      callingNameStatus: 'UpdateInProgress',
      callingNameUpdatedAt: at.toISOString(),
      updatedAt: at.toISOString(),
    });
    await deps.jobs.enqueue(tx, APPLY_CALLING_NAME_JOB, { e164 });
    return { callingName: update.callingName };
  }

  /** Puts an unassigned number in the deletion queue; a job releases it when the queue time is over. */
  async function queueDeletion(tx: Db, e164: string): Promise<void> {
    const number = await existing(tx, e164);
    if (number.status === 'Assigned')
      throw new DomainError(
        'AssociationsExist',
        `Phone number ${e164} is assigned to a user: unassign it first`,
      );
    if (number.status === 'AcquireFailed') {
      // The carrier never gave it to us: there is nothing to release, so it simply goes.
      await deletePhoneNumberRow(tx, e164);
      return;
    }
    if (number.status !== 'Unassigned')
      throw conflict(`Phone number ${e164} is ${number.status} and cannot be deleted`);
    const at = clock.now();
    const releaseAfter = new Date(at.getTime() + DELETION_QUEUE_DAYS * DAY_MS);
    const moved = await updatePhoneNumber(
      tx,
      e164,
      {
        status: 'DeleteInProgress',
        deletedAt: at.toISOString(),
        releaseAfter: releaseAfter.toISOString(),
        updatedAt: at.toISOString(),
      },
      ['Unassigned'],
    );
    if (!moved) throw conflict(`Phone number ${e164} changed meanwhile; try again`);
    await deps.jobs.enqueue(tx, RELEASE_NUMBER_JOB, { e164 }, { runAt: releaseAfter });
  }

  /**
   * One audited change of one number of the inventory (operator only). The id is read inside the
   * change, so a malformed id is refused like any other bad request: with an audit event.
   */
  function numberChange<T>(
    actor: Actor,
    operation: string,
    id: string,
    change: (tx: Db, e164: string, log: AuditLog) => Promise<T>,
  ): Promise<T> {
    const subject = { operation, targetType: 'PhoneNumber', targetId: numberIdOf(id) };
    return auditedChange(deps, actor, subject, (tx, log) => {
      authorize(actor, 'operator');
      return change(tx, phoneNumberKey(id), log);
    });
  }

  /**
   * Applies `each` to every item, all in one transaction (auditedBatch); failures are reported
   * per number. The request as a whole (rights, size) is checked first.
   */
  async function batch<T extends { phoneNumberId: string }>(
    actor: Actor,
    operation: string,
    items: T[],
    each: (tx: Db, e164: string, item: T) => Promise<Record<string, unknown> | void>,
  ): Promise<PhoneNumberFailure[]> {
    const seen = new Set<string>();
    const failures = await auditedBatch(
      deps,
      actor,
      { operation, targetType: 'PhoneNumber' },
      {
        items,
        async prepare() {
          authorize(actor, 'operator');
          if (items.length > NUMBERS_PER_REQUEST_MAX)
            throw invalid(
              `At most ${NUMBERS_PER_REQUEST_MAX} phone numbers per request, not ${items.length}`,
            );
        },
        subject: (item) => ({ targetType: 'PhoneNumber', targetId: numberIdOf(item.phoneNumberId) }),
        lockKey: (item) => numberIdOf(item.phoneNumberId),
        async apply(tx, _context, item) {
          // The id is read per item, so a malformed one is refused like any other bad item: audited.
          const e164 = phoneNumberKey(item.phoneNumberId);
          if (seen.has(e164)) throw invalid(`${e164} appears more than once in the request`);
          seen.add(e164);
          return each(tx, e164, item);
        },
      },
    );
    return failures.map(({ item, error }) => ({
      phoneNumberId: item.phoneNumberId,
      kind: error.kind,
      message: error.message,
    }));
  }

  return {
    /**
     * The inventory, filtered. A principal limited to one account sees only the numbers
     * associated with that account, whatever filter it asks for.
     */
    async listPhoneNumbers(actor: Actor, query: PhoneNumberQuery): Promise<Page<PhoneNumberRecord>> {
      authorize(actor, 'read', actor.accountScope);
      let accountId: string | undefined;
      let userId: string | undefined;
      if (query.filter) {
        if (query.filter.value === '') throw invalid('FilterName needs a FilterValue');
        if (query.filter.name === 'AccountId') accountId = query.filter.value;
        else if (query.filter.name === 'UserId') userId = query.filter.value;
        else return { items: [], nextToken: undefined }; // Voice Connectors and SIP rules do not exist here
      }
      if (actor.accountScope !== undefined) {
        if (accountId !== undefined && accountId !== actor.accountScope)
          throw new DomainError('Forbidden', `This key is limited to account ${actor.accountScope}`);
        accountId = actor.accountScope;
      }
      const scope = [
        'phone-numbers',
        query.status ?? null,
        query.productType ?? null,
        accountId ?? null,
        userId ?? null,
      ];
      return keysetPageBy(
        { scope, ...query },
        (afterId, limit) =>
          listPhoneNumbers(db, {
            status: query.status,
            productType: query.productType,
            accountId,
            userId,
            afterId,
            limit,
          }),
        (number) => number.e164,
      );
    },

    async getPhoneNumber(actor: Actor, id: string): Promise<PhoneNumberRecord> {
      const e164 = phoneNumberKey(id);
      const number = await findPhoneNumber(db, e164);
      // A key limited to one account sees only that account's numbers (and learns nothing of others).
      authorize(actor, 'read', number?.accountId);
      if (!number) throw notFound(`Phone number ${e164} not found`);
      return number;
    },

    async updatePhoneNumber(actor: Actor, id: string, update: PhoneNumberUpdate): Promise<PhoneNumberRecord> {
      return numberChange(actor, 'UpdatePhoneNumber', id, async (tx, e164, log) => {
        log.describe(await applyUpdate(tx, e164, update));
        return existing(tx, e164);
      });
    },

    batchUpdatePhoneNumbers(
      actor: Actor,
      items: Array<PhoneNumberUpdate & { phoneNumberId: string }>,
    ): Promise<PhoneNumberFailure[]> {
      return batch(actor, 'BatchUpdatePhoneNumber', items, (tx, e164, { phoneNumberId: _, ...update }) =>
        applyUpdate(tx, e164, update),
      );
    },

    async deletePhoneNumber(actor: Actor, id: string): Promise<void> {
      await numberChange(actor, 'DeletePhoneNumber', id, (tx, e164) => queueDeletion(tx, e164));
    },

    batchDeletePhoneNumbers(actor: Actor, ids: string[]): Promise<PhoneNumberFailure[]> {
      const items = ids.map((phoneNumberId) => ({ phoneNumberId }));
      return batch(actor, 'BatchDeletePhoneNumber', items, (tx, e164) => queueDeletion(tx, e164));
    },

    /** Takes a number out of the deletion queue, back to the unassigned inventory. */
    async restorePhoneNumber(actor: Actor, id: string): Promise<PhoneNumberRecord> {
      return numberChange(actor, 'RestorePhoneNumber', id, async (tx, e164) => {
        const number = await existing(tx, e164);
        if (number.status !== 'DeleteInProgress')
          throw conflict(`Phone number ${e164} is ${number.status}, not in the deletion queue`);
        await updatePhoneNumber(
          tx,
          e164,
          { status: 'Unassigned', deletedAt: undefined, releaseAfter: undefined, updatedAt: now() },
          ['DeleteInProgress'],
        );
        return existing(tx, e164);
      });
    },

    /**
     * Adds numbers the operator already owns (ported in, bought elsewhere). Each is validated and
     * normalised as E.164; numbers already in the inventory are reported, not duplicated.
     */
    async importPhoneNumbers(
      actor: Actor,
      input: { numbers: string[]; productType: ProductType },
    ): Promise<{ imported: string[]; alreadyOwned: string[] }> {
      return auditedChange(
        deps,
        actor,
        { operation: 'ImportPhoneNumbers', targetType: 'PhoneNumber' },
        async (tx, log) => {
          authorize(actor, 'operator');
          if (input.numbers.length === 0) throw invalid('Give at least one phone number to import');
          if (input.numbers.length > NUMBERS_PER_REQUEST_MAX)
            throw invalid(
              `At most ${NUMBERS_PER_REQUEST_MAX} numbers per import, not ${input.numbers.length}`,
            );
          const at = now();
          const records = new Map<string, PhoneNumberRecord>();
          const bad: string[] = [];
          for (const raw of input.numbers) {
            const n = normalizeE164(raw);
            if (!n) {
              bad.push(raw);
              continue;
            }
            checkProductFor(n, input.productType);
            records.set(n.e164, newInventoryNumber(n, input.productType, { source: 'import' }, at));
          }
          if (bad.length > 0) throw invalid(`Not valid E.164 phone numbers: ${bad.slice(0, 10).join(', ')}`);
          const imported = await insertPhoneNumbers(tx, [...records.values()]);
          const alreadyOwned = [...records.keys()].filter((e) => !imported.includes(e));
          log.describe({
            imported: imported.length,
            alreadyOwned: alreadyOwned.length,
            productType: input.productType,
          });
          // One event per number that entered the inventory, so the trail answers "where did it come from".
          for (const e164 of imported)
            log.item({
              targetType: 'PhoneNumber',
              targetId: e164,
              details: { productType: input.productType },
            });
          return { imported, alreadyOwned };
        },
      );
    },
  };
}

export type PhoneInventory = ReturnType<typeof createPhoneInventory>;
