import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CreateAccountCommand, type Account, type ChimeClient } from '@aws-sdk/client-chime';
import { newAccountRecord } from '../../src/domain/accounts/rules.js';
import type { AccountRecord, AccountType } from '../../src/store/accounts.js';

/** Eight random hex digits, so names and addresses do not collide within a suite's database. */
export const uniqueSuffix = () => randomUUID().slice(0, 8);

/** An email address no other test in the suite uses. */
export const uniqueEmail = () => `${uniqueSuffix()}@example.com`;

/** Creates a Team account through the API and returns it as the SDK parsed it, id asserted. */
export async function createAccount(
  chime: ChimeClient,
  name = `Account ${uniqueSuffix()}`,
): Promise<Account & { AccountId: string }> {
  const { Account } = await chime.send(new CreateAccountCommand({ Name: name }));
  assert.ok(Account?.AccountId);
  return Account as Account & { AccountId: string };
}

/** Creates a Team account through the API and returns its id. */
export async function newAccountId(chime: ChimeClient, name?: string): Promise<string> {
  return (await createAccount(chime, name)).AccountId;
}

/** An active account as the store writes it, for tests that seed a database without a server. */
export function accountRecord(id: string, type: AccountType = 'Team'): AccountRecord {
  return { ...newAccountRecord(id, `Account ${id}`, new Date().toISOString()), type };
}
