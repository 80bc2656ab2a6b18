import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * Until DeleteAccount and the purge freed the numbers of an account's users, a purged account
 * could leave a number Assigned to an account or user that no longer exists, which no operation
 * could free. Those numbers go back to the inventory as Unassigned. (There is no audit event:
 * the audit trail belongs to accounts, and these accounts are gone.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const at = new Date().toISOString();
  await sql`
    update phone_numbers
    set status = case when status = 'Assigned' then 'Unassigned' else status end,
        account_id = null, user_id = null, associated_at = null, updated_at = ${at}
    where (account_id is not null and account_id not in (select id from accounts))
       or (user_id is not null and user_id not in (select id from users))
  `.execute(db);
}

/** Nothing to undo: the links pointed at nothing. */
export async function down(): Promise<void> {}
