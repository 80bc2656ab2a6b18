import { lockAccountById, type AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/database.js';
import { findUserById, type UserRecord } from '../../store/users.js';
import type { DomainDeps } from '../deps.js';
import { conflict, notFound } from '../errors.js';

/** Locks the account for the rest of the transaction; a deleted account takes no user changes. */
export async function activeAccount(
  deps: Pick<DomainDeps, 'dialect'>,
  tx: Db,
  accountId: string,
): Promise<AccountRecord> {
  const account = await lockAccountById(tx, accountId, deps.dialect);
  if (!account) throw notFound(`Account ${accountId} not found`);
  if (account.status !== 'Active') throw conflict(`Account ${accountId} is deleted`);
  return account;
}

/** The user as it is in this transaction; NotFound names the account too. */
export async function existingUser(tx: Db, accountId: string, userId: string): Promise<UserRecord> {
  const user = await findUserById(tx, accountId, userId);
  if (!user) throw notFound(`User ${userId} not found in account ${accountId}`);
  return user;
}
