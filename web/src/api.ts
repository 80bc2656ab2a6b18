/**
 * The console calls Belfry's Chime operations themselves (the same routes an SDK signs), with
 * the session cookie and, on every change, the session's CSRF token in X-Belfry-Csrf.
 */
let csrfToken: string | undefined;

export interface Administrator {
  Email: string;
  Policy: 'FullAccess' | 'UserManagement' | 'ReadOnly';
  AccountId: string | null;
}

export interface SessionView {
  Administrator: Administrator;
  CsrfToken: string;
}

/** An error as the API answered it: its Chime code and its sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-belfry-csrf'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'Network', 'Belfry could not be reached. Check your connection and try again.');
  }
  const text = await response.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/console/api/'))
      window.dispatchEvent(new Event('belfry:signed-out'));
    throw new ApiError(
      response.status,
      String(json.Code ?? response.status),
      String(json.Message ?? response.statusText),
    );
  }
  if (typeof json.CsrfToken === 'string') csrfToken = json.CsrfToken;
  return json as T;
}

export const session = {
  current: () => call<SessionView>('GET', '/console/api/session'),
  signIn: (Email: string, Password: string, TotpCode: string) =>
    call<SessionView>('POST', '/console/api/session', { Email, Password, TotpCode }),
  signOut: async () => {
    await call('DELETE', '/console/api/session');
    csrfToken = undefined;
  },
  setUp: (Token: string, Email: string, Password: string) =>
    call<SessionView>('POST', '/console/api/setup', { Token, Email, Password }),
};

export interface Account {
  AccountId: string;
  Name: string;
  AccountType: string;
  DefaultLicense?: string;
  AccountStatus?: string;
  CreatedTimestamp?: string;
}

export interface User {
  UserId: string;
  PrimaryEmail?: string;
  DisplayName?: string;
  LicenseType?: string;
  UserRegistrationStatus?: string;
  UserInvitationStatus?: string;
  RegisteredOn?: string;
  InvitedOn?: string;
  PersonalPIN?: string;
  PrimaryProvisionedNumber?: string;
}

export interface UserError {
  UserId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

const account = (id: string) => `/accounts/${encodeURIComponent(id)}`;

export const chime = {
  listAccounts: () => call<{ Accounts: Account[] }>('GET', '/accounts?max-results=200'),
  getAccount: (id: string) => call<{ Account: Account }>('GET', account(id)),
  createAccount: (Name: string) => call<{ Account: Account }>('POST', '/accounts', { Name }),
  renameAccount: (id: string, Name: string) => call<{ Account: Account }>('POST', account(id), { Name }),
  deleteAccount: (id: string) => call('DELETE', account(id)),
  listDisabledAccounts: () => call<{ Accounts: Account[] }>('GET', '/disabled-accounts?max-results=100'),
  restoreAccount: (id: string) => call<{ Account: Account }>('POST', `${account(id)}?operation=restore`),
  listUsers: (id: string, query: { email?: string; nextToken?: string; maxResults: number }) => {
    const q = new URLSearchParams({ 'max-results': String(query.maxResults) });
    if (query.email) q.set('user-email', query.email);
    if (query.nextToken) q.set('next-token', query.nextToken);
    return call<{ Users: User[]; NextToken?: string }>('GET', `${account(id)}/users?${q}`);
  },
  getUser: (id: string, userId: string) =>
    call<{ User: User }>('GET', `${account(id)}/users/${encodeURIComponent(userId)}`),
  inviteUsers: (id: string, UserEmailList: string[]) =>
    call<{ Invites: unknown[] }>('POST', `${account(id)}/users?operation=add`, { UserEmailList }),
  assignPermissions: (id: string, userIds: string[], LicenseType: 'Pro' | 'Basic') =>
    call<{ UserErrors: UserError[] }>('POST', `${account(id)}/users`, {
      UpdateUserRequestItems: userIds.map((UserId) => ({ UserId, LicenseType })),
    }),
  suspend: (id: string, UserIdList: string[]) =>
    call<{ UserErrors: UserError[] }>('POST', `${account(id)}/users?operation=suspend`, { UserIdList }),
  unsuspend: (id: string, UserIdList: string[]) =>
    call<{ UserErrors: UserError[] }>('POST', `${account(id)}/users?operation=unsuspend`, { UserIdList }),
  logOut: (id: string, userId: string) =>
    call('POST', `${account(id)}/users/${encodeURIComponent(userId)}?operation=logout`),
  resetPin: (id: string, userId: string) =>
    call<{ User: User }>(
      'POST',
      `${account(id)}/users/${encodeURIComponent(userId)}?operation=reset-personal-pin`,
    ),
};
