import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Migrator } from 'kysely';
import {
  createTestDatabase,
  dialects,
  skipReason,
  type TestDatabase,
} from '../../../test/helpers/databases.js';
import { accountRecord } from '../../../test/helpers/accounts.js';
import { insertAccount } from '../accounts.js';
import { migrateToLatest } from '../database.js';
import { migrations } from './index.js';

const NAME = '0013-domain-verified-by';

for (const dialect of dialects) {
  const skip = await skipReason(dialect);
  describe(`migration 0013: how claimed domains were verified [${dialect}]`, { skip: skip ?? false }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(dialect);
      const names = Object.keys(migrations);
      const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo(names[names.indexOf(NAME) - 1]!);
      if (error) throw error;
    });
    after(() => database.drop());

    it('marks the domains verified before it as verified by their record, and no others', async () => {
      const { db } = database;
      const at = '2026-01-01T00:00:00.000Z';
      await insertAccount(db, accountRecord('acct', 'EnterpriseLWA'));
      const domain = (name: string, status: string, verifiedAt: string | null) => ({
        id: name,
        account_id: 'acct',
        domain_name: name,
        status,
        txt_record_name: `_belfry-challenge.${name}`,
        txt_record_value: 'belfry-domain-verification=x',
        verification_deadline: at,
        verified_at: verifiedAt,
        created_at: at,
        updated_at: at,
      });
      await db
        .insertInto('claimed_domains')
        .values([
          domain('verified.example', 'Verified', at),
          domain('missing.example', 'RecordMissing', at),
          domain('pending.example', 'PendingVerification', null),
        ])
        .execute();
      await migrateToLatest(db);
      const rows = await db
        .selectFrom('claimed_domains')
        .select(['domain_name', 'verified_by', 'override_reason'])
        .orderBy('domain_name')
        .execute();
      assert.deepEqual(rows, [
        { domain_name: 'missing.example', verified_by: 'DnsRecord', override_reason: null },
        { domain_name: 'pending.example', verified_by: null, override_reason: null },
        { domain_name: 'verified.example', verified_by: 'DnsRecord', override_reason: null },
      ]);
    });
  });
}
