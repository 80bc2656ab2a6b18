import type { Config } from './config.js';
import { createAccessKeys, type AccessKeys } from './domain/access/keys.js';
import { createRequestBudget, type RequestBudget } from './domain/access/request-budget.js';
import { createAccountsService, type AccountsService } from './domain/accounts/service.js';
import { purgeAccountJob } from './domain/accounts/purge.js';
import { listAuditEvents, listInstallationAuditEvents, type AuditQuery } from './domain/audit/query.js';
import { recordRefusal, type AuditSubject } from './domain/audit/trail.js';
import type { DomainDeps } from './domain/deps.js';
import { createUsersService, type UsersService } from './domain/users/service.js';
import { invitationEmailJob } from './domain/users/invitation-email.js';
import { identityJobs } from './domain/identities/jobs.js';
import type { DirectorySignIn } from './domain/identities/credentials.js';
import { createIdentities, type IdentitiesService } from './domain/identities/service.js';
import type { Carrier } from './domain/phone-numbers/carrier.js';
import { createSimulatedCarrier } from './domain/phone-numbers/simulated-carrier.js';
import { createPhoneAssignment, type PhoneAssignment } from './domain/phone-numbers/assignment.js';
import { createPhoneInventory, type PhoneInventory } from './domain/phone-numbers/inventory.js';
import { phoneNumberJobs } from './domain/phone-numbers/jobs.js';
import { createPhoneOrders, type PhoneOrders } from './domain/phone-numbers/orders.js';
import { createPhoneSettings, type PhoneSettings } from './domain/phone-numbers/settings.js';
import { createOidc, type OidcService } from './domain/oidc/service.js';
import { createEntitlementChecks, type EntitlementChecks } from './domain/entitlements/checks.js';
import { deliverAppEventJob } from './domain/entitlements/delivery.js';
import { createAppWebhooks, type AppWebhooks } from './domain/entitlements/webhooks.js';
import { createWebhookDestinations } from './domain/entitlements/destinations.js';
import { createTxtLookup } from './domain/domains/dns.js';
import { checkDomainJob } from './domain/domains/jobs.js';
import { createDomainsService, type DomainsService } from './domain/domains/service.js';
import type { Actor } from './domain/access/actor.js';
import { createConsoleAdmins, type ConsoleAdmins } from './domain/admins/service.js';
import { DEFAULT_CONSOLE_RULES, type ConsoleSessionRules } from './domain/admins/rules.js';
import type { DirectoryService } from './domain/directory/contract.js';
import { DEFAULT_DIRECTORY_SETTINGS } from './domain/directory/deps.js';
import { createLdapClient } from './directory/ldap/index.js';
import { createDirectoryService } from './domain/directory/service.js';
import type { DirectoryClient } from './directory/types.js';
import { createIdpClient, type IdpClient } from './directory/oidc/index.js';
import { createJobs, type JobHandler } from './jobs/queue.js';
import { createScimService, type ScimService } from './domain/scim/service.js';
import { createUsageService, type UsageService } from './domain/usage/service.js';
import { DEFAULT_USAGE_SETTINGS, type UsageSettings } from './domain/usage/deps.js';
import type { Clock } from './lib/clock.js';
import type { Ids } from './lib/ids.js';
import type { SecretBox } from './lib/secret-box.js';
import type { Mailer } from './mail/mailer.js';
import type { Db, Dialect } from './store/database.js';
import { ensureInstallationValue } from './store/installation.js';

/** Everything the protocol adapters call, built once from the database and configuration. */
export interface Services {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  ids: Ids;
  /** the operator-wide id shown as `AwsAccountId` */
  installationId: string;
  accounts: AccountsService;
  users: UsersService;
  /** end users' own sign-in: registration, passwords, sessions, accepting invitations */
  identities: IdentitiesService;
  accessKeys: AccessKeys;
  /** console administrators: their management, sign-in and sessions */
  consoleAdmins: ConsoleAdmins;
  phoneNumbers: PhoneInventory;
  phoneOrders: PhoneOrders;
  phoneAssignment: PhoneAssignment;
  phoneSettings: PhoneSettings;
  /** the apps' OpenID provider: registered clients, signing keys, the sign-in gate */
  oidc: OidcService;
  /** the live entitlement check apps call between sign-ins */
  entitlements: EntitlementChecks;
  /** where apps receive entitlement changes */
  appWebhooks: AppWebhooks;
  /** claimed email domains: claims, DNS checks, release */
  domains: DomainsService;
  /** Active Directory connections, group tiers, sync runs, explain and AD sign-in */
  directory: DirectoryService;
  /** SCIM tokens, and the Users and Groups an identity provider pushes (api/scim) */
  scim: ScimService;
  /** usage and billing: meetings reported, billing time zones, monthly reports */
  usage: UsageService;
  audit: {
    listAuditEvents(actor: Actor, accountId: string, query: AuditQuery): ReturnType<typeof listAuditEvents>;
    listInstallationAuditEvents(
      actor: Actor,
      query: AuditQuery & { allAccounts?: boolean },
    ): ReturnType<typeof listAuditEvents>;
    /** records a change refused before any rule ran (the adapters' input validation) */
    recordRefusal(actor: Actor, subject: AuditSubject, error: unknown): Promise<void>;
  };
  jobHandlers: JobHandler[];
  /** each verified principal's request budget on the admin API; started and stopped with the app */
  requestBudget: RequestBudget;
}

export interface ServiceInputs {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  ids: Ids;
  secrets: SecretBox;
  config: Pick<Config, 'accountRetentionDays' | 'publicUrl' | 'invitationTtlDays'> &
    Partial<
      Pick<Config, 'domains' | 'webhooks' | 'apiRateLimit' | 'console' | 'directory' | 'idp' | 'usage'>
    >;
  /** where emails go (src/mail/create-mailer.ts builds it from the configuration) */
  mailer: Mailer;
  /** where phone numbers are searched and ordered; the simulated carrier unless given */
  carrier?: Carrier | undefined;
  /** the database's change marker where it has one (OpenDatabase.changeMarker) */
  changeMarker?: (() => string | undefined) | undefined;
  /**
   * AD sign-in, in place of the directory service's (tests give a fake). Without it the
   * password sign-in asks `services.directory.signIn` once that service exists.
   */
  directorySignIn?: DirectorySignIn | undefined;
  /** how directories are reached: the LDAP client unless given (tests) */
  directoryClient?: DirectoryClient | undefined;
  /** how OpenID providers are reached: openid-client unless given */
  idpClient?: IdpClient | undefined;
}

export async function createServices(inputs: ServiceInputs): Promise<Services> {
  const { db, dialect, clock, ids, secrets, config } = inputs;
  const handlers: JobHandler[] = [];
  const jobs = createJobs(ids, clock, handlers);
  const deps: DomainDeps = {
    db,
    dialect,
    ids,
    clock,
    jobs,
    settings: { accountRetentionDays: config.accountRetentionDays },
  };
  const phoneDeps = { ...deps, carrier: inputs.carrier ?? createSimulatedCarrier() };
  handlers.push(purgeAccountJob(deps), ...phoneNumberJobs(phoneDeps));
  handlers.push(
    invitationEmailJob({
      db,
      ids: deps.ids,
      clock,
      mailer: inputs.mailer,
      secrets,
      publicUrl: config.publicUrl,
      ttlDays: config.invitationTtlDays,
    }),
  );
  const identityDeps = { ...deps, mailer: inputs.mailer, publicUrl: config.publicUrl, secrets };
  handlers.push(...identityJobs(identityDeps));
  // Webhook hosts are resolved with the same resolvers as claimed domains' records.
  const destinations = createWebhookDestinations({
    allowPrivate: config.webhooks?.allowPrivate ?? [],
    dnsServers: config.domains?.dnsServers,
  });
  handlers.push(deliverAppEventJob({ db, clock, secrets, destinations, timeoutMs: WEBHOOK_TIMEOUT_MS }));
  const domainDeps = {
    ...deps,
    lookupTxt: createTxtLookup(config.domains?.dnsServers),
    domainSchedule: domainSchedule(config),
  };
  handlers.push(checkDomainJob(domainDeps));
  const directory = createDirectoryService({
    ...deps,
    secrets,
    directoryClient: inputs.directoryClient ?? createLdapClient(),
    directory: config.directory ?? DEFAULT_DIRECTORY_SETTINGS,
    idpClient: inputs.idpClient ?? createIdpClient(),
    idp: { publicUrl: config.publicUrl, allowHttpIssuers: config.idp?.allowHttpIssuers ?? false },
  });
  handlers.push(...directory.jobHandlers);
  // Every password sign-in asks the directory first (a directory account's people sign in with
  // their AD credentials); tests may give their own.
  const directorySignIn: DirectorySignIn =
    inputs.directorySignIn ?? ((email, password) => directory.signIn(email, password));
  const usage = createUsageService({ ...deps, usage: usageSettings(config) });
  handlers.push(...usage.jobHandlers);
  const installationId = await ensureInstallationValue(db, 'installation_id', twelveDigits());
  const oidc = createOidc({ db, ids, clock, secrets, changeMarker: inputs.changeMarker });
  return {
    db,
    dialect,
    clock,
    ids,
    installationId,
    accounts: createAccountsService(deps),
    users: createUsersService(deps),
    identities: createIdentities({ ...identityDeps, directorySignIn }),
    accessKeys: createAccessKeys({ db, ids, clock, secrets, changeMarker: inputs.changeMarker }),
    consoleAdmins: createConsoleAdmins({ db, ids, clock, secrets, rules: consoleRules(config) }),
    phoneNumbers: createPhoneInventory(phoneDeps),
    phoneOrders: createPhoneOrders(phoneDeps),
    phoneAssignment: createPhoneAssignment(phoneDeps),
    phoneSettings: createPhoneSettings(phoneDeps),
    oidc,
    entitlements: createEntitlementChecks({ db, clock, clients: oidc.clients }),
    appWebhooks: createAppWebhooks({ db, ids, clock, secrets, destinations }),
    domains: createDomainsService(domainDeps),
    directory,
    scim: createScimService({ ...deps, scimBaseUrl: `${config.publicUrl}/scim/v2` }),
    usage,
    audit: {
      listAuditEvents: (actor, accountId, query) => listAuditEvents(db, actor, accountId, query),
      listInstallationAuditEvents: (actor, query) => listInstallationAuditEvents(db, actor, query),
      recordRefusal: (actor, subject, error) => recordRefusal({ db, ids, clock }, actor, subject, error),
    },
    jobHandlers: handlers,
    requestBudget: createRequestBudget({
      db,
      instanceId: ids.uuid(),
      limits: config.apiRateLimit ?? DEFAULT_API_RATE_LIMIT,
    }),
  };
}

/** The configuration's defaults, for callers that build services without one (benchmarks, unit tests). */
const DEFAULT_DOMAINS: Config['domains'] = {
  dnsServers: undefined,
  verificationHours: 72,
  pendingCheckMinutes: 10,
  recheckHours: 24,
};

const DEFAULT_API_RATE_LIMIT: Config['apiRateLimit'] = { requestsPerSecond: 100, burst: 1000 };

/** The claim-check timings of the configuration, in milliseconds. */
function domainSchedule({ domains = DEFAULT_DOMAINS }: Partial<Pick<Config, 'domains'>>) {
  const MINUTE_MS = 60_000;
  return {
    verificationMs: domains.verificationHours * 60 * MINUTE_MS,
    pendingCheckMs: domains.pendingCheckMinutes * MINUTE_MS,
    recheckMs: domains.recheckHours * 60 * MINUTE_MS,
  };
}

/** The console's session lifetimes from the configuration, in milliseconds. */
function consoleRules({ console: settings }: Partial<Pick<Config, 'console'>>): ConsoleSessionRules {
  if (!settings) return DEFAULT_CONSOLE_RULES;
  const MINUTE_MS = 60_000;
  return {
    idleMs: settings.idleMinutes * MINUTE_MS,
    absoluteMs: settings.sessionHours * 60 * MINUTE_MS,
    setupLinkMs: settings.setupLinkHours * 60 * MINUTE_MS,
  };
}

/** The operator's billing settings from the configuration (Chime's pricing without one). */
function usageSettings({ usage }: Partial<Pick<Config, 'usage'>>): UsageSettings {
  if (!usage) return DEFAULT_USAGE_SETTINGS;
  return {
    terms: {
      dailyPriceCents: usage.dailyPriceCents,
      monthlyCapCents: usage.monthlyCapCents,
      minimumMinutes: usage.minimumMinutes,
    },
    currency: usage.currency,
    closeAfterDays: usage.closeAfterDays,
    reporterClientIds: usage.reporterClientIds,
  };
}

/** How long an app's webhook has to answer one delivery before it counts as failed. */
const WEBHOOK_TIMEOUT_MS = 10_000;

/** Like an AWS account id: twelve digits. */
function twelveDigits(): string {
  let s = String(1 + Math.floor(Math.random() * 9));
  while (s.length < 12) s += String(Math.floor(Math.random() * 10));
  return s;
}
