import { sql, type Kysely } from 'kysely';

// Frozen once landed: later changes go in new migrations. No application imports here.

/**
 * The provider's rows were keyed by the tokens, codes and cookie values themselves; they are now
 * kept under a keyed hash with sealed payloads. The rows stored in clear are revoked (deleted),
 * not rewritten: a migration has no master key to hash with, and a rewrite would leave every
 * clear copy (a backup, a freed database page) still usable, where revoking makes them all dead.
 * People sign in to their apps again; an app's refresh answers invalid_grant until they do.
 * The app sign-ins go too: they were keyed by grant ids in clear and vouch only for those tokens.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from oidc_models`.execute(db);
  await sql`delete from oidc_sign_ins`.execute(db);
}

/** Nothing to undo: the revoked rows cannot be recovered, and signing in again makes new ones. */
export async function down(): Promise<void> {}
