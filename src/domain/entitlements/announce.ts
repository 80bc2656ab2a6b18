import type { JobKind } from '../../jobs/kinds.js';
import type { Jobs } from '../../jobs/queue.js';
import type { Clock } from '../../lib/clock.js';
import type { Ids } from '../../lib/ids.js';
import { listAppWebhooks } from '../../store/app-webhooks.js';
import type { AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import type { UserRecord } from '../../store/users.js';
import { standingOfMember, type Standing } from './current.js';

export const DELIVER_APP_EVENT_JOB = 'deliver-app-event' satisfies JobKind;

/** What changed a person's entitlements; apps may act on it (end a call on `suspended`). */
export type ChangeReason =
  | 'tier'
  | 'suspended'
  | 'unsuspended'
  | 'removed'
  | 'signed-out'
  | 'joined'
  | 'phone-number'
  | 'telephony'
  | 'released';

/** The body of a webhook delivery; `id` is the same for every app, so receivers can deduplicate. */
export type AppEvent =
  | {
      id: string;
      type: 'entitlements.changed';
      occurredAt: string;
      reason: ChangeReason;
      /** the `sub` of the person's tokens */
      sub: string;
      standing: Standing;
    }
  | {
      id: string;
      type: 'account.deleted' | 'account.restored';
      occurredAt: string;
      accountId: string;
    };

export interface AnnounceDeps {
  jobs: Jobs;
  ids: Ids;
  clock: Clock;
}

/**
 * Queues, in the change's own transaction, one delivery per app webhook telling where the
 * member's person stands after the change. A member nobody has signed up as yet (a pending
 * invitee) has no tokens anywhere, so there is nothing to announce.
 */
export async function announceEntitlementChange(
  tx: Db,
  deps: AnnounceDeps,
  member: UserRecord,
  reason: ChangeReason,
): Promise<void> {
  const webhooks = await listAppWebhooks(tx);
  if (webhooks.length === 0) return;
  const now = deps.clock.now();
  const standing = await standingOfMember(tx, member, now);
  if (!standing) return;
  const event: AppEvent = {
    id: deps.ids.uuid(),
    type: 'entitlements.changed',
    occurredAt: now.toISOString(),
    reason,
    sub: standing.sub,
    standing,
  };
  for (const webhook of webhooks)
    await deps.jobs.enqueue(tx, DELIVER_APP_EVENT_JOB, { clientId: webhook.clientId, event });
}

/**
 * An account deleted or restored changes every member at once: one event for the account rather
 * than one per member, which apps answer by ending or re-checking that account's sessions.
 */
export async function announceAccountChange(
  tx: Db,
  deps: AnnounceDeps,
  account: Pick<AccountRecord, 'id'>,
  type: 'account.deleted' | 'account.restored',
): Promise<void> {
  const webhooks = await listAppWebhooks(tx);
  if (webhooks.length === 0) return;
  const event: AppEvent = {
    id: deps.ids.uuid(),
    type,
    occurredAt: deps.clock.now().toISOString(),
    accountId: account.id,
  };
  for (const webhook of webhooks)
    await deps.jobs.enqueue(
      tx,
      DELIVER_APP_EVENT_JOB,
      { clientId: webhook.clientId, event },
      {
        accountId: account.id,
      },
    );
}
