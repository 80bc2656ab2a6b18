import type { Actor } from '../access/actor.js';
import type { AccountType, License } from '../../store/accounts.js';

/**
 * The directory area's interface, as the API adapters, the CLI and the sign-in path see it.
 * `service.ts` implements it; nothing here returns a secret (the bind password is sealed at rest
 * and never leaves the domain).
 */

/** What `directory connect --type ad` gives. */
export interface ConnectDirectoryInput {
  type: 'ad';
  urls: string[];
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  userFilter?: string | undefined;
  caPem?: string | undefined;
  startTls?: boolean | undefined;
}

/**
 * What `directory connect --type oidc` gives: the organisation's OpenID provider (Okta, Entra),
 * with Belfry registered at it as a confidential client. The secret is sealed at rest.
 */
export interface ConnectOidcInput {
  type: 'oidc';
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** the ID token claim that lists the person's groups; `groups` when not given */
  groupsClaim?: string | undefined;
}

export type ConnectInput = ConnectDirectoryInput | ConnectOidcInput;

/** An IdP connection as shown to administrators (never the client secret). */
export interface OidcConnectionView {
  accountId: string;
  type: 'oidc';
  issuer: string;
  clientId: string;
  /** undefined: the IdP sends no groups claim, and provisioned groups decide */
  groupsClaim: string | undefined;
  /** what to register at the IdP as the redirect URI */
  redirectUri: string;
  groups: GroupTier[];
  /** SCIM tokens that still work: while any does, the account stays EnterpriseOIDC */
  liveScimTokens: number;
  connectedAt: string;
  updatedAt: string;
}

export type ConnectionView = DirectoryConnectionView | OidcConnectionView;

/** What a disconnect left: the account's type now, and why it stayed a directory account if it did. */
export interface DisconnectOutcome {
  accountId: string;
  accountType: AccountType;
  reason: string | undefined;
}

/** `directory test` of an IdP connection: discovery, and what it found. */
export interface OidcTestReport {
  type: 'oidc';
  ok: boolean;
  issuer: string;
  /** the issuer answered discovery as an OpenID provider */
  discovered: boolean;
  scopesSupported: string[] | undefined;
  redirectUri: string;
  groups: GroupTier[];
  problems: string[];
}

/** A connection as shown to administrators (never the password). */
export interface DirectoryConnectionView {
  accountId: string;
  type: 'ad';
  urls: string[];
  bindDn: string;
  baseDn: string;
  userFilter: string;
  startTls: boolean;
  /** a CA was given (its subject, for the admin to recognise it) */
  caSubject: string | undefined;
  groups: GroupTier[];
  connectedAt: string;
  updatedAt: string;
  /** the schedule: when the next incremental and full runs are due */
  nextIncrementalAt: string | undefined;
  nextFullAt: string | undefined;
  lastRun: RunSummary | undefined;
  /** a held run waits for approve/reject; scheduled runs only report meanwhile */
  heldRunId: string | undefined;
}

/** `directory test`: each check and what it found, in words. */
export interface DirectoryTestReport {
  type: 'ad';
  ok: boolean;
  /** the URL that answered, and those that did not with why */
  reached: string | undefined;
  unreachable: { url: string; reason: string }[];
  bound: boolean;
  usersFound: number | undefined;
  groups: { groupName: string; tier: License | undefined; found: boolean; members: number | undefined }[];
  /** sentences, one per problem; empty when ok */
  problems: string[];
}

/** A sign-in delegate group and the tier it gives (undefined: the account's DefaultLicense). */
export interface GroupTier {
  groupName: string;
  tier: 'Pro' | 'Basic' | undefined;
}

/** What a mapping change would do, computed from the last applied directory read. */
export interface TierPreview {
  /** users whose tier changes (Pro ↔ Basic) */
  tierChanges: number;
  /** users who may sign in now and would not */
  loseSignIn: number;
  /** users who may not sign in now and would */
  gainSignIn: number;
  /** up to 50 examples: who, from, to */
  examples: {
    userId: string | undefined;
    email: string | undefined;
    from: License | null;
    to: License | null;
  }[];
}

export type RunKind = 'full' | 'incremental';
export type RunTrigger = 'schedule' | 'demand' | 'mapping';
export type RunStatus =
  'queued' | 'running' | 'applied' | 'dry' | 'held' | 'failed' | 'approved' | 'rejected';

export interface RunCounts {
  created: number;
  tierChanged: number;
  suspended: number;
  restored: number;
  updated: number;
  skipped: number;
  unchanged: number;
}

export interface RunSummary {
  runId: string;
  accountId: string;
  kind: RunKind;
  /** asked for full but ran incremental, or the reverse, and why (DC or invocationId changed) */
  kindReason: string | undefined;
  trigger: RunTrigger;
  dryRun: boolean;
  status: RunStatus;
  /** failed: what went wrong; held: why it is held; rejected/approved: by whom */
  reason: string | undefined;
  counts: RunCounts;
  createdAt: string;
  startedAt: string | undefined;
  finishedAt: string | undefined;
  decidedBy: string | undefined;
  decidedAt: string | undefined;
}

export type RunAction = 'create' | 'tier' | 'suspend' | 'restore' | 'update' | 'skip';

/** One line of a run's report. `reason` is a sentence naming the group path, UAC bit or domain. */
export interface RunItem {
  action: RunAction;
  guid: string;
  userId: string | undefined;
  email: string | undefined;
  from: string | undefined;
  to: string | undefined;
  reason: string;
}

export interface RunReport extends RunSummary {
  items: RunItem[];
}

/** `directory explain`: why a user has their tier or cannot sign in. */
export interface Explanation {
  accountId: string;
  userId: string | undefined;
  email: string | undefined;
  inDirectory: boolean;
  disabled: boolean;
  tier: License | null;
  canSignIn: boolean;
  /** each chain that reaches a mapped group, user first: ['alice', 'engineering', 'chime-pro'] */
  chains: { path: string[]; groupName: string; tier: License }[];
  mapping: GroupTier[];
  lastChange: { runId: string; action: RunAction; at: string; reason: string } | undefined;
  /** one paragraph for a person */
  summary: string;
}

/**
 * What an AD sign-in answered. `not_directory`: the address is not a directory account's, and
 * the Belfry password decides. Otherwise the directory decided: the person is signed in as
 * `email` (their membership already brought up to date with live group membership), or refused
 * with a code the sign-in gate shows.
 */
export type DirectorySignInOutcome =
  | { kind: 'not_directory' }
  | { kind: 'signed_in'; email: string; accountId: string; userId: string }
  | {
      kind: 'refused';
      code:
        | 'wrong_credentials'
        | 'disabled'
        | 'account_expired'
        | 'password_expired'
        | 'must_change_password'
        | 'locked_out'
        | 'logon_restricted'
        | 'no_tier'
        | 'directory_unavailable'
        // an address of an IdP-connected account: it signs in through the IdP, not with a password
        | 'use_identity_provider'
        // the IdP signed the person in, but Belfry has no member for them and may not create one
        | 'not_provisioned'
        // the IdP said no (error=access_denied…) or its answer failed a check (state, token)
        | 'idp_refused';
      /** a sentence for the person */
      message: string;
      /** whether this counts as a failed password for the throttle (a wrong password does; an outage does not) */
      countsAsFailure: boolean;
    };

/** A directory's decision on a person: signed in, or refused with a code and a sentence. */
export type DirectoryDecision = Exclude<DirectorySignInOutcome, { kind: 'not_directory' }>;

/**
 * An IdP sign-in under way: where to send the browser, and what it carries back (sealed, a
 * cookie of the browser that started); or refused at once (the IdP cannot be reached).
 */
export type IdpSignInStart =
  | { kind: 'redirect'; url: string; transaction: string }
  | Extract<DirectorySignInOutcome, { kind: 'refused' }>;

/** The IdP's answer at the callback, decided. */
export type IdpSignInOutcome = DirectoryDecision & {
  /** the app sign-in (interaction uid) this continues, if any */
  resume: string | undefined;
};

export interface DirectoryService {
  connect(actor: Actor, accountId: string, input: ConnectInput): Promise<ConnectionView>;
  get(actor: Actor, accountId: string): Promise<ConnectionView>;
  test(actor: Actor, accountId: string): Promise<DirectoryTestReport | OidcTestReport>;
  disconnect(actor: Actor, accountId: string): Promise<DisconnectOutcome>;
  /** Replaces the mapping; with `dryRun` only previews. A saved change queues a sync. */
  setGroupTiers(
    actor: Actor,
    accountId: string,
    groups: GroupTier[],
    options: { dryRun: boolean },
  ): Promise<{ preview: TierPreview; saved: boolean; runId: string | undefined }>;
  /** Queues a run (a job) and answers it as queued. */
  startSync(
    actor: Actor,
    accountId: string,
    options: { full: boolean; dryRun: boolean },
  ): Promise<RunSummary>;
  listRuns(
    actor: Actor,
    accountId: string,
    paging: { maxResults?: number | undefined; nextToken?: string | undefined },
  ): Promise<{ runs: RunSummary[]; nextToken: string | undefined }>;
  getRun(actor: Actor, runId: string): Promise<RunReport>;
  approveRun(actor: Actor, runId: string): Promise<RunSummary>;
  rejectRun(actor: Actor, runId: string): Promise<RunSummary>;
  explain(actor: Actor, accountId: string, userIdOrEmail: string): Promise<Explanation>;
  /** AD sign-in (item 7): finds the person with the service account, binds as them. */
  signIn(email: string, password: string): Promise<DirectorySignInOutcome>;
  /**
   * IdP sign-in, first half: for an address of an IdP-connected account, the provider's
   * authorization URL; undefined for any other address (the password decides). `resume` is the
   * app sign-in to continue afterwards.
   */
  startIdpSignIn(email: string, resume: string | undefined): Promise<IdpSignInStart | undefined>;
  /** IdP sign-in, second half: the query the provider sent the browser back with, and the transaction. */
  finishIdpSignIn(transaction: string | undefined, query: URLSearchParams): Promise<IdpSignInOutcome>;
}
