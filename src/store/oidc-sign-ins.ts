import type { Db } from './database.js';
import { normalizeEmail } from './users.js';

/** One app sign-in: the grant it created, the identity, the membership then, and the moment. */
export interface SignInRecord {
  /** the keyed hash of the grant's id (never the id itself: see domain/oidc/stored-ids.ts) */
  grantKey: string;
  identityId: string;
  accountId: string | undefined;
  userId: string | undefined;
  signedInAt: string;
  expiresAt: string;
}

export async function insertSignIn(db: Db, signIn: SignInRecord): Promise<void> {
  await db
    .insertInto('oidc_sign_ins')
    .values({
      grant_id: signIn.grantKey,
      identity_id: signIn.identityId,
      account_id: signIn.accountId ?? null,
      user_id: signIn.userId ?? null,
      signed_in_at: signIn.signedInAt,
      expires_at: signIn.expiresAt,
    })
    .execute();
}

export async function findSignIn(db: Db, grantKey: string): Promise<SignInRecord | undefined> {
  const row = await db
    .selectFrom('oidc_sign_ins')
    .selectAll()
    .where('grant_id', '=', grantKey)
    .executeTakeFirst();
  return (
    row && {
      grantKey: row.grant_id,
      identityId: row.identity_id,
      accountId: row.account_id ?? undefined,
      userId: row.user_id ?? undefined,
      signedInAt: row.signed_in_at,
      expiresAt: row.expires_at,
    }
  );
}

export async function deleteSignIn(db: Db, grantKey: string): Promise<void> {
  await db.deleteFrom('oidc_sign_ins').where('grant_id', '=', grantKey).execute();
}

/** Ends every app sign-in of the identity (its apps' tokens die at their next check); how many. */
export async function deleteSignInsOfIdentity(db: Db, identityId: string): Promise<number> {
  const result = await db
    .deleteFrom('oidc_sign_ins')
    .where('identity_id', '=', identityId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSignIns(db: Db, at: string): Promise<void> {
  await db.deleteFrom('oidc_sign_ins').where('expires_at', '<=', at).execute();
}

/**
 * The latest "sign out everywhere" of any membership the address ever had, removed ones
 * included: a member removed from a Team account keeps the row with the moment of removal,
 * which must still end the tokens they had as a member. Pending invitations do not count: an
 * invited address is only what an admin typed, and must not reach whoever owns it.
 */
export async function latestMemberRevocation(db: Db, email: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.max('sessions_revoked_at').as('latest'))
    .where('email_normalized', '=', normalizeEmail(email))
    .where('registration_status', '!=', 'Unregistered')
    .executeTakeFirst();
  return row?.latest ?? undefined;
}
