import type { AccountDomain, DomainReleaseEffect } from '../api/chime/extensions.js';
import { signRequest, type Credentials } from './sigv4.js';

export type { AccountDomain, Credentials, DomainReleaseEffect };

/** An error answer of Belfry: the HTTP status, the Chime error type and code, and the request id. */
export class BelfryApiError extends Error {
  override readonly name = 'BelfryApiError';
  constructor(
    readonly status: number,
    readonly errorType: string | undefined,
    readonly code: string | undefined,
    message: string,
    readonly requestId: string | undefined,
  ) {
    super(message);
  }
}

export interface BelfryClientOptions {
  /** where Belfry answers, e.g. `https://belfry.example.com` */
  endpoint: string;
  credentials: Credentials;
  /** any region Belfry accepts (BELFRY_SIGV4_REGIONS); `us-east-1` by default */
  region?: string;
}

export interface DomainRelease {
  Domain: AccountDomain;
  AffectedUsers: DomainReleaseEffect[];
}

/**
 * Belfry's own operations for scripts, signed like the AWS SDK signs Chime calls (the Chime
 * operations themselves are best called with `@aws-sdk/client-chime`). No dependencies beyond
 * Node 20: `fetch` and `node:crypto`.
 *
 * ```ts
 * import { BelfryClient } from './belfry/src/client/index.ts'; // run with tsx, or from the built output
 * const belfry = new BelfryClient({ endpoint, credentials: { accessKeyId, secretAccessKey } });
 * const { TxtRecordName, TxtRecordValue } = await belfry.claimDomain(accountId, 'example.com');
 * ```
 */
export class BelfryClient {
  constructor(private readonly options: BelfryClientOptions) {}

  /** Claims a domain; publish `TxtRecordValue` as a TXT record at `TxtRecordName`. */
  async claimDomain(accountId: string, domainName: string): Promise<AccountDomain> {
    return (
      await this.send<{ Domain: AccountDomain }>('POST', domains(accountId), {}, { DomainName: domainName })
    ).Domain;
  }

  async listDomains(accountId: string): Promise<AccountDomain[]> {
    return (await this.send<{ Domains: AccountDomain[] }>('GET', domains(accountId))).Domains;
  }

  async getDomain(accountId: string, domainName: string): Promise<AccountDomain> {
    return (await this.send<{ Domain: AccountDomain }>('GET', domain(accountId, domainName))).Domain;
  }

  /**
   * Looks the TXT record up now rather than at the next periodic check. With `operatorOverride`
   * (an installation FullAccess key), verifies the domain by hand where Belfry cannot reach DNS;
   * the reason is kept with the domain and in the audit trail.
   */
  async verifyDomain(
    accountId: string,
    domainName: string,
    options: { operatorOverride?: { reason: string } } = {},
  ): Promise<AccountDomain> {
    const path = domain(accountId, domainName);
    const body = options.operatorOverride && {
      OperatorOverride: true,
      OverrideReason: options.operatorOverride.reason,
    };
    return (await this.send<{ Domain: AccountDomain }>('POST', path, { operation: 'verify' }, body)).Domain;
  }

  /** The users a release would change, and how; changes nothing. */
  async previewDomainRelease(accountId: string, domainName: string): Promise<DomainRelease> {
    return this.send<DomainRelease>('GET', `${domain(accountId, domainName)}/release-preview`);
  }

  async releaseDomain(accountId: string, domainName: string): Promise<DomainRelease> {
    return this.send<DomainRelease>('POST', domain(accountId, domainName), { operation: 'release' });
  }

  private async send<T>(
    method: string,
    path: string,
    query: Record<string, string> = {},
    body?: unknown,
  ): Promise<T> {
    const url = new URL(path, this.options.endpoint.replace(/\/+$/, '') + '/');
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers = signRequest({
      method,
      url,
      body: text,
      credentials: this.options.credentials,
      region: this.options.region ?? 'us-east-1',
      now: new Date(),
    });
    const response = await fetch(url, {
      method,
      headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: text }),
    });
    const answer = await response.text();
    const json = answer === '' ? {} : (JSON.parse(answer) as Record<string, unknown>);
    if (!response.ok)
      throw new BelfryApiError(
        response.status,
        response.headers.get('x-amzn-errortype') ?? undefined,
        typeof json.Code === 'string' ? json.Code : undefined,
        typeof json.Message === 'string' ? json.Message : response.statusText,
        response.headers.get('x-amzn-requestid') ?? undefined,
      );
    return json as T;
  }
}

/** Paths relative to the endpoint, labels percent-encoded. */
const domains = (accountId: string) => `accounts/${encodeURIComponent(accountId)}/domains`;
const domain = (accountId: string, name: string) => `${domains(accountId)}/${encodeURIComponent(name)}`;
