import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

const CWD = '/srv/belfry';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, CWD);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const config = loadConfig({}, CWD);
    assert.deepEqual(config, {
      host: '127.0.0.1',
      port: 8080,
      dataDir: '/srv/belfry/data',
      database: { dialect: 'sqlite', file: '/srv/belfry/data/belfry.db' },
      masterKey: undefined,
      logLevel: 'info',
      bootstrapKey: undefined,
      sigv4: { regions: undefined, maxSkewSeconds: 900 },
      accountRetentionDays: 90,
      jobs: { enabled: true, pollMs: 1000 },
      trustProxy: false,
      publicUrl: 'http://127.0.0.1:8080',
      invitationTtlDays: 14,
      mail: { smtpUrl: undefined, from: 'Belfry <no-reply@localhost>' },
      scimRateLimit: { requestsPerSecond: 50, burst: 200 },
      apiRateLimit: { requestsPerSecond: 100, burst: 1000 },
      console: { idleMinutes: 30, sessionHours: 12, setupLinkHours: 24 },
      oidc: {
        issuer: 'http://127.0.0.1:8080/oidc',
        issuerConfigured: false,
        accessTokenTtlSeconds: 3600,
        idTokenTtlSeconds: 3600,
        refreshTokenTtlSeconds: 30 * 86400,
      },
      domains: { dnsServers: undefined, verificationHours: 72, pendingCheckMinutes: 10, recheckHours: 24 },
      directory: { incrementalMinutes: 10, fullHours: 24, holdPercent: 10, holdCount: 50 },
      idp: { allowHttpIssuers: false },
      webhooks: { allowPrivate: [] },
      usage: {
        dailyPriceCents: 300,
        monthlyCapCents: 1500,
        minimumMinutes: 0,
        currency: 'USD',
        closeAfterDays: 3,
        reporterClientIds: [],
      },
    });
    assert.ok(Object.isFrozen(config));
  });

  it('reads the DNS servers of domain checks as IP[:port] entries', () => {
    const config = loadConfig(
      { DNS_SERVERS: '127.0.0.1:5353, [::1]:53,9.9.9.9', BELFRY_DOMAIN_VERIFICATION_HOURS: '24' },
      CWD,
    );
    assert.deepEqual(config.domains.dnsServers, ['127.0.0.1:5353', '[::1]:53', '9.9.9.9']);
    assert.equal(config.domains.verificationHours, 24);
    assert.deepEqual(
      problemsOf({ DNS_SERVERS: 'dns.example,127.0.0.1:0', BELFRY_DOMAIN_CHECK_MINUTES: '0' }),
      [
        'DNS_SERVERS must list IP[:port] entries (IPv6 as [addr]:port), not "dns.example"',
        'DNS_SERVERS must list IP[:port] entries (IPv6 as [addr]:port), not "127.0.0.1:0"',
        'BELFRY_DOMAIN_CHECK_MINUTES must be an integer from 1 to 1440, not "0"',
      ],
    );
  });

  it("reads the operator's billing settings, Chime's prices unless set", () => {
    const config = loadConfig(
      {
        BELFRY_USAGE_DAILY_PRICE_CENTS: '250',
        BELFRY_USAGE_REPORTER_CLIENTS: 'meetings-1, meetings-2',
        BELFRY_USAGE_CURRENCY: 'EUR',
      },
      CWD,
    );
    assert.equal(config.usage.dailyPriceCents, 250);
    assert.equal(config.usage.monthlyCapCents, 1500);
    assert.deepEqual(config.usage.reporterClientIds, ['meetings-1', 'meetings-2']);
    assert.equal(config.usage.currency, 'EUR');
    assert.deepEqual(
      problemsOf({ BELFRY_USAGE_CLOSE_AFTER_DAYS: '-1', BELFRY_USAGE_CURRENCY: 'US dollars' }),
      [
        'BELFRY_USAGE_CURRENCY must be 1-8 letters or a currency sign, not "US dollars"',
        'BELFRY_USAGE_CLOSE_AFTER_DAYS must be an integer from 0 to 60, not "-1"',
      ],
    );
  });

  it('reads the ranges webhooks may reach beyond public addresses, and refuses what is no range', () => {
    assert.deepEqual(loadConfig({}, CWD).webhooks.allowPrivate, []);
    const config = loadConfig({ BELFRY_WEBHOOK_ALLOW_PRIVATE: '10.0.0.0/8, fd00::/8,127.0.0.2' }, CWD);
    assert.deepEqual(config.webhooks.allowPrivate, ['10.0.0.0/8', 'fd00::/8', '127.0.0.2']);
    assert.deepEqual(problemsOf({ BELFRY_WEBHOOK_ALLOW_PRIVATE: '10.0.0.0/33,intranet' }), [
      'BELFRY_WEBHOOK_ALLOW_PRIVATE must list CIDR ranges or addresses (e.g. 10.0.0.0/8,fd00::/8), not "10.0.0.0/33"',
      'BELFRY_WEBHOOK_ALLOW_PRIVATE must list CIDR ranges or addresses (e.g. 10.0.0.0/8,fd00::/8), not "intranet"',
    ]);
  });

  it('derives the OpenID issuer from the public URL and reads the token lifetimes', () => {
    const config = loadConfig(
      {
        BELFRY_PUBLIC_URL: 'https://belfry.example.com/',
        BELFRY_OIDC_ACCESS_TOKEN_TTL_SECONDS: '600',
        BELFRY_OIDC_ID_TOKEN_TTL_SECONDS: '900',
        BELFRY_OIDC_REFRESH_TOKEN_TTL_SECONDS: '86400',
      },
      CWD,
    );
    assert.deepEqual(config.oidc, {
      issuer: 'https://belfry.example.com/oidc',
      issuerConfigured: true,
      accessTokenTtlSeconds: 600,
      idTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 86400,
    });
    assert.deepEqual(
      problemsOf({
        BELFRY_OIDC_ACCESS_TOKEN_TTL_SECONDS: '10',
        BELFRY_OIDC_REFRESH_TOKEN_TTL_SECONDS: 'forever',
      }),
      [
        'BELFRY_OIDC_ACCESS_TOKEN_TTL_SECONDS must be an integer from 60 to 86400, not "10"',
        'BELFRY_OIDC_REFRESH_TOKEN_TTL_SECONDS must be an integer from 300 to 31536000, not "forever"',
      ],
    );
  });

  it('treats empty variables as unset', () => {
    assert.deepEqual(loadConfig({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '' }, CWD), loadConfig({}, CWD));
  });

  it('reads every setting', () => {
    const config = loadConfig(
      {
        HOST: '0.0.0.0',
        PORT: '9000',
        BELFRY_DATA_DIR: '/var/lib/belfry',
        LOG_LEVEL: 'debug',
        BELFRY_SIGV4_REGIONS: 'us-east-1, eu-west-1,',
        BELFRY_SIGV4_MAX_SKEW_SECONDS: '300',
        BELFRY_API_REQUESTS_PER_SECOND: '20',
        BELFRY_API_BURST: '50',
        BELFRY_ACCOUNT_RETENTION_DAYS: '30',
        BELFRY_JOBS: 'off',
        BELFRY_JOBS_POLL_MS: '250',
        BELFRY_TRUST_PROXY: '10.0.0.0/8, 192.0.2.1',
        BELFRY_BOOTSTRAP_ACCESS_KEY_ID: 'BKIABOOTSTRAP0000001',
        BELFRY_BOOTSTRAP_SECRET_ACCESS_KEY: 'a-secret-of-twenty-chars',
      },
      CWD,
    );
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.port, 9000);
    assert.deepEqual(config.database, { dialect: 'sqlite', file: '/var/lib/belfry/belfry.db' });
    assert.equal(config.logLevel, 'debug');
    assert.deepEqual(config.sigv4, { regions: ['us-east-1', 'eu-west-1'], maxSkewSeconds: 300 });
    assert.deepEqual(config.apiRateLimit, { requestsPerSecond: 20, burst: 50 });
    assert.equal(config.accountRetentionDays, 30);
    assert.deepEqual(config.jobs, { enabled: false, pollMs: 250 });
    assert.deepEqual(config.trustProxy, { proxies: ['10.0.0.0/8', '192.0.2.1'] });
    assert.deepEqual(config.bootstrapKey, {
      accessKeyId: 'BKIABOOTSTRAP0000001',
      secretAccessKey: 'a-secret-of-twenty-chars',
    });
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      PORT: '70000',
      DATABASE_URL: 'mysql://db/belfry',
      LOG_LEVEL: 'loud',
      BELFRY_JOBS: 'maybe',
      BELFRY_SIGV4_MAX_SKEW_SECONDS: '1.5',
      BELFRY_MASTER_KEY: 'too-short',
      BELFRY_BOOTSTRAP_ACCESS_KEY_ID: 'lowercase',
    });
    assert.equal(problems.length, 8, problems.join('\n'));
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'LOG_LEVEL',
      'BELFRY_JOBS',
      'BELFRY_SIGV4_MAX_SKEW_SECONDS',
      'BELFRY_MASTER_KEY',
    ])
      assert.ok(
        problems.some((p) => p.startsWith(name)),
        `no problem about ${name}`,
      );
    // The key id is both malformed and missing its secret.
    assert.equal(problems.filter((p) => p.includes('BELFRY_BOOTSTRAP_ACCESS_KEY_ID')).length, 2);
  });

  it('takes integers only as plain decimal digits', () => {
    const config = loadConfig({ PORT: '443', BELFRY_JOBS_POLL_MS: '0250' }, CWD);
    assert.deepEqual([config.port, config.jobs.pollMs], [443, 250]);
    for (const value of ['0x50', ' 80', '80 ', '8080.0', '1e3', '+80', '-1', '８０'])
      assert.deepEqual(problemsOf({ PORT: value }), [
        `PORT must be an integer from 0 to 65535, not "${value}"`,
      ]);
  });

  it('takes the boolean words 1/0, yes/no, on/off and true/false in any case', () => {
    for (const word of ['1', 'yes', 'ON', 'True'])
      assert.equal(loadConfig({ BELFRY_JOBS: word }, CWD).jobs.enabled, true);
    for (const word of ['0', 'No', 'off', 'FALSE'])
      assert.equal(loadConfig({ BELFRY_JOBS: word }, CWD).jobs.enabled, false);
    assert.deepEqual(problemsOf({ BELFRY_JOBS: 'enabled' }), [
      'BELFRY_JOBS must be true or false (also 1/0, yes/no, on/off), not "enabled"',
    ]);
  });

  it('names every problem in the error message', () => {
    assert.throws(
      () => loadConfig({ PORT: 'http', BELFRY_TRUST_PROXY: 'proxy.example' }, CWD),
      (error: Error) => /PORT/.test(error.message) && /BELFRY_TRUST_PROXY/.test(error.message),
    );
  });
});

describe('loadConfig: BELFRY_TRUST_PROXY', () => {
  const trust = (value: string) => loadConfig({ BELFRY_TRUST_PROXY: value }, CWD).trustProxy;

  it('takes proxies by address or CIDR range, or a hop count', () => {
    assert.deepEqual(trust('127.0.0.1'), { proxies: ['127.0.0.1'] });
    assert.deepEqual(trust('10.0.0.0/8,fd00::/8, ::1,loopback'), {
      proxies: ['10.0.0.0/8', 'fd00::/8', '::1', 'loopback'],
    });
    assert.deepEqual(trust('1'), { hops: 1 });
    assert.deepEqual(trust('2'), { hops: 2 });
    for (const none of ['', '0', 'false', 'No', 'off']) assert.equal(trust(none), false);
  });

  it('refuses a bare switch, saying what to write instead', () => {
    for (const word of ['true', 'TRUE', 'yes', 'on']) {
      const problems = problemsOf({ BELFRY_TRUST_PROXY: word });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0]!, /^BELFRY_TRUST_PROXY no longer takes/);
      assert.match(problems[0]!, /believed any client's X-Forwarded-For/);
      assert.match(problems[0]!, /BELFRY_TRUST_PROXY=127\.0\.0\.1/);
      assert.match(problems[0]!, /BELFRY_TRUST_PROXY=1\b/);
    }
  });

  it('refuses what is neither an address, a range nor a hop count, with the others', () => {
    for (const value of [
      'proxy.example',
      '10.0.0.0/33',
      '::1/129',
      '10.0.0.1/8/8',
      '1.2.3',
      '100',
      '10.0.0.1,',
    ])
      assert.match(problemsOf({ BELFRY_TRUST_PROXY: value }).join(), /^BELFRY_TRUST_PROXY must list/, value);
    assert.equal(problemsOf({ BELFRY_TRUST_PROXY: 'true', PORT: 'x' }).length, 2);
  });
});

describe('loadConfig: DATABASE_URL', () => {
  it('takes postgres:// and postgresql:// URLs as they are', () => {
    for (const url of ['postgres://belfry:pw@db:5432/belfry', 'postgresql://db/belfry?sslmode=require'])
      assert.deepEqual(loadConfig({ DATABASE_URL: url }, CWD).database, { dialect: 'postgres', url });
  });

  it('resolves sqlite:<file> against the working directory', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:./state/b.db' }, CWD).database, {
      dialect: 'sqlite',
      file: '/srv/belfry/state/b.db',
    });
    assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:/tmp/b.db' }, CWD).database, {
      dialect: 'sqlite',
      file: '/tmp/b.db',
    });
  });

  it('refuses anything else', () => {
    for (const url of ['mysql://db/belfry', 'belfry.db', 'http://db'])
      assert.match(problemsOf({ DATABASE_URL: url })[0]!, /^DATABASE_URL must be/);
  });
});

describe('loadConfig: DATABASE_POOLER and DATABASE_LISTEN_URL', () => {
  const url = 'postgres://belfry@pgbouncer:6432/belfry';
  const direct = 'postgres://belfry:pw@db:5432/belfry';

  it('connects directly, with named statements and a listener on DATABASE_URL, unless told', () => {
    for (const pooler of [undefined, '', 'none', 'session'])
      assert.deepEqual(loadConfig({ DATABASE_URL: url, DATABASE_POOLER: pooler }, CWD).database, {
        dialect: 'postgres',
        url,
      });
  });

  it('takes a transaction-mode pooler, listening on DATABASE_LISTEN_URL or nowhere', () => {
    assert.deepEqual(loadConfig({ DATABASE_URL: url, DATABASE_POOLER: 'transaction' }, CWD).database, {
      dialect: 'postgres',
      url,
      transactionPooler: { listenUrl: undefined },
    });
    assert.deepEqual(
      loadConfig({ DATABASE_URL: url, DATABASE_POOLER: 'transaction', DATABASE_LISTEN_URL: direct }, CWD)
        .database,
      { dialect: 'postgres', url, transactionPooler: { listenUrl: direct } },
    );
  });

  it('refuses a pooler without PostgreSQL, a listen URL without the pooler, and other values', () => {
    assert.deepEqual(problemsOf({ DATABASE_POOLER: 'transaction' }), [
      'DATABASE_POOLER=transaction needs a postgres:// DATABASE_URL',
    ]);
    assert.deepEqual(problemsOf({ DATABASE_URL: url, DATABASE_LISTEN_URL: direct }), [
      'DATABASE_LISTEN_URL is only for DATABASE_POOLER=transaction',
    ]);
    assert.deepEqual(
      problemsOf({ DATABASE_URL: url, DATABASE_POOLER: 'statement', DATABASE_LISTEN_URL: 'db:5432' }),
      [
        'DATABASE_POOLER must be one of none, session, transaction, not "statement"',
        'DATABASE_LISTEN_URL must be a postgres:// URL (value not shown)',
        'DATABASE_LISTEN_URL is only for DATABASE_POOLER=transaction',
      ],
    );
  });
});

describe('loadConfig: BELFRY_MASTER_KEY', () => {
  const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

  it('accepts 32 bytes as 64 hex digits, either case', () => {
    assert.deepEqual(loadConfig({ BELFRY_MASTER_KEY: key.toString('hex') }, CWD).masterKey, key);
    assert.deepEqual(
      loadConfig({ BELFRY_MASTER_KEY: key.toString('hex').toUpperCase() }, CWD).masterKey,
      key,
    );
  });

  it('accepts 32 bytes as base64', () => {
    assert.deepEqual(loadConfig({ BELFRY_MASTER_KEY: key.toString('base64') }, CWD).masterKey, key);
  });

  it('refuses other lengths without printing the value', () => {
    for (const value of [
      key.subarray(0, 31).toString('base64'),
      Buffer.alloc(33, 1).toString('hex'),
      'abc',
    ]) {
      const [problem] = problemsOf({ BELFRY_MASTER_KEY: value });
      assert.match(problem!, /BELFRY_MASTER_KEY must be 32 bytes/);
      assert.ok(!problem!.includes(value));
    }
  });
});

describe('loadConfig: mail and links', () => {
  it('reads SMTP_URL, the sender, the public URL and the invitation lifetime', () => {
    const config = loadConfig(
      {
        SMTP_URL: 'smtps://mailer:s3cret@smtp.example.com:465',
        BELFRY_MAIL_FROM: 'Example <admin@example.com>',
        BELFRY_PUBLIC_URL: 'https://belfry.example.com/',
        BELFRY_INVITATION_TTL_DAYS: '3',
      },
      CWD,
    );
    assert.deepEqual(config.mail, {
      smtpUrl: 'smtps://mailer:s3cret@smtp.example.com:465',
      from: 'Example <admin@example.com>',
    });
    assert.equal(config.publicUrl, 'https://belfry.example.com', 'no trailing slash to double up');
    assert.equal(config.invitationTtlDays, 3);
  });

  it('builds the default public URL from HOST and PORT', () => {
    assert.equal(loadConfig({ HOST: '::1', PORT: '9000' }, CWD).publicUrl, 'http://[::1]:9000');
  });

  it('refuses a malformed SMTP_URL without printing it (it may hold a password)', () => {
    for (const value of ['http://user:pw@mail', 'smtp//user:pw@mail', 'smtp://user:pw@']) {
      const [problem] = problemsOf({ SMTP_URL: value });
      assert.match(problem!, /^SMTP_URL must be/);
      assert.ok(!problem!.includes('pw'));
    }
  });

  it('reports a bad HOST as HOST, not as the public URL made from it', () => {
    for (const host of ['localhost', '::', '0.0.0.0', 'belfry.internal', 'belfry_app'])
      assert.equal(loadConfig({ HOST: host }, CWD).host, host);
    for (const host of ['bad host', '[::1]', 'http://belfry', 'belfry..internal', '-belfry'])
      assert.deepEqual(problemsOf({ HOST: host }), [
        `HOST must be an IP address (IPv6 without brackets) or a host name, not "${host}"`,
      ]);
    // A link-local address with its zone is an address to listen on, but no URL can hold it.
    assert.deepEqual(problemsOf({ HOST: 'fe80::1%eth0' }), [
      'BELFRY_PUBLIC_URL must be set: HOST "fe80::1%eth0" does not make a URL of its own',
    ]);
    const zoned = loadConfig({ HOST: 'fe80::1%eth0', BELFRY_PUBLIC_URL: 'https://belfry.example.com' }, CWD);
    assert.equal(zoned.publicUrl, 'https://belfry.example.com');
  });

  it('takes a sender as local@domain or Name <local@domain>, nothing less', () => {
    for (const from of [
      'no-reply@localhost',
      'ops+belfry@mail.example.co.uk',
      'Belfry <no-reply@example.com>',
      '"Acme, Inc." <ops@acme.example>',
      '<ops@acme.example>',
    ])
      assert.equal(loadConfig({ BELFRY_MAIL_FROM: from }, CWD).mail.from, from);
    for (const from of [
      '@',
      'no-reply@',
      '@example.com',
      'no-reply',
      'a@b@example.com',
      'no reply@example.com',
      'no-reply@exa mple.com',
      'Belfry <@>',
      'Belfry <no-reply>',
      'Belfry <no-reply@example.com',
      'Belfry\r\nBcc: x@example.com <no-reply@example.com>',
    ])
      assert.match(problemsOf({ BELFRY_MAIL_FROM: from })[0]!, /^BELFRY_MAIL_FROM must be an address/, from);
  });

  it('refuses a public URL that is not http(s) and a lifetime out of range', () => {
    const problems = problemsOf({ BELFRY_PUBLIC_URL: 'ftp://x', BELFRY_INVITATION_TTL_DAYS: '0' });
    assert.equal(problems.length, 2, problems.join('\n'));
  });
});
