import type { DirectoryClient } from '../../directory/types.js';
import { LdapFailure } from '../../directory/types.js';
import type { SecretBox } from '../../lib/secret-box.js';
import type { DomainDeps } from '../deps.js';

/** The `directory-sync` job: one run of one account's sync (src/domain/directory/jobs.ts). */
export const DIRECTORY_SYNC_JOB = 'directory-sync';

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

export interface DirectoryDeps extends DomainDeps {
  secrets: SecretBox;
  directoryClient: DirectoryClient;
  directory: DirectorySettings;
}

/** Stands in until the LDAP client is plugged in: every directory is unreachable. */
export const noDirectoryClient: DirectoryClient = {
  open: () => Promise.reject(new LdapFailure('unreachable', 'no directory client')),
  bindAsUser: () => Promise.reject(new LdapFailure('unreachable', 'no directory client')),
};
