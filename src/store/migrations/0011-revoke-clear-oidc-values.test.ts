import assert from 'node:assert/strict';
import { it } from 'node:test';
import { eachDialectDatabase } from '../../../test/helpers/suite.js';
import { migrateToLatest } from '../database.js';

await eachDialectDatabase(
  'migration 0011: provider rows stored in clear',
  (database) => {
    it('revokes every token, code, session and sign-in stored under its own value', async () => {
      const { db } = database();
      const at = '2026-01-01T00:00:00.000Z';
      const later = '2099-01-01T00:00:00.000Z';
      await db
        .insertInto('identities')
        .values({
          id: 'identity-1',
          email: 'a@example.com',
          email_normalized: 'a@example.com',
          password_hash: 'x',
          email_verified_at: at,
          pro_trial_ends_at: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      const row = (model: string, id: string) => ({
        model,
        id,
        payload: JSON.stringify({ jti: id, grantId: 'grant-in-clear' }),
        grant_id: 'grant-in-clear',
        uid: null,
        user_code: null,
        expires_at: later,
        consumed_at: null,
      });
      await db
        .insertInto('oidc_models')
        .values([
          row('AccessToken', 'access-token-in-clear'),
          row('RefreshToken', 'refresh-token-in-clear'),
          row('Session', 'session-id-in-clear'),
          row('Grant', 'grant-in-clear'),
        ])
        .execute();
      await db
        .insertInto('oidc_sign_ins')
        .values({
          grant_id: 'grant-in-clear',
          identity_id: 'identity-1',
          account_id: null,
          user_id: null,
          signed_in_at: at,
          expires_at: later,
        })
        .execute();
      await migrateToLatest(db);
      assert.deepEqual(await db.selectFrom('oidc_models').selectAll().execute(), []);
      assert.deepEqual(await db.selectFrom('oidc_sign_ins').selectAll().execute(), []);
      const identities = await db.selectFrom('identities').select('id').execute();
      assert.deepEqual(identities, [{ id: 'identity-1' }], 'the people stay; only their app sign-ins end');
    });
  },
  { upTo: '0009-free-orphaned-numbers' },
);
