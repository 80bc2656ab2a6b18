import assert from 'node:assert/strict';
import { it } from 'node:test';
import { eachDialectDatabase } from '../../../test/helpers/suite.js';
import { migrateToLatest } from '../database.js';

await eachDialectDatabase(
  'migration 0009: numbers left on purged accounts',
  (database) => {
    const number = (id: string, status: string, accountId: string | null, userId: string | null) => ({
      id,
      country: 'US',
      number_type: 'Local',
      product_type: 'BusinessCalling',
      status,
      calling_name_status: 'Unassigned',
      account_id: accountId,
      user_id: userId,
      associated_at: accountId && '2026-01-01T00:00:00.000Z',
      source: 'imported',
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });

    it('returns the numbers of accounts or users that are gone to the inventory, and leaves live ones', async () => {
      const { db } = database();
      const at = '2026-01-01T00:00:00.000Z';
      await db
        .insertInto('accounts')
        .values({
          id: 'live-account',
          name: 'Live',
          account_type: 'Team',
          account_status: 'Active',
          default_license: 'Pro',
          supported_licenses: '["Basic","Pro"]',
          created_at: at,
          updated_at: at,
        })
        .execute();
      await db
        .insertInto('users')
        .values({
          id: 'live-user',
          account_id: 'live-account',
          license: 'Pro',
          user_type: 'PrivateUser',
          registration_status: 'Registered',
          personal_pin: '1234567890',
          alexa_enabled: 0,
          telephony_inbound: 0,
          telephony_outbound: 0,
          telephony_sms: 0,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await db
        .insertInto('phone_numbers')
        .values([
          number('+12065550001', 'Assigned', 'purged-account', 'purged-user'),
          number('+12065550002', 'DeleteInProgress', 'purged-account', null),
          number('+12065550003', 'Unassigned', null, null),
          number('+12065550004', 'Assigned', 'live-account', 'live-user'),
        ])
        .execute();
      await migrateToLatest(db);
      const rows = await db
        .selectFrom('phone_numbers')
        .select(['id', 'status', 'account_id', 'user_id', 'associated_at'])
        .orderBy('id')
        .execute();
      assert.deepEqual(rows, [
        { id: '+12065550001', status: 'Unassigned', account_id: null, user_id: null, associated_at: null },
        {
          id: '+12065550002',
          status: 'DeleteInProgress',
          account_id: null,
          user_id: null,
          associated_at: null,
        },
        { id: '+12065550003', status: 'Unassigned', account_id: null, user_id: null, associated_at: null },
        {
          id: '+12065550004',
          status: 'Assigned',
          account_id: 'live-account',
          user_id: 'live-user',
          associated_at: at,
        },
      ]);
    });
  },
  { upTo: '0008-claimed-domains' },
);
