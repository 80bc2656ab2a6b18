import { hashPassword } from '../src/domain/identities/passwords.js';
import type { Db } from '../src/store/database.js';
import { normalizeEmail, type UserRecord } from '../src/store/users.js';

export const BENCH_PASSWORD = 'bench password, not secret';

/**
 * A confirmed sign-in identity for every seeded member, all with one password (hashed once:
 * argon2id is slow by design), so that the live check and sign-in look people up among as many
 * identities as there are users. Returns the identity id (`sub`) of each user, by user id.
 */
export async function seedIdentities(tx: Db, users: UserRecord[], at: string): Promise<Map<string, string>> {
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const subs = new Map<string, string>();
  const rows = users.map((user, i) => {
    const id = `bench-identity-${i}`;
    subs.set(user.id, id);
    return {
      id,
      email: user.email!,
      email_normalized: normalizeEmail(user.email!),
      password_hash: passwordHash,
      email_verified_at: at,
      pro_trial_ends_at: null,
      created_at: at,
      updated_at: at,
    };
  });
  for (let i = 0; i < rows.length; i += 500)
    await tx
      .insertInto('identities')
      .values(rows.slice(i, i + 500))
      .execute();
  return subs;
}
