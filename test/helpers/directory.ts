import assert from 'node:assert/strict';
import type { DirectoryRun } from '../../src/api/chime/directory-extensions.js';
import type { SambaDc } from './samba.js';
import type { Credentials, TestServer } from './server.js';
import { signedFetch, type SignedResponse } from './signed-fetch.js';

/** The Active Directory extension operations over signed requests, as the SDK would send them. */
export function directoryApi(server: TestServer, credentials: Credentials = server.operator) {
  const base = (accountId: string) => `/accounts/${encodeURIComponent(accountId)}/directory`;
  const run = (runId: string) => `/directory-runs/${encodeURIComponent(runId)}`;
  const send = (options: Parameters<typeof signedFetch>[2]) => signedFetch(server.url, credentials, options);
  return {
    connect: (accountId: string, body: Record<string, unknown>) =>
      send({ method: 'PUT', path: base(accountId), body }),
    get: (accountId: string) => send({ method: 'GET', path: base(accountId) }),
    disconnect: (accountId: string) => send({ method: 'DELETE', path: base(accountId) }),
    test: (accountId: string) =>
      send({ method: 'POST', path: base(accountId), query: { operation: 'test' } }),
    groups: (accountId: string, groups: { GroupName: string; Tier?: string }[], dryRun = false) =>
      send({ method: 'PUT', path: `${base(accountId)}/groups`, body: { Groups: groups, DryRun: dryRun } }),
    sync: (accountId: string, options: { Full?: boolean; DryRun?: boolean } = {}) =>
      send({ method: 'POST', path: `${base(accountId)}/runs`, body: options }),
    runs: (accountId: string, query: Record<string, string> = {}) =>
      send({ method: 'GET', path: `${base(accountId)}/runs`, query }),
    run: (runId: string) => send({ method: 'GET', path: run(runId) }),
    approve: (runId: string) => send({ method: 'POST', path: run(runId), query: { operation: 'approve' } }),
    reject: (runId: string) => send({ method: 'POST', path: run(runId), query: { operation: 'reject' } }),
    explain: (accountId: string, user: string) =>
      send({ method: 'GET', path: `${base(accountId)}/explain`, query: { user } }),
  };
}

/** The body of a 2xx answer, or a failed assertion naming the status and the error. */
export function ok(response: SignedResponse): any {
  assert.ok(response.status < 300, `${response.status} ${response.errorType}: ${response.text}`);
  return response.json;
}

/** ConnectDirectory's body for a Samba DC over LDAPS with its test CA. */
export function connectionTo(dc: SambaDc, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Type: 'ActiveDirectory',
    Urls: [dc.tlsUrl],
    BindDn: dc.bindDn,
    BindPassword: dc.bindPassword,
    BaseDn: dc.baseDn,
    CaPem: dc.caPem,
    ...overrides,
  };
}

/** Starts a run through the API, runs the server's due jobs, and answers the run's report. */
export async function syncNow(
  server: TestServer,
  accountId: string,
  options: { Full?: boolean; DryRun?: boolean } = {},
): Promise<DirectoryRun> {
  const api = directoryApi(server);
  const started = await api.sync(accountId, options);
  assert.equal(started.status, 201, started.text);
  const runId = (started.json.Run as DirectoryRun).RunId;
  await server.runJobs();
  return ok(await api.run(runId)).Run as DirectoryRun;
}
