import { findAccountById } from '../../store/accounts.js';
import { findDirectoryIdOfUser, findLastChangeOfUser, listGroupTiers } from '../../store/directories.js';
import { findUserByEmail, findUserById } from '../../store/users.js';
import { findLastScimChangeOfUser } from '../../store/scim.js';
import type { Db } from '../../store/database.js';
import { notFound } from '../errors.js';
import type { Explanation } from './contract.js';
import { loadStoredUser, readSourceOf } from './stored-read.js';
import { chainText, createTierResolver } from './tiers.js';

/**
 * Why a user has their tier or cannot sign in, from the last applied read (not the live
 * directory), the mapping and the last run item that changed them.
 */
export async function explainUser(db: Db, accountId: string, userIdOrEmail: string): Promise<Explanation> {
  const account = await findAccountById(db, accountId);
  if (!account) throw notFound(`Account ${accountId} not found`);
  const user = userIdOrEmail.includes('@')
    ? await findUserByEmail(db, accountId, userIdOrEmail)
    : await findUserById(db, accountId, userIdOrEmail);
  if (!user) throw notFound(`User ${userIdOrEmail} not found in account ${accountId}`);
  const mapping = await listGroupTiers(db, accountId);
  const guid = await findDirectoryIdOfUser(db, accountId, user.id);
  const source = await readSourceOf(db, account);
  const stored =
    guid === undefined || source === undefined
      ? undefined
      : await loadStoredUser(db, accountId, guid, source);
  const lastChange = await findLastChangeOfUser(db, accountId, user.id);
  const base = { accountId, userId: user.id, email: user.email, mapping, lastChange };
  if (!stored)
    return {
      ...base,
      inDirectory: false,
      disabled: false,
      tier: null,
      canSignIn: false,
      chains: [],
      summary: `${user.email ?? user.id} is not in the last directory read${guid ? ' (gone from the directory, or out of the filter)' : ' (not a directory user)'}, so cannot sign in with the directory.`,
    };
  const { entry, groups } = stored;
  const derived = createTierResolver(groups, mapping, account.defaultLicense).derive(entry);
  const disabled = (entry.userAccountControl & 0x2) !== 0;
  const canSignIn = !disabled && derived.tier !== null;
  const why = disabled
    ? source === 'scim'
      ? 'is deactivated in the identity provider (SCIM active is false) and cannot sign in'
      : `is disabled in the directory (userAccountControl ${entry.userAccountControl} has bit 2) and cannot sign in`
    : derived.tier === null
      ? 'is in no group mapped to a tier and cannot sign in'
      : `is ${derived.tier}: ${derived.chains.map((c) => `${chainText(c)} → ${c.tier}`).join('; ')}`;
  const scimChange = source === 'scim' ? await findLastScimChangeOfUser(db, accountId, user.id) : undefined;
  // a SCIM request newer than the last run is what set them last
  const last =
    scimChange && (!lastChange || scimChange.at >= lastChange.at)
      ? ` Last changed over SCIM by ${scimChange.by} at ${scimChange.at} (${scimChange.action ?? scimChange.operation}: ${scimChange.reason ?? ''}).`
      : lastChange
        ? ` Last changed by run ${lastChange.runId} (${lastChange.action}: ${lastChange.reason}).`
        : '';
  return {
    ...base,
    inDirectory: true,
    disabled,
    tier: canSignIn ? derived.tier : null,
    canSignIn,
    chains: derived.chains,
    summary: `${user.email ?? user.id} ${why}.${last}`,
  };
}
