import assert from 'node:assert/strict';
import { GetAccountCommand, ListUsersCommand, type User } from '@aws-sdk/client-chime';
import { newAccountId } from './accounts.js';
import { domainApi, domainOf } from './domains.js';
import { realm } from './samba.js';
import type { TestServer } from './server.js';
import { signedFetch } from './signed-fetch.js';

/**
 * A new account holding the Samba domain's mail domain (verified by the operator's override: the
 * test DC has no public DNS), so EnterpriseLWA, ready to connect. One account per database can
 * hold it.
 */
export async function enterpriseAccountForRealm(server: TestServer): Promise<string> {
  const accountId = await newAccountId(server.client());
  domainOf(await domainApi(server).claim(accountId, realm));
  const verified = await signedFetch(server.url, server.operator, {
    method: 'POST',
    path: `/accounts/${accountId}/domains/${realm}`,
    query: { operation: 'verify' },
    body: { OperatorOverride: true, OverrideReason: 'the test DC has no public DNS' },
  });
  assert.equal(domainOf(verified).Status, 'Verified');
  assert.equal(await accountType(server, accountId), 'EnterpriseLWA');
  return accountId;
}

export async function accountType(server: TestServer, accountId: string): Promise<string | undefined> {
  return (await server.client().send(new GetAccountCommand({ AccountId: accountId }))).Account?.AccountType;
}

/** The account's users by primary email, as ListUsers answers them. */
export async function usersByEmail(server: TestServer, accountId: string): Promise<Map<string, User>> {
  const { Users = [] } = await server.client().send(new ListUsersCommand({ AccountId: accountId }));
  return new Map(Users.map((u) => [u.PrimaryEmail!, u]));
}
