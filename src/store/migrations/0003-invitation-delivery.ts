import type { Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * What delivering an invitation needs: the accept link's token (only its SHA-256 hash, with an
 * expiry and the time it was spent), the time a later invitation replaced this one, and how
 * delivery went (sent time, attempts, last error) for an operator looking into a Failed email.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const columns: Array<[string, 'text' | 'integer']> = [
    ['token_hash', 'text'],
    ['token_expires_at', 'text'],
    ['token_used_at', 'text'],
    ['superseded_at', 'text'],
    ['email_sent_at', 'text'],
    ['email_last_error', 'text'],
  ];
  // SQLite adds one column per ALTER TABLE.
  for (const [name, type] of columns) await db.schema.alterTable('invites').addColumn(name, type).execute();
  await db.schema
    .alterTable('invites')
    .addColumn('email_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // The accept link finds its invite by the token's hash; unique so a hash names one invite.
  await db.schema.createIndex('invites_token_hash').unique().on('invites').column('token_hash').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('invites_token_hash').execute();
  for (const name of [
    'email_attempts',
    'email_last_error',
    'email_sent_at',
    'superseded_at',
    'token_used_at',
    'token_expires_at',
    'token_hash',
  ])
    await db.schema.alterTable('invites').dropColumn(name).execute();
}
