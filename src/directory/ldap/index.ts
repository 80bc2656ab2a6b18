import type { Client } from 'ldapts';
import { LdapFailure, type DirectoryClient, type LdapSettings, type UserBindOutcome } from '../types.js';
import { describeSubCode, refusalReason } from './ad-codes.js';
import { connectAndBind, type ConnectionOptions } from './connection.js';
import { diagnostic, ldapCode, resultCode } from './errors.js';
import { openSession } from './session.js';

export { defaultUserFilter } from './session.js';

export interface LdapClientOptions {
  /** per URL, before failing over to the next (default 5 s) */
  connectTimeoutMs?: number;
  /** per operation, when the settings give none (default 30 s) */
  timeoutMs?: number;
  /** paged-results page size, at most AD's MaxPageSize of 1,000 (the default) */
  pageSize?: number;
}

const maxPageSize = 1000;

function encryptionRequired(url: string, error: unknown): LdapFailure {
  return new LdapFailure(
    'bind_refused',
    `${url}: the DC refuses a simple bind over an unencrypted connection (${diagnostic(error)}): ` +
      'use an ldaps:// URL or --start-tls',
  );
}

/** The service account's bind; every refusal is `bind_refused`, with AD's sub-code explained. */
async function serviceBind(client: Client, settings: LdapSettings, url: string): Promise<void> {
  // An empty password would be an anonymous bind, which "succeeds".
  if (settings.bindPassword === '') throw new LdapFailure('bind_refused', 'no bind password is configured');
  try {
    await client.bind(settings.bindDn, settings.bindPassword);
  } catch (error) {
    const code = ldapCode(error);
    if (code === undefined) throw error;
    if (code === resultCode.strongAuthRequired) throw encryptionRequired(url, error);
    const sub = describeSubCode(diagnostic(error));
    const why =
      code === resultCode.invalidCredentials
        ? 'the bind DN or password was refused'
        : `the bind was refused (${diagnostic(error)})`;
    throw new LdapFailure('bind_refused', `${url}: ${why} for ${settings.bindDn}${sub ? ` (${sub})` : ''}`);
  }
}

/** The LDAP client of Belfry's directory area, on ldapts. */
export function createLdapClient(options: LdapClientOptions = {}): DirectoryClient {
  const connection: ConnectionOptions = {
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    timeoutMs: options.timeoutMs ?? 30_000,
  };
  const pageSize = Math.min(options.pageSize ?? maxPageSize, maxPageSize);

  return {
    async open(settings) {
      const connected = await connectAndBind(settings, connection, (client, url) =>
        serviceBind(client, settings, url),
      );
      try {
        return await openSession(connected, settings, pageSize);
      } catch (error) {
        await connected.client.unbind().catch(() => undefined);
        throw error;
      }
    },

    async bindAsUser(settings, userDn, password): Promise<UserBindOutcome> {
      if (password === '') return { ok: false, reason: 'wrong_password' };
      if (userDn.trim() === '') return { ok: false, reason: 'no_such_user' };
      let outcome: UserBindOutcome = { ok: true };
      const connected = await connectAndBind(settings, connection, async (client, url) => {
        try {
          await client.bind(userDn, password);
        } catch (error) {
          const code = ldapCode(error);
          if (code === undefined) throw error;
          if (code === resultCode.strongAuthRequired) throw encryptionRequired(url, error);
          if (code !== resultCode.invalidCredentials)
            throw new LdapFailure('protocol', `${url}: the bind of ${userDn} failed: ${diagnostic(error)}`);
          outcome = { ok: false, reason: refusalReason(diagnostic(error)) };
        }
      });
      await connected.client.unbind().catch(() => undefined);
      return outcome;
    },
  };
}
