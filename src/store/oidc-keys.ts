import type { Db } from './database.js';
import { selectRows } from './direct-reads.js';
import type { OidcSigningKeysTable } from './schema.js';

/** `active` signs; `published` only verifies (still in the JWKS); `retired` is gone. */
export type SigningKeyState = 'active' | 'published' | 'retired';

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  state: SigningKeyState;
  privateJwkSealed: string;
  createdAt: string;
  updatedAt: string;
}

function toRecord(row: OidcSigningKeysTable): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    state: row.state as SigningKeyState,
    privateJwkSealed: row.private_jwk_sealed,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertSigningKey(db: Db, key: SigningKeyRecord): Promise<void> {
  await db
    .insertInto('oidc_signing_keys')
    .values({
      kid: key.kid,
      alg: key.alg,
      state: key.state,
      private_jwk_sealed: key.privateJwkSealed,
      created_at: key.createdAt,
      updated_at: key.updatedAt,
    })
    .execute();
}

/** Every key, newest first (retired ones too, for listing). */
export async function listSigningKeys(db: Db): Promise<SigningKeyRecord[]> {
  const rows = await db
    .selectFrom('oidc_signing_keys')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('kid', 'desc')
    .execute();
  return rows.map(toRecord);
}

/**
 * What the published key set is made of, without the sealed keys: cheap enough to read on every
 * provider request, so a rotation made elsewhere (the CLI, another server) is seen at once.
 */
export async function signingKeyVersion(db: Db): Promise<string> {
  const rows = await selectRows<{ kid: string; state: string }>(db)`
    select kid, state from oidc_signing_keys where state <> 'retired' order by kid`;
  return rows.map((r) => `${r.kid}:${r.state}`).join(',');
}

export async function setSigningKeyState(
  db: Db,
  kid: string,
  from: SigningKeyState[],
  to: SigningKeyState,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('oidc_signing_keys')
    .set({ state: to, updated_at: at })
    .where('kid', '=', kid)
    .where('state', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
