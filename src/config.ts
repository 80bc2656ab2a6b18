import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseCidr } from './lib/ip-ranges.js';

/** Everything Belfry reads from its environment, validated once at start. */
export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** `sqlite:<file>` or a `postgres://` URL; defaults to `<dataDir>/belfry.db`. */
  readonly database:
    | { readonly dialect: 'sqlite'; readonly file: string }
    | {
        readonly dialect: 'postgres';
        readonly url: string;
        /** DATABASE_POOLER=transaction: see TransactionPooler in store/database.ts */
        readonly transactionPooler?: { readonly listenUrl: string | undefined };
      };
  /** 32 bytes given in BELFRY_MASTER_KEY; undefined means "use or create <dataDir>/master.key". */
  readonly masterKey: Buffer | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly bootstrapKey: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  readonly sigv4: { readonly regions: readonly string[] | undefined; readonly maxSkewSeconds: number };
  readonly accountRetentionDays: number;
  readonly jobs: { readonly enabled: boolean; readonly pollMs: number };
  /**
   * Who may tell Belfry the client's address in `X-Forwarded-For`: nobody (`false`), the proxies
   * at these addresses or CIDR ranges, or the given number of proxies in front of Belfry.
   */
  readonly trustProxy: TrustProxy;
  /** the base of links in emails (no trailing slash); `http://<HOST>:<PORT>` unless set */
  readonly publicUrl: string;
  /** days an invitation's accept link works after its email is sent */
  readonly invitationTtlDays: number;
  /** SMTP_URL (may hold a password: never log it); without it, mail is written to <dataDir>/mail */
  readonly mail: { readonly smtpUrl: string | undefined; readonly from: string };
  /** claimed domains: where TXT records are looked up and how often claims are checked */
  readonly domains: {
    /** DNS_SERVERS (`host[:port]`, comma-separated); undefined means the system's resolvers */
    readonly dnsServers: readonly string[] | undefined;
    readonly verificationHours: number;
    readonly pendingCheckMinutes: number;
    readonly recheckHours: number;
  };
  /** Active Directory sync: the schedule, and when a run is held for an administrator */
  readonly directory: {
    readonly incrementalMinutes: number;
    readonly fullHours: number;
    readonly holdPercent: number;
    readonly holdCount: number;
  };
  /** sign-in through an organisation's OpenID provider */
  readonly idp: {
    /** BELFRY_IDP_ALLOW_HTTP: http:// issuers beyond loopback (a lab only: the code exchange is unprotected) */
    readonly allowHttpIssuers: boolean;
  };
  /** app webhooks: the special-purpose ranges (loopback, private…) they may reach all the same */
  readonly webhooks: {
    /** BELFRY_WEBHOOK_ALLOW_PRIVATE: CIDR ranges or addresses; empty means public addresses only */
    readonly allowPrivate: readonly string[];
  };
  /** each SCIM token's request rate (a token bucket per token, per instance) */
  readonly scimRateLimit: { readonly requestsPerSecond: number; readonly burst: number };
  /** each admin principal's request budget (a token bucket), shared out among the live instances */
  readonly apiRateLimit: { readonly requestsPerSecond: number; readonly burst: number };
  /** the administrators' console at /console: how long its sessions and first-administrator links last */
  readonly console: {
    readonly idleMinutes: number;
    readonly sessionHours: number;
    readonly setupLinkHours: number;
  };
  /** Belfry as the apps' OpenID provider: issuer `<publicUrl>/oidc`, token lifetimes in seconds */
  readonly oidc: {
    readonly issuer: string;
    /**
     * Whether BELFRY_PUBLIC_URL set the issuer. Otherwise it follows HOST and PORT, which a CLI
     * run need not share with the server, so the CLI does not name an issuer it only guesses.
     */
    readonly issuerConfigured: boolean;
    readonly accessTokenTtlSeconds: number;
    readonly idTokenTtlSeconds: number;
    readonly refreshTokenTtlSeconds: number;
  };
  /** usage and billing (DESIGN §8): the operator's prices and who may report meetings */
  readonly usage: UsageSettings;
}

/** BELFRY_USAGE_*: Chime's pricing ($3 a day, at most $15 a month per user) unless set. */
export interface UsageSettings {
  readonly dailyPriceCents: number;
  readonly monthlyCapCents: number;
  /** a meeting shorter than this (or with nobody but its host) makes no day billable */
  readonly minimumMinutes: number;
  /** the label reports put on amounts (ISO 4217 code or any short label); amounts are in its cents */
  readonly currency: string;
  /** days after a month has ended (in the account's zone) before it closes for good */
  readonly closeAfterDays: number;
  /** the app clients allowed to report meetings; no other app client may (a chat app cannot bill) */
  readonly reporterClientIds: readonly string[];
}

export type TrustProxy = false | { readonly hops: number } | { readonly proxies: readonly string[] };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

const isPostgresUrl = (url: string) => url.startsWith('postgres://') || url.startsWith('postgresql://');

/**
 * DATABASE_POOLER and DATABASE_LISTEN_URL: whether DATABASE_URL leads to a pooler in transaction
 * mode (PgBouncer's pool_mode = transaction), and the direct address for the one connection that
 * listens for key changes. A session-mode pooler needs nothing (`session`, like `none`).
 */
function withPooler(database: Config['database'], read: Reader, problems: string[]): Config['database'] {
  const pooler = read.oneOf('DATABASE_POOLER', 'none', ['none', 'session', 'transaction'] as const);
  const listenUrl = read.string('DATABASE_LISTEN_URL', '');
  if (listenUrl !== '' && !isPostgresUrl(listenUrl))
    problems.push('DATABASE_LISTEN_URL must be a postgres:// URL (value not shown)');
  if (pooler !== 'transaction') {
    if (listenUrl !== '') problems.push('DATABASE_LISTEN_URL is only for DATABASE_POOLER=transaction');
    return database;
  }
  if (database.dialect !== 'postgres') {
    problems.push('DATABASE_POOLER=transaction needs a postgres:// DATABASE_URL');
    return database;
  }
  return { ...database, transactionPooler: { listenUrl: listenUrl || undefined } };
}

/** Reads the configuration; throws ConfigError listing every problem found, not just the first. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const read = new Reader(env, problems);

  const dataDir = resolve(cwd, read.string('BELFRY_DATA_DIR', './data'));
  const databaseUrl = read.string('DATABASE_URL', '');
  let database: Config['database'] = { dialect: 'sqlite', file: resolve(dataDir, 'belfry.db') };
  if (isPostgresUrl(databaseUrl)) {
    database = { dialect: 'postgres', url: databaseUrl };
  } else if (databaseUrl.startsWith('sqlite:')) {
    database = { dialect: 'sqlite', file: resolve(cwd, databaseUrl.slice('sqlite:'.length)) };
  } else if (databaseUrl !== '') {
    problems.push('DATABASE_URL must be a postgres:// URL or sqlite:<file>');
  }
  database = withPooler(database, read, problems);

  const bootstrapId = read.string('BELFRY_BOOTSTRAP_ACCESS_KEY_ID', '');
  const bootstrapSecret = read.string('BELFRY_BOOTSTRAP_SECRET_ACCESS_KEY', '');
  if ((bootstrapId === '') !== (bootstrapSecret === ''))
    problems.push(
      'BELFRY_BOOTSTRAP_ACCESS_KEY_ID and BELFRY_BOOTSTRAP_SECRET_ACCESS_KEY must be set together',
    );
  if (bootstrapId !== '' && !/^[A-Z0-9]{16,128}$/.test(bootstrapId))
    problems.push('BELFRY_BOOTSTRAP_ACCESS_KEY_ID must be 16-128 upper-case letters and digits');
  if (bootstrapSecret !== '' && bootstrapSecret.length < 20)
    problems.push('BELFRY_BOOTSTRAP_SECRET_ACCESS_KEY must be at least 20 characters');

  const regions = read.string('BELFRY_SIGV4_REGIONS', '');

  const host = read.string('HOST', '127.0.0.1');
  const hostValid = isHost(host);
  if (!hostValid)
    problems.push(`HOST must be an IP address (IPv6 without brackets) or a host name, not "${host}"`);
  const port = read.integer('PORT', 8080, 0, 65535);
  const smtpUrl = read.string('SMTP_URL', '');
  // The URL is not echoed: it may carry the SMTP password.
  if (smtpUrl !== '' && !isUrl(smtpUrl, ['smtp:', 'smtps:']))
    problems.push('SMTP_URL must be smtp://[user:password@]host[:port] or smtps://… (value not shown)');
  const mailFrom = read.string('BELFRY_MAIL_FROM', 'Belfry <no-reply@localhost>');
  if (!isMailbox(mailFrom))
    problems.push(
      `BELFRY_MAIL_FROM must be an address, e.g. "no-reply@example.com" or "Belfry <no-reply@example.com>", not "${mailFrom}"`,
    );
  const givenPublicUrl = read.string('BELFRY_PUBLIC_URL', '');
  const publicUrl = givenPublicUrl || `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (givenPublicUrl !== '') {
    if (!isUrl(givenPublicUrl, ['http:', 'https:']))
      problems.push(`BELFRY_PUBLIC_URL must be an http:// or https:// URL, not "${givenPublicUrl}"`);
  } else if (hostValid && !isUrl(publicUrl, ['http:', 'https:'])) {
    // A valid HOST that makes no URL of its own, such as an IPv6 address with a zone (fe80::1%eth0).
    problems.push(`BELFRY_PUBLIC_URL must be set: HOST "${host}" does not make a URL of its own`);
  }

  const dnsServers = read.list('DNS_SERVERS');
  for (const server of dnsServers)
    if (!isDnsServer(server))
      problems.push(`DNS_SERVERS must list IP[:port] entries (IPv6 as [addr]:port), not "${server}"`);

  const allowPrivate = read.list('BELFRY_WEBHOOK_ALLOW_PRIVATE');
  for (const range of allowPrivate)
    if (parseCidr(range) === undefined)
      problems.push(
        `BELFRY_WEBHOOK_ALLOW_PRIVATE must list CIDR ranges or addresses (e.g. 10.0.0.0/8,fd00::/8), not "${range}"`,
      );

  const config: Config = {
    host,
    port,
    dataDir,
    database,
    masterKey: read.masterKey('BELFRY_MASTER_KEY'),
    logLevel: read.oneOf('LOG_LEVEL', 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ] as const),
    bootstrapKey: bootstrapId ? { accessKeyId: bootstrapId, secretAccessKey: bootstrapSecret } : undefined,
    sigv4: {
      regions: regions
        ? regions
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean)
        : undefined,
      maxSkewSeconds: read.integer('BELFRY_SIGV4_MAX_SKEW_SECONDS', 900, 1, 86400),
    },
    accountRetentionDays: read.integer('BELFRY_ACCOUNT_RETENTION_DAYS', 90, 1, 3650),
    jobs: {
      enabled: read.boolean('BELFRY_JOBS', true),
      pollMs: read.integer('BELFRY_JOBS_POLL_MS', 1000, 10, 600000),
    },
    trustProxy: readTrustProxy(read.string('BELFRY_TRUST_PROXY', ''), problems),
    publicUrl: publicUrl.replace(/\/+$/, ''),
    invitationTtlDays: read.integer('BELFRY_INVITATION_TTL_DAYS', 14, 1, 365),
    mail: { smtpUrl: smtpUrl === '' ? undefined : smtpUrl, from: mailFrom },
    domains: {
      dnsServers: dnsServers.length > 0 ? dnsServers : undefined,
      verificationHours: read.integer('BELFRY_DOMAIN_VERIFICATION_HOURS', 72, 1, 720),
      pendingCheckMinutes: read.integer('BELFRY_DOMAIN_CHECK_MINUTES', 10, 1, 1440),
      recheckHours: read.integer('BELFRY_DOMAIN_RECHECK_HOURS', 24, 1, 720),
    },
    directory: {
      incrementalMinutes: read.integer('BELFRY_DIRECTORY_INCREMENTAL_MINUTES', 10, 1, 1440),
      fullHours: read.integer('BELFRY_DIRECTORY_FULL_HOURS', 24, 1, 720),
      holdPercent: read.integer('BELFRY_DIRECTORY_HOLD_PERCENT', 10, 0, 100),
      holdCount: read.integer('BELFRY_DIRECTORY_HOLD_COUNT', 50, 0, 1_000_000),
    },
    idp: { allowHttpIssuers: read.boolean('BELFRY_IDP_ALLOW_HTTP', false) },
    webhooks: { allowPrivate },
    scimRateLimit: {
      requestsPerSecond: read.integer('BELFRY_SCIM_RATE_PER_SECOND', 50, 1, 1_000_000),
      burst: read.integer('BELFRY_SCIM_BURST', 200, 1, 10_000_000),
    },
    apiRateLimit: {
      requestsPerSecond: read.integer('BELFRY_API_REQUESTS_PER_SECOND', 100, 1, 1_000_000),
      burst: read.integer('BELFRY_API_BURST', 1000, 1, 10_000_000),
    },
    console: {
      idleMinutes: read.integer('BELFRY_CONSOLE_IDLE_MINUTES', 30, 1, 1440),
      sessionHours: read.integer('BELFRY_CONSOLE_SESSION_HOURS', 12, 1, 720),
      setupLinkHours: read.integer('BELFRY_CONSOLE_SETUP_LINK_HOURS', 24, 1, 720),
    },
    oidc: {
      issuer: `${publicUrl.replace(/\/+$/, '')}/oidc`,
      issuerConfigured: givenPublicUrl !== '',
      accessTokenTtlSeconds: read.integer('BELFRY_OIDC_ACCESS_TOKEN_TTL_SECONDS', 3600, 60, 86400),
      idTokenTtlSeconds: read.integer('BELFRY_OIDC_ID_TOKEN_TTL_SECONDS', 3600, 60, 86400),
      refreshTokenTtlSeconds: read.integer(
        'BELFRY_OIDC_REFRESH_TOKEN_TTL_SECONDS',
        30 * 86400,
        300,
        365 * 86400,
      ),
    },
    usage: readUsage(read, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function readUsage(read: Reader, problems: string[]): UsageSettings {
  const currency = read.string('BELFRY_USAGE_CURRENCY', 'USD');
  if (!/^[A-Za-z$€£¥]{1,8}$/.test(currency))
    problems.push(`BELFRY_USAGE_CURRENCY must be 1-8 letters or a currency sign, not "${currency}"`);
  return {
    dailyPriceCents: read.integer('BELFRY_USAGE_DAILY_PRICE_CENTS', 300, 0, 100_000_000),
    monthlyCapCents: read.integer('BELFRY_USAGE_MONTHLY_CAP_CENTS', 1500, 0, 1_000_000_000),
    minimumMinutes: read.integer('BELFRY_USAGE_MINIMUM_MINUTES', 0, 0, 1440),
    currency,
    closeAfterDays: read.integer('BELFRY_USAGE_CLOSE_AFTER_DAYS', 3, 0, 60),
    reporterClientIds: read.list('BELFRY_USAGE_REPORTER_CLIENTS'),
  };
}

/** The names proxy-addr (Fastify's trustProxy) knows for whole ranges of addresses. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * BELFRY_TRUST_PROXY: proxies' addresses or CIDR ranges (comma-separated), or a hop count. A
 * switch (`true`) is refused: it would believe any client's X-Forwarded-For, so whoever sends
 * their own header chooses the address the sign-in limits, mail budget and audit trail see.
 * `false`, `no` and `off` still mean "no proxy", as they did.
 */
function readTrustProxy(raw: string, problems: string[]): TrustProxy {
  const value = raw.trim().toLowerCase();
  if (['', 'false', 'no', 'off'].includes(value)) return false;
  if (/^\d{1,2}$/.test(value)) return Number(value) === 0 ? false : { hops: Number(value) };
  if (['true', 'yes', 'on'].includes(value)) {
    problems.push(
      `BELFRY_TRUST_PROXY no longer takes "${raw}": that believed any client's X-Forwarded-For. Write your proxies' addresses or CIDR ranges, comma-separated (e.g. BELFRY_TRUST_PROXY=127.0.0.1 or 10.0.0.0/8,2001:db8::/32), or the number of proxies in front of Belfry (e.g. BELFRY_TRUST_PROXY=1)`,
    );
    return false;
  }
  const proxies = value.split(',').map((entry) => entry.trim());
  const wrong = proxies.filter((entry) => !isProxyRange(entry));
  if (wrong.length > 0) {
    problems.push(
      `BELFRY_TRUST_PROXY must list IP addresses or CIDR ranges (e.g. 10.0.0.0/8), comma-separated, or be a hop count from 0 to 99; "${wrong.join('", "')}" is neither`,
    );
    return false;
  }
  return { proxies };
}

function isProxyRange(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** An IP address with an optional port, as `Resolver.setServers` takes it (no host names). */
function isDnsServer(value: string): boolean {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)|([0-9a-fA-F:]+))(?::(\d{1,5}))?$/.exec(value);
  if (!match) return false;
  const port = match[4] === undefined ? 53 : Number(match[4]);
  if (match[3] !== undefined && match[4] !== undefined) return false;
  return isIP(match[1] ?? match[2] ?? match[3] ?? '') !== 0 && port >= 1 && port <= 65535;
}

/** An IP address or a host name (letters, digits, hyphens and, as container names have, underscores). */
function isHost(value: string): boolean {
  const label = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
  const name = new RegExp(`^${label}(?:\\.${label})*\\.?$`);
  return isIP(value) !== 0 || (value.length <= 253 && name.test(value));
}

/**
 * `local@domain` or `Name <local@domain>`: enough to catch a typo like "@" or a missing domain
 * before the first email fails. The mail server has the last word on the address itself.
 */
function isMailbox(value: string): boolean {
  const address =
    /^[^\s@<>()[\],;:\\"]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)*$/u;
  const named = /^[^<>\r\n]*<([^<>]*)>$/.exec(value);
  return address.test(named ? named[1]! : value);
}

function isUrl(value: string, protocols: string[]): boolean {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  string(name: string, fallback: string): string {
    const v = this.env[name];
    return v === undefined || v === '' ? fallback : v;
  }

  /** A comma-separated list, entries trimmed, empty ones dropped. */
  list(name: string): string[] {
    return this.string(name, '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    // Plain decimal digits only: Number() would also take " 80", "0x50", "8080.0" and "1e3".
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, not "${raw}"`);
      return fallback;
    }
    return n;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.env[name]?.toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (also 1/0, yes/no, on/off), not "${this.env[name]}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, values: readonly T[]): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if ((values as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${values.join(', ')}, not "${raw}"`);
    return fallback;
  }

  masterKey(name: string): Buffer | undefined {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return undefined;
    const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
    if (key.length !== 32) {
      this.problems.push(`${name} must be 32 bytes, as 64 hex digits or base64 (never printed here)`);
      return undefined;
    }
    return key;
  }
}

/**
 * Reads `.env` from the working directory when there is one. Variables already set in the
 * environment win, so a deployment's own settings are never overridden by a stray file.
 */
export function loadDotEnv(cwd = process.cwd()): void {
  const file = resolve(cwd, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}
