import type { Db } from './database.js';
import { selectRows } from './direct-reads.js';
import type { OidcSignInsTable } from './schema.js';

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

/**
 * The sign-in made under the grant, with the latest "sign out everywhere" of any membership its
 * person's address ever had (removed ones included: a member removed from a Team account keeps
 * the row with the moment of removal, which must still end the tokens they had as a member).
 * Pending invitations do not count: an invited address is only what an admin typed, and must
 * not reach whoever owns it. One read, on every use of a token: plain SQL, columns named.
 */
export async function findSignInWithRevocation(
  db: Db,
  grantKey: string,
): Promise<(SignInRecord & { revokedAt: string | undefined }) | undefined> {
  const [row] = await selectRows<OidcSignInsTable & { revoked_at: string | null }>(db)`
    select s.grant_id, s.identity_id, s.account_id, s.user_id, s.signed_in_at, s.expires_at,
      (select max(u.sessions_revoked_at) from users u
        where u.email_normalized = i.email_normalized and u.registration_status <> 'Unregistered')
        as revoked_at
    from oidc_sign_ins s join identities i on i.id = s.identity_id
    where s.grant_id = ${grantKey}`;
  return (
    row && {
      grantKey: row.grant_id,
      identityId: row.identity_id,
      accountId: row.account_id ?? undefined,
      userId: row.user_id ?? undefined,
      signedInAt: row.signed_in_at,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at ?? undefined,
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
