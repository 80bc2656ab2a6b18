import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * A person is a registered (or suspended) member of one account at a time. The domain checks it,
 * but two accounts accepting the same address at once each check under their own lock; this
 * index makes the database refuse the second.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('users_one_registered_membership')
    .unique()
    .on('users')
    .column('email_normalized')
    .where(sql.ref('removed_at'), 'is', null)
    .where(sql.ref('registration_status'), 'in', sql`('Registered', 'Suspended')`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_one_registered_membership').execute();
}
