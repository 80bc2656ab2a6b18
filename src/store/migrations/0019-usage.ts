import type { Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * Usage and billing (issue 17, DESIGN §8).
 *
 * `meeting_reports`: each hosted meeting as the meetings service last reported it. The key is the
 * reporting app client and its meeting id, so a repeat replaces rather than adds; `account_id`
 * and `user_id` are the host's membership when the report was accepted.
 *
 * `account_billing`: the account's billing time zone (IANA), which decides what a "day" and a
 * "month" are for it; an account without a row bills in UTC.
 *
 * `usage_months`: one row per account and month that has (or had) usage. Open while
 * `closed_at` is null; closing stores the month's bill as it stood (`snapshot`, JSON) and it never
 * changes after. `closes_at` is when the close job is due.
 *
 * `usage_adjustments`: what late reports changed in a closed month (`for_month`), carried by the
 * first open month after it (`month`); positive or negative cents.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const accountRef = 'accounts.id';
  await db.schema
    .createTable('meeting_reports')
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('meeting_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references(accountRef).onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    // the host's `sub` as the meetings service sent it
    .addColumn('identity_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('attendees', 'integer', (c) => c.notNull())
    .addColumn('first_reported_at', 'text', (c) => c.notNull())
    .addColumn('reported_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('meeting_reports_pk', ['client_id', 'meeting_id'])
    .execute();
  await db.schema
    .createIndex('meeting_reports_account_started')
    .on('meeting_reports')
    .columns(['account_id', 'started_at'])
    .execute();

  await db.schema
    .createTable('account_billing')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references(accountRef).onDelete('cascade'))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('usage_months')
    .addColumn('account_id', 'text', (c) => c.notNull().references(accountRef).onDelete('cascade'))
    // YYYY-MM in the account's billing time zone
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('closes_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('time_zone', 'text')
    .addColumn('total_cents', 'integer')
    .addColumn('snapshot', 'text')
    .addPrimaryKeyConstraint('usage_months_pk', ['account_id', 'month'])
    .execute();
  await db.schema
    .createIndex('usage_months_due')
    .on('usage_months')
    .columns(['closed_at', 'closes_at'])
    .execute();

  await db.schema
    .createTable('usage_adjustments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references(accountRef).onDelete('cascade'))
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('for_month', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('cents', 'integer', (c) => c.notNull())
    // JSON: the days added and taken away, each with its meeting
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('usage_adjustments_account_month')
    .on('usage_adjustments')
    .columns(['account_id', 'month'])
    .execute();
  await db.schema
    .createIndex('usage_adjustments_account_for_month')
    .on('usage_adjustments')
    .columns(['account_id', 'for_month'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['usage_adjustments', 'usage_months', 'account_billing', 'meeting_reports'])
    await db.schema.dropTable(table).execute();
}
