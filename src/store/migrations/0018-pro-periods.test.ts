import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Migrator } from 'kysely';
import { accountRecord } from '../../../test/helpers/accounts.js';
import { eachDialectDatabase } from '../../../test/helpers/suite.js';
import { insertAccount, updateAccount } from '../accounts.js';
import { migrateToLatest } from '../database.js';
import { proPeriodsOf } from '../pro-periods.js';
import type { UsersTable } from '../schema.js';
import { migrations } from './index.js';

const BEFORE = '0017-scim-and-idp';

const row = (id: string, accountId: string, fields: Partial<UsersTable>): UsersTable => ({
  id,
  account_id: accountId,
  email: `${id}@example.com`,
  email_normalized: `${id}@example.com`,
  display_name: null,
  license: 'Pro',
  user_type: 'PrivateUser',
  registration_status: 'Registered',
  invitation_status: 'Accepted',
  registered_on: '2026-01-01T00:00:00.000Z',
  invited_on: null,
  personal_pin: '1234567890',
  alexa_enabled: 0,
  alexa_room_arn: null,
  primary_provisioned_number: null,
  telephony_inbound: 0,
  telephony_outbound: 0,
  telephony_sms: 0,
  sessions_revoked_at: null,
  removed_at: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-06-01T00:00:00.000Z',
  ...fields,
});

await eachDialectDatabase(
  'migration 0018: Pro periods backfilled, then kept by triggers',
  (database) => {
    it('backfills the billable members only, from their last change, and keeps them after', async () => {
      const { db } = database();
      const at = { createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
      await insertAccount(db, { ...accountRecord('live'), ...at });
      await insertAccount(db, { ...accountRecord('gone'), ...at, status: 'Suspended' });
      await db
        .insertInto('users')
        .values([
          row('pro', 'live', {}),
          row('basic', 'live', { license: 'Basic' }),
          row('invitee', 'live', { registration_status: 'Unregistered', invitation_status: 'Pending' }),
          row('suspended', 'live', { registration_status: 'Suspended' }),
          row('released', 'live', { registration_status: 'Released' }),
          row('removed', 'live', { removed_at: '2026-05-01T00:00:00.000Z' }),
          row('in-deleted', 'gone', {}),
        ])
        .execute();
      await migrateToLatest(db);
      const all = await db.selectFrom('pro_periods').selectAll().execute();
      assert.deepEqual(all, [
        { account_id: 'live', user_id: 'pro', started_at: '2026-06-01T00:00:00.000Z', ended_at: null },
      ]);

      // From here the triggers keep them: restoring the deleted account starts its member's.
      await updateAccount(db, 'gone', { status: 'Active', updatedAt: '2026-07-01T00:00:00.000Z' });
      const restored = await proPeriodsOf(db, 'gone', '2026-07-01T00:00:00.000Z', '2026-08-01T00:00:00.000Z');
      assert.deepEqual(restored, [
        { accountId: 'gone', userId: 'in-deleted', from: '2026-07-01T00:00:00.000Z', until: null },
      ]);
    });

    it('goes down and up again, backfilling from the account’s change when it is later', async () => {
      const { db } = database();
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      const down = await migrator.migrateTo(BEFORE);
      assert.equal(down.error, undefined);
      await db
        .updateTable('users')
        .set({ license: 'Basic', updated_at: '2026-08-01T00:00:00.000Z' })
        .where('id', '=', 'pro')
        .execute();
      const up = await migrator.migrateToLatest();
      assert.equal(up.error, undefined);
      const periods = await db.selectFrom('pro_periods').select(['user_id', 'started_at']).execute();
      assert.deepEqual(periods, [{ user_id: 'in-deleted', started_at: '2026-07-01T00:00:00.000Z' }]);
    });
  },
  { upTo: BEFORE },
);
