import type { SecretBox } from '../../lib/secret-box.js';
import type { DomainDeps } from '../deps.js';
import type { ConsoleSessionRules } from './rules.js';

/** What the console administrators' area needs beyond the common domain deps. */
export interface AdminDeps extends Pick<DomainDeps, 'db' | 'ids' | 'clock'> {
  /** seals TOTP secrets; derives CSRF tokens and the sign-in device cookie */
  secrets: SecretBox;
  rules: ConsoleSessionRules;
}
