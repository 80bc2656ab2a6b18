import type { JobKind } from '../../jobs/kinds.js';
import type { DirectoryClient } from '../../directory/types.js';
import type { IdpClient } from '../../directory/oidc/index.js';
import { LdapFailure } from '../../directory/types.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { DomainDeps } from '../deps.js';

/** The `directory-sync` job: one run of one account's sync (src/domain/directory/jobs.ts). */
export const DIRECTORY_SYNC_JOB = 'directory-sync' satisfies JobKind;

/** The `directory-schedule` job: one tick of an account's sync schedule (schedule.ts). */
export const DIRECTORY_SCHEDULE_JOB = 'directory-schedule' satisfies JobKind;

/** A scheduler tick: the account, and the time it was queued for (a stale tick does nothing). */
export interface DirectoryScheduleTick {
  accountId: string;
  due: string;
}

export interface DirectorySyncPayload {
  runId: string;
  accountId: string;
}

/** When runs happen and when they are held; from the configuration (docs/configuration.md). */
export interface DirectorySettings {
  incrementalMinutes: number;
  fullHours: number;
  /** hold a run suspending more than this share (percent) of the account's directory users */
  holdPercent: number;
  /** … or more than this many */
  holdCount: number;
}

export const DEFAULT_DIRECTORY_SETTINGS: DirectorySettings = {
  incrementalMinutes: 10,
  fullHours: 24,
  holdPercent: 10,
  holdCount: 50,
};

/** Sign-in through an organisation's OpenID provider. */
export interface IdpSignInSettings {
  /** `<BELFRY_PUBLIC_URL>`: the redirect URI registered at the IdP is under it */
  publicUrl: string;
  /** BELFRY_IDP_ALLOW_HTTP: http:// issuers beyond loopback (a lab; never production) */
  allowHttpIssuers: boolean;
}

export interface DirectoryDeps extends DomainDeps {
  secrets: SecretBox;
  directoryClient: DirectoryClient;
  directory: DirectorySettings;
  /** how OpenID providers are reached: openid-client unless given */
  idpClient?: IdpClient | undefined;
  idp?: IdpSignInSettings | undefined;
}

/** Stands in until the LDAP client is plugged in: every directory is unreachable. */
export const noDirectoryClient: DirectoryClient = {
  open: () => Promise.reject(new LdapFailure('unreachable', 'no directory client')),
  bindAsUser: () => Promise.reject(new LdapFailure('unreachable', 'no directory client')),
};
