import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

export async function up(db: Kysely<unknown>): Promise<void> {
  // End users' own sign-in identities (the Login-with-Amazon equivalent), one per address across
  // the installation; account membership stays in `users`, matched by the normalized address.
  await db.schema
    .createTable('identities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_normalized', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('email_verified_at', 'text')
    .addColumn('pro_trial_ends_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Single-use links sent by email (verification, password reset): only a SHA-256 hash is kept.
  await db.schema
    .createTable('identity_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('identity_id', 'text', (c) => c.notNull().references('identities.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('identity_tokens_identity')
    .on('identity_tokens')
    .columns(['identity_id', 'purpose'])
    .execute();

  // Failed sign-ins counted per key (`email:<address>`, `ip:<address>`) in a fixed window.
  await db.schema
    .createTable('signin_throttles')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'text', (c) => c.notNull())
    .execute();

  // Browser sessions: the cookie holds a random id, the table its SHA-256 hash. Revocable one by
  // one (sign out) or all of an identity's at once (LogoutUser, suspension, password reset).
  await db.schema
    .createTable('browser_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('identity_id', 'text', (c) => c.notNull().references('identities.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema
    .createIndex('browser_sessions_live')
    .on('browser_sessions')
    .column('identity_id')
    .where(sql.ref('revoked_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('browser_sessions').execute();
  await db.schema.dropTable('signin_throttles').execute();
  await db.schema.dropTable('identity_tokens').execute();
  await db.schema.dropTable('identities').execute();
}
