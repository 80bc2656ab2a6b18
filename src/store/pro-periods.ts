import type { Db } from './database.js';
import type { ProPeriodsTable } from './schema.js';

/**
 * The store's own record of a period, field for field the billing rule's `ProPeriod`
 * (src/domain/usage/rule.ts; the store does not import the domain): ISO 8601 UTC, `from`
 * inclusive, `until` exclusive, null while it runs.
 */
export interface ProPeriod {
  accountId: string;
  userId: string;
  from: string;
  until: string | null;
}

/*
 * The periods are written by the database itself (migration 0018's triggers on users and
 * accounts), in the transaction of whatever change starts or ends one; this module only reads.
 */

function periodFromRow(row: ProPeriodsTable): ProPeriod {
  return { accountId: row.account_id, userId: row.user_id, from: row.started_at, until: row.ended_at };
}

/**
 * The account's Pro periods that overlap [fromIso, untilIso) — what a month's bill needs —
 * in user, then start order. Empty periods (ended the instant they started) are left out.
 */
export async function proPeriodsOf(
  db: Db,
  accountId: string,
  fromIso: string,
  untilIso: string,
): Promise<ProPeriod[]> {
  const rows = await db
    .selectFrom('pro_periods')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('started_at', '<', untilIso)
    .where((eb) =>
      eb.or([
        eb('ended_at', 'is', null),
        eb.and([eb('ended_at', '>', fromIso), eb('ended_at', '>', eb.ref('started_at'))]),
      ]),
    )
    .orderBy('user_id')
    .orderBy('started_at')
    .execute();
  return rows.map(periodFromRow);
}

/**
 * The period in which the user was a billable Pro member of the account at `atIso`, or undefined
 * when they were not (an invitee, Basic, suspended, removed, or in a deleted account): the
 * ingestion refuses a meeting its host could not have been billed for hosting.
 */
export async function proPeriodAt(
  db: Db,
  accountId: string,
  userId: string,
  atIso: string,
): Promise<ProPeriod | undefined> {
  const row = await db
    .selectFrom('pro_periods')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .where('started_at', '<=', atIso)
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', atIso)]))
    .orderBy('started_at', 'desc')
    .executeTakeFirst();
  return row && periodFromRow(row);
}

/** Every period of one user in one account, oldest first (what explains a bill line). */
export async function proPeriodsOfUser(db: Db, accountId: string, userId: string): Promise<ProPeriod[]> {
  const rows = await db
    .selectFrom('pro_periods')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .orderBy('started_at')
    .execute();
  return rows.map(periodFromRow);
}
