import type { Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * The Belfry instances serving the API on this database, each renewing its row every few
 * seconds, so each can give itself its share of every principal's request budget. `seen_at` is
 * the instance's own wall-clock time (ISO 8601); rows of instances gone for good are removed by
 * the others.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_instances')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_instances').execute();
}
