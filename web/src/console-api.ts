/**
 * The operations the account overview, settings, app clients and audit log pages call: Chime's
 * account settings and Belfry's extension operations, through the same `call` (session cookie,
 * CSRF header, Chime errors) as the rest of the console.
 */
import { call, type User } from './api.js';

export type RegistrationStatus = 'Registered' | 'Unregistered' | 'Suspended';
export type License = 'Pro' | 'Basic' | 'Plus' | 'ProTrial';

export interface UserCount {
  UserRegistrationStatus: RegistrationStatus;
  LicenseType: License;
  Count: number;
}

export interface AccountDomain {
  DomainName: string;
  Status: 'PendingVerification' | 'Verified' | 'RecordMissing' | 'Failed';
  TxtRecordName: string;
  TxtRecordValue: string;
}

export interface DirectoryConnection {
  Type: string;
  Urls: string[];
  Groups: { GroupName: string; Tier?: 'Pro' | 'Basic' }[];
}

export interface AccountSettings {
  DisableRemoteControl?: boolean;
  EnableDialOut?: boolean;
}

export interface AppClient {
  ClientId: string;
  ClientSecret?: string;
  Name: string;
  RedirectUris: string[];
  PostLogoutRedirectUris: string[];
  TokenEndpointAuthMethod: string;
  CreatedTimestamp: string;
}

export interface AppWebhook {
  ClientId: string;
  Url: string;
  SigningSecret?: string;
  CreatedTimestamp: string;
  UpdatedTimestamp: string;
}

export interface AuditEvent {
  EventId: string;
  EventTime: string;
  AccountId?: string;
  Operation: string;
  Outcome: 'Success' | 'Failure';
  ErrorCode?: string;
  Principal: string;
  TargetType?: string;
  TargetId?: string;
  UserId?: string;
  RequestId: string;
  SourceIpAddress?: string;
  Details?: Record<string, unknown>;
}

export interface UserQuery {
  email?: string;
  status?: RegistrationStatus;
  license?: License;
  nextToken?: string;
  maxResults: number;
}

export interface AuditQuery {
  principal?: string;
  operation?: string;
  userId?: string;
  startTime?: string;
  endTime?: string;
  nextToken?: string;
  maxResults: number;
}

const account = (id: string) => `/accounts/${encodeURIComponent(id)}`;
const client = (id: string) => `/app-clients/${encodeURIComponent(id)}`;

/** A query string of the given parameters, the empty ones left out. */
function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  return q.toString();
}

export const belfry = {
  /** ListUsers with Chime's email filter and Belfry's status and tier filters. */
  listUsers: (id: string, q: UserQuery) =>
    call<{ Users: User[]; NextToken?: string }>(
      'GET',
      `${account(id)}/users?${query({
        'max-results': q.maxResults,
        'user-email': q.email,
        'user-registration-status': q.status,
        'license-type': q.license,
        'next-token': q.nextToken,
      })}`,
    ),
  userCounts: (id: string) => call<{ UserCounts: UserCount[] }>('GET', `${account(id)}/user-counts`),
  listDomains: (id: string) => call<{ Domains: AccountDomain[] }>('GET', `${account(id)}/domains`),
  getDirectory: (id: string) => call<{ Directory: DirectoryConnection }>('GET', `${account(id)}/directory`),

  getSettings: (id: string) => call<{ AccountSettings: AccountSettings }>('GET', `${account(id)}/settings`),
  updateSettings: (id: string, AccountSettings: AccountSettings) =>
    call('PUT', `${account(id)}/settings`, { AccountSettings }),

  listAppClients: () => call<{ AppClients: AppClient[] }>('GET', '/app-clients'),
  createAppClient: (input: { Name: string; RedirectUris: string[]; TokenEndpointAuthMethod?: string }) =>
    call<{ AppClient: AppClient }>('POST', '/app-clients', input),
  deleteAppClient: (id: string) => call('DELETE', client(id)),
  getWebhook: (id: string) => call<{ Webhook: AppWebhook }>('GET', `${client(id)}/webhook`),
  putWebhook: (id: string, Url: string) =>
    call<{ Webhook: AppWebhook }>('PUT', `${client(id)}/webhook`, { Url }),
  deleteWebhook: (id: string) => call('DELETE', `${client(id)}/webhook`),

  /** An account's trail (ListAuditEvents), or, with no account, every account's and the installation's. */
  listAuditEvents: (id: string | undefined, q: AuditQuery) =>
    call<AuditPage>(
      'GET',
      `${id === undefined ? '' : account(id)}/audit-events?${query({
        ...(id === undefined && { scope: 'All' }),
        'max-results': q.maxResults,
        principal: q.principal,
        'operation-name': q.operation,
        'user-id': q.userId,
        'start-time': q.startTime,
        'end-time': q.endTime,
        'next-token': q.nextToken,
      })}`,
    ),
};

export type AuditPage = { AuditEvents: AuditEvent[]; NextToken?: string };

/** Every page of a listing, one call after another (an export of what the filters match). */
export async function allPages<T>(
  page: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken?: string | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const next = await page(token);
    all.push(...next.items);
    token = next.nextToken;
  } while (token !== undefined);
  return all;
}
