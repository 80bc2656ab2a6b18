import type { Db, Dialect } from '../../store/database.js';
import { findDomain, type DomainRecord } from '../../store/domains.js';
import { notFound } from '../errors.js';
import { normalizeDomainName } from './names.js';

/** The account's claim, which must exist; the name is normalised first so `Acme.Example.` finds it. */
export async function existingDomain(
  tx: Db,
  accountId: string,
  name: string,
  lock?: Dialect,
): Promise<DomainRecord> {
  const domain = await findDomain(tx, accountId, normalizeDomainName(name), lock);
  if (!domain) throw notFound(`Domain ${name} is not claimed by account ${accountId}`);
  return domain;
}
