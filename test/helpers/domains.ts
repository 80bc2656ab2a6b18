import assert from 'node:assert/strict';
import type { AccountDomain, DomainReleaseEffect } from '../../src/api/chime/extensions.js';
import { uniqueSuffix } from './accounts.js';
import type { TestDnsServer } from './dns.js';
import type { Credentials, TestServer } from './server.js';
import { signedFetch, type SignedResponse } from './signed-fetch.js';

/** A domain name no other test uses, under the test zone. */
export const uniqueDomain = () => `corp-${uniqueSuffix()}.example`;

/** The claimed-domain extension operations over signed requests, as the CLI and client send them. */
export function domainApi(server: TestServer, credentials: Credentials = server.operator) {
  const base = (accountId: string) => `/accounts/${encodeURIComponent(accountId)}/domains`;
  const one = (accountId: string, name: string) => `${base(accountId)}/${encodeURIComponent(name)}`;
  const send = (options: Parameters<typeof signedFetch>[2]) => signedFetch(server.url, credentials, options);
  return {
    claim: (accountId: string, name: string) =>
      send({ method: 'POST', path: base(accountId), body: { DomainName: name } }),
    list: (accountId: string) => send({ method: 'GET', path: base(accountId) }),
    get: (accountId: string, name: string) => send({ method: 'GET', path: one(accountId, name) }),
    verify: (accountId: string, name: string) =>
      send({ method: 'POST', path: one(accountId, name), query: { operation: 'verify' } }),
    preview: (accountId: string, name: string) =>
      send({ method: 'GET', path: `${one(accountId, name)}/release-preview` }),
    release: (accountId: string, name: string) =>
      send({ method: 'POST', path: one(accountId, name), query: { operation: 'release' } }),
  };
}

export function domainOf(response: SignedResponse): AccountDomain {
  assert.ok(response.status < 300, `${response.status} ${JSON.stringify(response.json)}`);
  return response.json.Domain as AccountDomain;
}

export function effectsOf(response: SignedResponse): DomainReleaseEffect[] {
  assert.equal(response.status, 200, JSON.stringify(response.json));
  return response.json.AffectedUsers as DomainReleaseEffect[];
}

/** Claims the domain for the account, publishes its record and verifies it on demand. */
export async function verifiedDomain(
  server: TestServer,
  dns: TestDnsServer,
  accountId: string,
  name = uniqueDomain(),
): Promise<string> {
  const api = domainApi(server);
  const claimed = domainOf(await api.claim(accountId, name));
  dns.txt.set(claimed.TxtRecordName, [claimed.TxtRecordValue]);
  assert.equal(domainOf(await api.verify(accountId, name)).Status, 'Verified');
  return name;
}

/** Claims the domain for the account and verifies it by the operator's override (no DNS needed). */
export async function overriddenDomain(server: TestServer, accountId: string, name: string): Promise<void> {
  domainOf(await domainApi(server).claim(accountId, name));
  const verified = await signedFetch(server.url, server.operator, {
    method: 'POST',
    path: `/accounts/${accountId}/domains/${name}`,
    query: { operation: 'verify' },
    body: { OperatorOverride: true, OverrideReason: 'e2e' },
  });
  assert.equal(domainOf(verified).Status, 'Verified');
}
