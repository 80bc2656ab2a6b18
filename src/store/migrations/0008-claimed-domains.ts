import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * Email domains an account claims by publishing a TXT record (DESIGN §4). One row per account
 * and domain; releasing deletes the row (the audit trail keeps the history). `next_check_at` is
 * the run time of the one periodic check the row expects, so a check job that runs twice, or a
 * stale one, recognises itself and does nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('claimed_domains')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('domain_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('txt_record_name', 'text', (c) => c.notNull())
    .addColumn('txt_record_value', 'text', (c) => c.notNull())
    .addColumn('verification_deadline', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'text')
    .addColumn('record_missing_since', 'text')
    .addColumn('last_checked_at', 'text')
    .addColumn('last_check_result', 'text')
    .addColumn('next_check_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('claimed_domains_account_domain', ['account_id', 'domain_name'])
    .execute();
  // A domain is held (verified, or verified with its record since gone) by one account at most;
  // two accounts verifying at the same moment each check under their own lock, so the index decides.
  await db.schema
    .createIndex('claimed_domains_one_holder')
    .unique()
    .on('claimed_domains')
    .column('domain_name')
    .where(sql.ref('status'), 'in', sql`('Verified', 'RecordMissing')`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('claimed_domains').execute();
}
