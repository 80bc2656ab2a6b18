import type { Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * Console administrators: people who sign in to /console with an email and a password. Each is
 * an admin principal (the policy and account scope live there, as for access keys), so the
 * console's calls are checked and audited exactly like a key's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('console_admins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('principal_id', 'text', (c) =>
      c.notNull().unique().references('admin_principals.id').onDelete('cascade'),
    )
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_normalized', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    // the RFC 6238 shared secret, sealed with the master key; null when TOTP is off
    .addColumn('totp_secret_sealed', 'text')
    // the last TOTP time step accepted: a code is good once (RFC 6238 §5.2)
    .addColumn('totp_last_step', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_signed_in_at', 'text')
    .execute();

  // The cookie holds a random value, the table its SHA-256: a copied table signs nobody in.
  await db.schema
    .createTable('console_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('admin_id', 'text', (c) => c.notNull().references('console_admins.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('console_sessions_admin').on('console_sessions').column('admin_id').execute();

  // One-time links that create the first administrator; only their hash is kept.
  await db.schema
    .createTable('console_setup_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['console_setup_tokens', 'console_sessions', 'console_admins'])
    await db.schema.dropTable(table).execute();
}
