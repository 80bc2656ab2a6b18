import type { ColumnType, Generated } from 'kysely';

/**
 * Table types shared by SQLite and PostgreSQL. Timestamps are ISO 8601 UTC strings with
 * milliseconds (they sort as text on both dialects); flags are 0/1 integers because SQLite has no
 * boolean and better-sqlite3 binds none; lists are JSON text.
 */
export interface Database {
  installation: InstallationTable;
  admin_principals: AdminPrincipalsTable;
  access_keys: AccessKeysTable;
  accounts: AccountsTable;
  signin_delegate_groups: SigninDelegateGroupsTable;
  users: UsersTable & DirectoryIdColumn;
  invites: InvitesTable;
  audit_events: AuditEventsTable;
  jobs: JobsTable;
  phone_numbers: PhoneNumbersTable;
  phone_number_orders: PhoneNumberOrdersTable;
  phone_number_order_items: PhoneNumberOrderItemsTable;
  identities: IdentitiesTable;
  identity_tokens: IdentityTokensTable;
  signin_throttles: SigninThrottlesTable;
  browser_sessions: BrowserSessionsTable;
  oidc_models: OidcModelsTable;
  oidc_clients: OidcClientsTable;
  oidc_signing_keys: OidcSigningKeysTable;
  oidc_sign_ins: OidcSignInsTable;
  app_webhooks: AppWebhooksTable;
  claimed_domains: ClaimedDomainsTable;
  api_instances: ApiInstancesTable;
  console_admins: ConsoleAdminsTable;
  console_sessions: ConsoleSessionsTable;
  console_setup_tokens: ConsoleSetupTokensTable;
  directory_connections: DirectoryConnectionsTable;
  scim_tokens: ScimTokensTable;
  scim_users: ScimUsersTable;
  scim_groups: ScimGroupsTable;
  scim_group_members: ScimGroupMembersTable;
  idp_connections: IdpConnectionsTable;
  directory_users: DirectoryEntriesTable;
  directory_groups: DirectoryEntriesTable;
  directory_runs: DirectoryRunsTable;
  directory_run_items: DirectoryRunItemsTable;
  pro_periods: ProPeriodsTable;
  meeting_reports: MeetingReportsTable;
  account_billing: AccountBillingTable;
  usage_months: UsageMonthsTable;
  usage_adjustments: UsageAdjustmentsTable;
}

export interface InstallationTable {
  key: string;
  value: string;
}

export interface AdminPrincipalsTable {
  id: string;
  name: string;
  policy: string;
  account_id: string | null;
  created_at: string;
}

export interface AccessKeysTable {
  access_key_id: string;
  principal_id: string;
  secret_sealed: string;
  created_at: string;
  last_used_at: string | null;
}

export interface AccountsTable {
  id: string;
  name: string;
  account_type: string;
  account_status: string;
  default_license: string;
  supported_licenses: string;
  disable_remote_control: number | null;
  enable_dial_out: number | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  purge_after: string | null;
}

export interface SigninDelegateGroupsTable {
  account_id: string;
  group_name: string;
  /** 'Pro' | 'Basic'; null: the account's DefaultLicense (0015) */
  tier: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: string;
}

export interface UsersTable {
  id: string;
  account_id: string;
  email: string | null;
  email_normalized: string | null;
  display_name: string | null;
  license: string;
  user_type: string;
  registration_status: string;
  invitation_status: string | null;
  registered_on: string | null;
  invited_on: string | null;
  personal_pin: string;
  alexa_enabled: number;
  alexa_room_arn: string | null;
  primary_provisioned_number: string | null;
  telephony_inbound: number;
  telephony_outbound: number;
  telephony_sms: number;
  sessions_revoked_at: string | null;
  removed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface InvitesTable {
  id: string;
  account_id: string;
  user_id: string;
  email: string;
  status: string;
  email_status: string;
  created_at: string;
  updated_at: string;
  /** SHA-256 (hex) of the accept link's token; the raw token exists only in the email */
  token_hash: string | null;
  token_expires_at: string | null;
  token_used_at: string | null;
  /** when a later invitation of the same user replaced this one (its link no longer works) */
  superseded_at: string | null;
  email_sent_at: string | null;
  email_attempts: Generated<number>;
  email_last_error: string | null;
}

export interface AuditEventsTable {
  id: string;
  account_id: string | null;
  principal_id: string | null;
  principal: string;
  operation: string;
  target_type: string | null;
  target_id: string | null;
  user_id: string | null;
  request_id: string;
  source_ip: string | null;
  outcome: string;
  error_code: string | null;
  details: string | null;
  occurred_at: string;
}

export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  account_id: string | null;
  status: string;
  run_at: string;
  attempts: Generated<number>;
  max_attempts: number;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface PhoneNumbersTable {
  id: string;
  country: string;
  number_type: string;
  product_type: string;
  status: string;
  calling_name: string | null;
  calling_name_status: string;
  calling_name_updated_at: string | null;
  account_id: string | null;
  user_id: string | null;
  associated_at: string | null;
  order_id: string | null;
  source: string;
  deleted_at: string | null;
  release_after: string | null;
  created_at: string;
  updated_at: string;
}

export interface PhoneNumberOrdersTable {
  id: string;
  product_type: string;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface PhoneNumberOrderItemsTable {
  order_id: string;
  e164: string;
  status: string;
  reason: string | null;
}

/** An end user's sign-in identity, one per address across the installation. */
export interface IdentitiesTable {
  id: string;
  email: string;
  email_normalized: string;
  password_hash: string;
  email_verified_at: string | null;
  pro_trial_ends_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface IdentityTokensTable {
  token_hash: string;
  identity_id: string;
  purpose: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface SigninThrottlesTable {
  key: string;
  failures: number;
  window_started_at: string;
}

export interface BrowserSessionsTable {
  id_hash: string;
  identity_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

/**
 * What oidc-provider persists, one row per (model, id); see migration 0006. Since 0011 `id`,
 * `grant_id`, `uid` and `user_code` hold keyed hashes and `payload` is sealed.
 */
export interface OidcModelsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  expires_at: string | null;
  consumed_at: string | null;
}

export interface OidcClientsTable {
  id: string;
  name: string;
  secret_sealed: string;
  /** JSON array of strings */
  redirect_uris: string;
  /** JSON array of strings */
  post_logout_redirect_uris: string;
  token_endpoint_auth_method: string;
  /** the algorithm its ID tokens are signed with (migration 0021) */
  id_token_signing_alg: string;
  created_at: string;
}

export interface OidcSigningKeysTable {
  kid: string;
  alg: string;
  state: string;
  private_jwk_sealed: string;
  created_at: string;
  updated_at: string;
}

export interface OidcSignInsTable {
  /** since migration 0011, the keyed hash of the grant's id */
  grant_id: string;
  identity_id: string;
  account_id: string | null;
  user_id: string | null;
  signed_in_at: string;
  expires_at: string;
}

/** Where an app receives entitlement changes; see migration 0007. */
export interface AppWebhooksTable {
  client_id: string;
  url: string;
  secret_sealed: string;
  created_at: string;
  updated_at: string;
}

/** An email domain an account claimed; see migration 0008. */
export interface ClaimedDomainsTable {
  id: string;
  account_id: string;
  domain_name: string;
  status: string;
  txt_record_name: string;
  txt_record_value: string;
  verification_deadline: string;
  verified_at: string | null;
  record_missing_since: string | null;
  last_checked_at: string | null;
  last_check_result: string | null;
  next_check_at: string | null;
  /** 'DnsRecord' | 'OperatorOverride' once verified (0013) */
  verified_by: string | null;
  override_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface ApiInstancesTable {
  id: string;
  seen_at: string;
}

/** A person who signs in to the console; see migration 0016. */
export interface ConsoleAdminsTable {
  id: string;
  principal_id: string;
  email: string;
  email_normalized: string;
  password_hash: string;
  totp_secret_sealed: string | null;
  totp_last_step: number | null;
  created_at: string;
  updated_at: string;
  last_signed_in_at: string | null;
}

export interface ConsoleSessionsTable {
  id_hash: string;
  admin_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface ConsoleSetupTokensTable {
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** An account's Active Directory connection; see migration 0015. */
export interface DirectoryConnectionsTable {
  account_id: string;
  type: string;
  /** JSON array of URLs, tried in order */
  urls: string;
  bind_dn: string;
  bind_password_sealed: string;
  base_dn: string;
  user_filter: string | null;
  ca_pem: string | null;
  ca_subject: string | null;
  start_tls: number;
  /** the DC, invocationId and highestCommittedUSN of the last applied read */
  sync_url: string | null;
  sync_invocation_id: string | null;
  sync_highest_usn: string | null;
  next_incremental_at: string | null;
  next_full_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One user or group of the last applied directory read; `entry` is its JSON. */
export interface DirectoryEntriesTable {
  account_id: string;
  guid: string;
  dn: string;
  entry: string;
}

export interface DirectoryRunsTable {
  id: string;
  account_id: string;
  kind: string;
  kind_reason: string | null;
  trigger: string;
  dry_run: number;
  status: string;
  reason: string | null;
  /** JSON RunCounts */
  counts: string;
  /** JSON of what a held run read, so approving it applies exactly that */
  read_snapshot: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
}

export interface DirectoryRunItemsTable {
  run_id: string;
  seq: number;
  account_id: string;
  action: string;
  guid: string;
  user_id: string | null;
  email: string | null;
  from_value: string | null;
  to_value: string | null;
  reason: string;
}

/**
 * The directory's objectGUID of a directory user (0015), kept out of UsersTable so the member
 * rows of src/store/users.ts need not carry it; read and written by src/store/directories.ts.
 */
export interface DirectoryIdColumn {
  directory_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A SCIM bearer token (0017): only its SHA-256 is kept. */
export interface ScimTokensTable {
  id: string;
  account_id: string;
  name: string;
  token_hash: string;
  /** the audit label of who minted it */
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A SCIM User as the IdP last sent it (0017); `resource` is its JSON without id and meta. */
export interface ScimUsersTable {
  id: string;
  account_id: string;
  user_name: string;
  user_name_key: string;
  external_id: string | null;
  email_key: string | null;
  active: number;
  resource: string;
  version: number;
  created_at: string;
  updated_at: string;
}

/** A SCIM Group (0017); `resource` is its JSON without id, meta and members. */
export interface ScimGroupsTable {
  id: string;
  account_id: string;
  display_name: string;
  display_name_key: string;
  external_id: string | null;
  resource: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ScimGroupMembersTable {
  group_id: string;
  user_id: string;
}

/** An account's OpenID provider for sign-in (0017); the client secret is sealed. */
export interface IdpConnectionsTable {
  account_id: string;
  issuer: string;
  client_id: string;
  client_secret_sealed: string;
  groups_claim: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * A stretch in which a user was a billable Pro member of the account (0018), written by triggers on
 * `users` and `accounts`, never by the application; `ended_at` null while it runs.
 */
export interface ProPeriodsTable {
  account_id: string;
  user_id: string;
  started_at: string;
  ended_at: string | null;
}

/** A hosted meeting as last reported (0019); keyed by the reporting client and its meeting id. */
export interface MeetingReportsTable {
  client_id: string;
  meeting_id: string;
  account_id: string;
  user_id: string;
  identity_id: string;
  started_at: string;
  ended_at: string | null;
  attendees: number;
  first_reported_at: string;
  reported_at: string;
}

/** An account's billing time zone (0019); none means UTC. */
export interface AccountBillingTable {
  account_id: string;
  time_zone: string;
  updated_at: string;
}

/** An account's month with usage (0019): open, or closed with its bill frozen in `snapshot` (JSON). */
export interface UsageMonthsTable {
  account_id: string;
  month: string;
  closes_at: string;
  closed_at: string | null;
  time_zone: string | null;
  total_cents: number | null;
  snapshot: string | null;
}

/** What late reports changed in a closed month, carried by a later open month (0019). */
export interface UsageAdjustmentsTable {
  id: string;
  account_id: string;
  month: string;
  for_month: string;
  user_id: string;
  cents: number;
  details: string;
  created_at: string;
}
