import { parseArgs } from 'node:util';

/** Wrong words on the command line: exit code 2, with the usage text or a pointer to it. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
  }
}

/** A failure the operator can act on, reported as one line without a stack trace, exit code 1. */
export class CliError extends Error {}

export const USAGE = `Usage: belfry <command> [options]

Operator commands for a Belfry installation. They read the server's configuration
(BELFRY_DATA_DIR, DATABASE_URL, BELFRY_MASTER_KEY, ...) and work on its database directly.

Commands:
  migrate
      Apply pending database migrations and list what was applied.
  access-keys create --name <name> [--policy FullAccess|UserManagement|ReadOnly] [--account-id <id>]
                     [--credentials-file <path> [--profile <name>]] [--json]
      Create an admin access key (default policy FullAccess, all accounts). The secret is printed
      this once; --credentials-file also saves it as an AWS shared-credentials profile
      (default profile "belfry"), replacing only that profile.
  access-keys list [--json]
      List access keys with their policy, account scope, creation and last use (never secrets).
  access-keys delete <access-key-id>
      Delete an access key; servers refuse it from the next request on.
  admins create --email <address> [--policy FullAccess|UserManagement|ReadOnly] [--account-id <id>]
                [--totp] [--password-stdin] [--json]
      Create a console administrator (default FullAccess, all accounts). Without --password-stdin
      a password is generated and printed this once; --totp also prints a TOTP secret for an
      authenticator app, asked for at every sign-in.
  admins list [--json]
      List console administrators with their policy, account scope, TOTP and last sign-in.
  admins delete <address>
      Delete a console administrator; their sessions end at once.
  admins reset <address> [--password-stdin | --new-password] [--totp | --no-totp]
      Give a console administrator a new password (generated with --new-password) and/or a new
      TOTP secret (--totp) or none (--no-totp); their sessions end at once.
  accounts disabled [--json]
      List deleted accounts and the date each will be purged.
  accounts restore <account-id>
      Restore a deleted account before it is purged.
  audit <account-id> [--user-id <id>] [--operation <name>] [--since <ISO time>] [--until <ISO time>]
        [--limit <n> | --all] [--json]
      Show an account's audit events, newest first (default limit 50). --all exports every
      matching event instead, one JSON object a line.
  phone-numbers import --file <path> [--product-type <type>] [--json]
      Add numbers the operator already owns, at most 500 a file, as BusinessCalling (the
      default), VoiceConnector or SipMediaApplicationDialIn numbers. The file holds one number
      a line, or is a CSV whose header names an e164, number, phone or phone_number column;
      blank lines and # comments are skipped. Numbers already in the inventory are reported
      and left as they are; one invalid number refuses the whole file.
  phone-numbers list [--status <status>] [--json]
      List the phone number inventory with each number's status, product type and user.
  clients create --name <name> --redirect-uri <url> [--redirect-uri <url>...]
                 [--post-logout-redirect-uri <url>...] [--auth-method client_secret_basic|client_secret_post]
                 [--id-token-alg ES256|RS256] [--json]
      Register an app that signs people in through Belfry's OpenID provider (issuer
      <BELFRY_PUBLIC_URL>/oidc). Redirect URIs are https:// URLs (http:// only for 127.0.0.1,
      [::1] and localhost). ID tokens are signed with ES256 unless --id-token-alg RS256 (for
      apps that verify RS256 only). The client secret is printed this once.
  clients list [--json]
      List registered app clients (never their secrets).
  clients delete <client-id>
      Delete an app client; its tokens stop working at once.
  clients webhook set <client-id> --url <url> [--json]
      Send the app's entitlement changes (tier, suspension, sign-out, phone and telephony) to
      the URL as signed POSTs (https://; http:// only to loopback). The host must resolve to
      public addresses only, unless BELFRY_WEBHOOK_ALLOW_PRIVATE allows its range. Prints the
      signing secret this once; setting again replaces URL and secret.
  clients webhook show <client-id> [--json]
  clients webhook delete <client-id>
  oidc keys [--json]
      List the keys that sign ID tokens: active (signs), published (verifies), retired. There
      is an active key for each algorithm (ES256, RS256).
  oidc rotate-keys [--json]
      Make a new active signing key for each algorithm; the previous ones stay published until
      retired.
  oidc retire-key <key-id>
      Take a published (no longer active) key out of the JWKS.
  domains claim <account-id> <domain> [--json]
      Claim an email domain for the account and print the TXT record to publish. Checks run
      every BELFRY_DOMAIN_CHECK_MINUTES until the record is found or the deadline passes.
  domains list <account-id> [--json]
  domains show <account-id> <domain> [--json]
  domains verify <account-id> <domain> [--json]
      Look the TXT record up now (DNS_SERVERS, or the system's resolvers).
  domains verify <account-id> <domain> --operator-override --reason <text> [--json]
      Verify the domain by hand where Belfry cannot reach DNS, as the operator, with the reason
      (kept with the domain and in the audit trail); the account converts as for a found record.
  domains preview-release <account-id> <domain> [--json]
      List the users a release would change and what becomes of each.
  domains release <account-id> <domain> --yes [--json]
      Release the domain: its users are signed out, Registered ones are Released and leave the
      account, Suspended ones stay suspended. Without --yes, shows the preview, releases nothing
      and exits with status 1.
  directory connect <account-id> --type ad --url <ldaps://dc:636> [--url <url>...] --bind-dn <dn>
                    --bind-password-file <file> --base-dn <dn> [--user-filter <filter>]
                    [--ca-file <pem>] [--start-tls] [--json]
      Connect the account (EnterpriseLWA: a verified domain) to Active Directory; it becomes
      EnterpriseDirectory. URLs are tried in order. The password file holds the service account's
      password (one trailing newline is dropped); it is sealed at rest and never shown.
  directory connect <account-id> --type oidc --issuer <https://…> --client-id <id>
                    --client-secret-file <file> [--groups-claim <claim>] [--json]
      Connect the account's OpenID provider (Okta, Entra) for sign-in; it becomes EnterpriseOIDC.
      The issuer is checked by discovery; prints the redirect URI to register at the provider.
      The secret is sealed at rest and never shown. The groups claim is "groups" unless given.
  directory show <account-id> [--json]
  directory test <account-id> [--json]
      Bind, count the users the filter finds and check every mapped group (an OpenID provider:
      discovery); each problem in words, exit status 1 when there is one.
  directory disconnect <account-id>
      Disconnect the directory; the account returns to EnterpriseLWA (an OpenID provider's
      account stays EnterpriseOIDC while a SCIM token of it still works, and says so).
  directory groups <account-id> [--pro <group>...] [--basic <group>...] [--dry-run] [--json]
      Map AD groups (or, in an EnterpriseOIDC account, the SCIM groups its IdP pushes, by
      displayName) to tiers (Pro wins over Basic; nested membership counts; a user in no
      mapped group cannot sign in). Shows how many users change tier or lose sign-in, then
      saves the mapping and queues a sync, unless --dry-run.
  directory sync <account-id> [--full] [--dry-run] [--wait <seconds>] [--json]
      Queue a sync run and wait for its report (at most --wait, default 300 s). When no Belfry
      worker starts it within a few seconds, this command runs it itself. Exit status 1 when the
      run failed, is held or did not finish in time.
  directory runs <account-id> [--max-results <n>] [--json]
  directory run <run-id> [--json]
      The run's itemised report: who was created, changed tier, suspended, restored, skipped, why.
  directory approve <run-id> [--json]
  directory reject <run-id> [--json]
      Apply, or discard, a held run.
  directory explain <account-id> <user-id|email> [--json]
      Why the user has their tier or cannot sign in: the group chain, the mapping, the last run.
  scim tokens create <account-id> [--name <name>] [--json]
      Mint a SCIM token for the account's identity provider (Okta, Entra), shown this once, alone
      on the last line; Belfry keeps its SHA-256. Enterprise accounts only (a verified domain);
      the first token makes an EnterpriseLWA account EnterpriseOIDC. SCIM base URL:
      <BELFRY_PUBLIC_URL>/scim/v2.
  scim tokens list <account-id> [--json]
      The account's tokens: id, name, created, last used (to the minute), revoked.
  scim tokens revoke <account-id> <token-id> [--json]
      Revoke a token: the IdP's next request is refused (401). The account keeps its type.
  usage report <account-id> --month <YYYY-MM> [--csv | --json]
      What the account owes for the month, in its billing time zone: each billable user with
      their billable days and the meeting that made each one billable, the charge with the
      monthly cap applied, adjustment lines for earlier closed months, the total. A month
      closes (and never changes again) BELFRY_USAGE_CLOSE_AFTER_DAYS after it ends.
  usage time-zone <account-id> [--set <IANA zone>] [--json]
      Show the account's billing time zone (UTC unless set), or set it (e.g. Europe/Paris).
  help
      Show this text. Every command also takes --help.
`;

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'] & {};

/**
 * Parses one command's arguments strictly: unknown options, missing values and a wrong number of
 * positionals are usage errors, never guesses.
 */
export function parseCommand<const O extends Options>(
  args: string[],
  options: O,
  positionals: { names: string[] },
) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
      throw new UsageError(error.message);
    throw error;
  }
  const wanted = positionals.names.length;
  const given = parsed.positionals.length;
  if (given < wanted) throw new UsageError(`missing ${positionals.names.slice(given).join(' ')}`);
  if (given > wanted) throw new UsageError(`unexpected argument "${parsed.positionals[wanted]}"`);
  return parsed;
}
