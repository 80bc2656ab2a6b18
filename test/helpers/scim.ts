import assert from 'node:assert/strict';
import { ListUsersCommand, type User } from '@aws-sdk/client-chime';
import type { ScimToken } from '../../src/api/chime/scim-extensions.js';
import { newAccountId } from './accounts.js';
import { domainApi, domainOf, uniqueDomain } from './domains.js';
import type { Credentials, TestServer } from './server.js';
import { signedFetch } from './signed-fetch.js';

export const SCIM_JSON = 'application/scim+json; charset=utf-8';
export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** An EnterpriseLWA account (a new one unless given) holding a fresh domain, verified by the operator's override. */
export async function enterpriseAccount(
  server: TestServer,
  accountId?: string,
  domain = uniqueDomain(),
): Promise<{ accountId: string; domain: string }> {
  accountId ??= await newAccountId(server.client());
  domainOf(await domainApi(server).claim(accountId, domain));
  const verified = await signedFetch(server.url, server.operator, {
    method: 'POST',
    path: `/accounts/${accountId}/domains/${domain}`,
    query: { operation: 'verify' },
    body: { OperatorOverride: true, OverrideReason: 'test domain without public DNS' },
  });
  assert.equal(domainOf(verified).Status, 'Verified');
  return { accountId, domain };
}

/** The SCIM token extension operations over signed requests. */
export function scimTokenApi(server: TestServer, credentials: Credentials = server.operator) {
  const base = (accountId: string) => `/accounts/${encodeURIComponent(accountId)}/scim-tokens`;
  const send = (options: Parameters<typeof signedFetch>[2]) => signedFetch(server.url, credentials, options);
  return {
    create: (accountId: string, name?: string) =>
      send({ method: 'POST', path: base(accountId), body: name === undefined ? {} : { Name: name } }),
    list: (accountId: string) => send({ method: 'GET', path: base(accountId) }),
    revoke: (accountId: string, tokenId: string) =>
      send({ method: 'DELETE', path: `${base(accountId)}/${encodeURIComponent(tokenId)}` }),
  };
}

/** Mints a token through CreateScimToken; answers the token and its id. */
export async function mintToken(
  server: TestServer,
  accountId: string,
  name = 'okta',
): Promise<{ token: string; tokenId: string }> {
  const created = await scimTokenApi(server).create(accountId, name);
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const token = created.json.ScimToken as ScimToken;
  return { token: created.json.Token as string, tokenId: token.TokenId };
}

export interface ScimResponse {
  status: number;
  headers: Headers;
  /** the parsed body; undefined when there is none */
  body: Record<string, any> | undefined;
}

/** An IdP's HTTP client: Bearer token, application/scim+json as Okta and Entra send it. */
export function scimClient(server: TestServer, token: string) {
  async function request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ScimResponse> {
    const response = await fetch(`${server.url}/scim/v2${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/scim+json',
        ...(body !== undefined && { 'content-type': SCIM_JSON }),
        ...headers,
      },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? undefined : JSON.parse(text),
    };
  }
  return {
    request,
    get: (path: string) => request('GET', path),
    post: (path: string, body: unknown) => request('POST', path, body),
    put: (path: string, body: unknown, headers?: Record<string, string>) =>
      request('PUT', path, body, headers),
    patch: (path: string, body: unknown, headers?: Record<string, string>) =>
      request('PATCH', path, body, headers),
    delete: (path: string, headers?: Record<string, string>) => request('DELETE', path, undefined, headers),
  };
}

export type ScimClient = ReturnType<typeof scimClient>;

/** A PatchOp body. */
export const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

/** Asserts an RFC 7644 error body with the status (as a string) and, when given, the scimType. */
export function assertScimError(response: ScimResponse, status: number, scimType?: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.match(response.headers.get('content-type') ?? '', /^application\/scim\+json/);
  assert.deepEqual(response.body?.schemas, [ERROR]);
  assert.equal(response.body?.status, String(status));
  if (scimType !== undefined) assert.equal(response.body?.scimType, scimType);
  assert.equal(typeof response.body?.detail, 'string');
}

/** The account's users by primary email, as ListUsers answers them. */
export async function chimeUsers(server: TestServer, accountId: string): Promise<Map<string, User>> {
  const { Users = [] } = await server.client().send(new ListUsersCommand({ AccountId: accountId }));
  return new Map(Users.map((u) => [u.PrimaryEmail!.toLowerCase(), u]));
}

/** The directory mapping through PutDirectoryGroupTiers (the mapping command's operation). */
export async function mapGroups(
  server: TestServer,
  accountId: string,
  groups: { GroupName: string; Tier?: 'Pro' | 'Basic' }[],
  dryRun = false,
) {
  const response = await signedFetch(server.url, server.operator, {
    method: 'PUT',
    path: `/accounts/${accountId}/directory/groups`,
    body: { Groups: groups, DryRun: dryRun },
  });
  assert.equal(response.status, 200, JSON.stringify(response.json));
  return response.json as { Preview: Record<string, any>; Saved: boolean; RunId?: string };
}
