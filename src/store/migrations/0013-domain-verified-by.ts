import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * How a claimed domain was verified: `DnsRecord` (its TXT record was found) or `OperatorOverride`
 * (the operator verified it by hand where Belfry cannot reach DNS, with the reason given, which is
 * also in the audit trail). Domains verified before this migration were verified by their record.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('claimed_domains').addColumn('verified_by', 'text').execute();
  await db.schema.alterTable('claimed_domains').addColumn('override_reason', 'text').execute();
  await sql`update claimed_domains set verified_by = 'DnsRecord' where verified_at is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('claimed_domains').dropColumn('override_reason').execute();
  await db.schema.alterTable('claimed_domains').dropColumn('verified_by').execute();
}
