import type { Db } from './database.js';

/**
 * The SCIM tokens of an account that still work (not revoked). The OpenID provider's disconnect
 * asks it: an account keeps its EnterpriseOIDC type while its IdP can still provision.
 */
export async function countLiveScimTokens(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('scim_tokens')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
