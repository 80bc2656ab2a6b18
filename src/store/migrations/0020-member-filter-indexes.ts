import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * ListUsers filtered by registration status or tier (the console's Users filters) pages in id
 * order like the unfiltered list. With only (account_id, id), a page of a rare status (Suspended)
 * read every member of the account to find none, and a page of Basic users five members per
 * user listed. Each filter, and the two together, get a keyset index of their own, over current
 * members only like users_account_member (test/scale/plans.test.ts checks the plans).
 */
const INDEXES: Array<[name: string, columns: string[]]> = [
  ['users_account_status_member', ['account_id', 'registration_status', 'id']],
  ['users_account_license_member', ['account_id', 'license', 'id']],
  ['users_account_status_license_member', ['account_id', 'registration_status', 'license', 'id']],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, columns] of INDEXES)
    await db.schema
      .createIndex(name)
      .on('users')
      .columns(columns)
      .where(sql.ref('removed_at'), 'is', null)
      .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of INDEXES) await db.schema.dropIndex(name).execute();
}
