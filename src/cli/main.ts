import { ConfigError } from '../config.js';
import { DomainError } from '../domain/errors.js';
import { write } from './output.js';
import { CliError, USAGE, UsageError } from './usage.js';

type Command = (args: string[]) => Promise<void>;

// Loaded on demand, so help and usage errors answer without loading the database drivers.
const commands: Record<string, () => Promise<Command>> = {
  migrate: async () => (await import('./migrate.js')).migrate,
  'access-keys': async () => (await import('./access-keys.js')).accessKeys,
  admins: async () => (await import('./admins.js')).admins,
  accounts: async () => (await import('./accounts.js')).accounts,
  audit: async () => (await import('./audit.js')).audit,
  'phone-numbers': async () => (await import('./phone-numbers.js')).phoneNumbers,
  clients: async () => (await import('./clients.js')).clients,
  oidc: async () => (await import('./oidc.js')).oidc,
  domains: async () => (await import('./domains.js')).domains,
  directory: async () => (await import('./directory.js')).directory,
  scim: async () => (await import('./scim.js')).scim,
  usage: async () => (await import('./usage-report.js')).usage,
};

/**
 * Runs one command; returns the exit code: 0 done, 1 failed, 2 usage error, 78 invalid
 * configuration (as the server exits, EX_CONFIG).
 */
export async function run(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === 'help' || argv.includes('--help') || argv.includes('-h')) {
    write(USAGE);
    return 0;
  }
  try {
    const load = name === undefined ? undefined : commands[name];
    if (!load)
      throw new UsageError(name === undefined ? 'no command given' : `unknown command "${name}"`, true);
    await (
      await load()
    )(args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      const more = error.showUsage ? `\n${USAGE}` : 'Run "belfry help" for usage.\n';
      process.stderr.write(`belfry: ${error.message}\n${more}`);
      return 2;
    }
    process.stderr.write(`belfry: ${describe(error)}\n`);
    return error instanceof ConfigError ? 78 : 1;
  }
}

/**
 * One line for the operator. Expected failures never show a stack trace; an unexpected one shows
 * it only with LOG_LEVEL=debug or trace, for a bug report.
 */
function describe(error: unknown): string {
  if (error instanceof ConfigError) return `invalid configuration: ${error.problems.join('; ')}`;
  if (error instanceof DomainError || error instanceof CliError) return error.message;
  if (error instanceof Error) {
    const debug = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
    const code = 'code' in error && typeof error.code === 'string' ? ` (${error.code})` : '';
    return debug && error.stack ? error.stack : `${error.message || error.name}${code}`;
  }
  return String(error);
}

process.exitCode = await run(process.argv.slice(2));
