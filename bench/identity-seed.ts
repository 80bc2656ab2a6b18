/**
 * The password of every seeded member's identity (test/helpers/population.ts gives each member a
 * confirmed identity, all with this one password, hashed once: argon2id is slow by design).
 */
export const BENCH_PASSWORD = 'bench password, not secret';
