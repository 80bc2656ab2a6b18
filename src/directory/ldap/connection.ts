import { Client } from 'ldapts';
import { LdapFailure, type LdapSettings } from '../types.js';
import { diagnostic, isTransportFailure, ldapCode, tlsProblem } from './errors.js';

export interface ConnectionOptions {
  connectTimeoutMs: number;
  timeoutMs: number;
}

export interface Connected {
  client: Client;
  url: string;
}

/** What went wrong with one URL: the caller goes on to the next one. */
class UrlFailure extends Error {
  constructor(
    readonly url: string,
    readonly tls: boolean,
    message: string,
  ) {
    super(message);
  }
}

function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UrlFailure(url, false, 'not a URL');
  }
  if (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:') {
    throw new UrlFailure(url, false, 'only ldap:// and ldaps:// URLs are supported');
  }
  return parsed;
}

function tlsOptions(settings: LdapSettings, host: string) {
  // Node verifies the certificate against `ca` (or the system's CAs) and `host` (name or IP);
  // StartTLS reuses the socket, so without `host` it would check the name "localhost".
  const ip = /^[\d.]+$|:/.test(host);
  return { ca: settings.caPem, host, ...(ip ? {} : { servername: host }), minVersion: 'TLSv1.2' as const };
}

/** One URL: connect (TLS when asked), then bind; a server's refusal of the bind is rethrown as is. */
async function connectOne(
  url: string,
  settings: LdapSettings,
  options: ConnectionOptions,
  bind: (client: Client, url: string) => Promise<void>,
): Promise<Client> {
  const parsed = parseUrl(url);
  const secure = parsed.protocol === 'ldaps:';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  // ldapts 8 goes TLS whenever tlsOptions is given, even on ldap://: pass it only for ldaps://.
  const client = new Client({
    url: `${parsed.protocol}//${parsed.host}`,
    connectTimeout: options.connectTimeoutMs,
    timeout: settings.timeoutMs ?? options.timeoutMs,
    ...(secure ? { tlsOptions: tlsOptions(settings, host) } : {}),
  });
  try {
    if (settings.startTls && !secure) {
      await client.startTLS(tlsOptions(settings, host)).catch((error: unknown) => {
        throw isTransportFailure(error) && !tlsProblem(error) ? error : startTlsFailure(url, error);
      });
    }
    await bind(client, url);
    return client;
  } catch (error) {
    await client.unbind().catch(() => undefined);
    if (error instanceof UrlFailure || ldapCode(error) !== undefined) throw error;
    const tls = tlsProblem(error);
    if (tls) throw new UrlFailure(url, true, `TLS refused: ${tls}`);
    if (isTransportFailure(error)) throw new UrlFailure(url, false, diagnostic(error));
    throw error;
  }
}

function startTlsFailure(url: string, error: unknown): UrlFailure {
  const why = tlsProblem(error) ?? `the DC refused StartTLS (${diagnostic(error)})`;
  return new UrlFailure(url, true, `StartTLS failed: ${why}`);
}

/**
 * Tries the URLs in order until one connects and binds (failover). A URL that does not answer
 * or whose TLS fails is skipped; an LDAP answer to the bind (refused credentials) ends the
 * attempt at once — the same credentials would be refused by every DC, and retrying them
 * could lock the account out. When no URL answers: `tls` if any refused TLS, else
 * `unreachable`, naming each URL's reason.
 */
export async function connectAndBind(
  settings: LdapSettings,
  options: ConnectionOptions,
  bind: (client: Client, url: string) => Promise<void>,
): Promise<Connected> {
  if (settings.urls.length === 0) throw new LdapFailure('unreachable', 'no directory URL is configured');
  const failures: UrlFailure[] = [];
  for (const url of settings.urls) {
    try {
      return { client: await connectOne(url, settings, options, bind), url };
    } catch (error) {
      if (!(error instanceof UrlFailure)) throw error;
      failures.push(error);
    }
  }
  const reasons = failures.map((f) => `${f.url}: ${f.message}`).join('; ');
  if (failures.some((f) => f.tls))
    throw new LdapFailure('tls', `no directory URL could be used over TLS — ${reasons}`);
  throw new LdapFailure('unreachable', `no directory URL answered — ${reasons}`);
}
