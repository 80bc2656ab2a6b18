import { withServices } from './context.js';
import { print, printJson, printTable } from './output.js';
import { parseCommand, UsageError } from './usage.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;
const EXPORT_PAGE = 200;

/** `belfry audit <account-id>`: the account's trail, newest first, as ListAuditEvents shows it. */
export async function audit(args: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    args,
    {
      'user-id': { type: 'string' },
      operation: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string' },
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    { names: ['<account-id>'] },
  );
  if (values.all && values.limit !== undefined) throw new UsageError('--all and --limit do not go together');
  const query = {
    userId: values['user-id'],
    operation: values.operation,
    from: values.since === undefined ? undefined : parseTime(values.since, '--since'),
    to: values.until === undefined ? undefined : parseTime(values.until, '--until'),
  };
  const limit = values.limit === undefined ? DEFAULT_LIMIT : parseLimit(values.limit);

  await withServices({ masterKey: false }, async (services, actor) => {
    if (values.all) {
      // An export: every matching event, one JSON object a line, page after page.
      let nextToken: string | undefined;
      do {
        const page = await services.audit.listAuditEvents(actor, positionals[0]!, {
          ...query,
          maxResults: EXPORT_PAGE,
          nextToken,
        });
        for (const event of page.items) print(JSON.stringify(event));
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
      return;
    }
    const page = await services.audit.listAuditEvents(actor, positionals[0]!, {
      ...query,
      maxResults: limit,
    });
    if (page.nextToken !== undefined)
      process.stderr.write(`More events match than --limit ${limit}; --all exports every one.\n`);
    if (values.json) {
      printJson(page.items);
      return;
    }
    printTable(
      ['TIME', 'OPERATION', 'OUTCOME', 'BY', 'TARGET', 'DETAILS'],
      page.items.map((e) => [
        e.occurredAt,
        e.operation,
        e.outcome === 'Failure' ? `Failure (${e.errorCode ?? 'unknown'})` : e.outcome,
        e.principal,
        [e.targetType, e.targetId].filter(Boolean).join(' '),
        e.details === undefined ? '' : JSON.stringify(e.details),
      ]),
      'No audit events match.',
    );
  });
}

function parseTime(text: string, option: string): Date {
  // An ISO 8601 date or date-time; Date.parse alone would also take "March 3" and the like.
  const at = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)
    ? new Date(text)
    : undefined;
  if (at === undefined || Number.isNaN(at.getTime()))
    throw new UsageError(
      `${option} must be an ISO 8601 time such as 2026-03-01 or 2026-03-01T09:00:00Z, not "${text}"`,
    );
  return at;
}

function parseLimit(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_LIMIT)
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIMIT}, not "${text}"`);
  return n;
}
