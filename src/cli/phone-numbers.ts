import { readFileSync } from 'node:fs';
import type { PhoneNumber } from '../domain/phone-numbers/inventory.js';
import type { PhoneNumberStatus, ProductType } from '../store/phone-numbers.js';
import { withServices } from './context.js';
import { print, printJson, printTable } from './output.js';
import { CliError, parseCommand, UsageError } from './usage.js';

const PRODUCT_TYPES: readonly ProductType[] = [
  'BusinessCalling',
  'VoiceConnector',
  'SipMediaApplicationDialIn',
];
const STATUSES: readonly PhoneNumberStatus[] = [
  'AcquireInProgress',
  'AcquireFailed',
  'Unassigned',
  'Assigned',
  'ReleaseInProgress',
  'DeleteInProgress',
  'ReleaseFailed',
  'DeleteFailed',
];
/** Header names (compared case-insensitively) of the column that holds the numbers. */
const NUMBER_COLUMNS = ['e164', 'number', 'phone', 'phone_number'];
const PAGE_SIZE = 100;

/** `belfry phone-numbers import|list`: numbers the operator already owns, and the inventory. */
export async function phoneNumbers(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === 'import') return importNumbers(rest);
  if (action === 'list') return list(rest);
  throw new UsageError(
    action === undefined ? 'phone-numbers needs import or list' : `unknown command "phone-numbers ${action}"`,
  );
}

/** All or nothing: one invalid number in the file refuses the whole import. */
async function importNumbers(args: string[]): Promise<void> {
  const { values } = parseCommand(
    args,
    {
      file: { type: 'string' },
      'product-type': { type: 'string', default: 'BusinessCalling' },
      json: { type: 'boolean', default: false },
    },
    { names: [] },
  );
  if (values.file === undefined) throw new UsageError('phone-numbers import needs --file <path>');
  const productType = oneOf(values['product-type'], PRODUCT_TYPES, '--product-type');
  const numbers = numbersInCsv(readText(values.file), values.file);

  await withServices({ masterKey: false }, async (services, actor) => {
    const result = await services.phoneNumbers.importPhoneNumbers(actor, { numbers, productType });
    if (values.json) {
      printJson(result);
      return;
    }
    const count = (n: number) => `${n} phone number${n === 1 ? '' : 's'}`;
    print(`Imported ${count(result.imported.length)} as ${productType}.`);
    if (result.alreadyOwned.length > 0) {
      print(`Already owned, left as they were (${result.alreadyOwned.length}):`);
      for (const e164 of result.alreadyOwned) print(`  ${e164}`);
    }
  });
}

async function list(args: string[]): Promise<void> {
  const { values } = parseCommand(
    args,
    { status: { type: 'string' }, json: { type: 'boolean', default: false } },
    { names: [] },
  );
  const status = values.status === undefined ? undefined : oneOf(values.status, STATUSES, '--status');
  await withServices({ masterKey: false }, async (services, actor) => {
    const all: PhoneNumber[] = [];
    let nextToken: string | undefined;
    do {
      const page = await services.phoneNumbers.listPhoneNumbers(actor, {
        status,
        maxResults: PAGE_SIZE,
        nextToken,
      });
      all.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    if (values.json) {
      printJson(
        all.map((n) => ({
          e164: n.e164,
          status: n.status,
          productType: n.productType,
          type: n.type,
          country: n.country,
          accountId: n.accountId ?? null,
          userId: n.userId ?? null,
          callingName: n.callingName ?? null,
          source: n.source,
          createdAt: n.createdAt,
        })),
      );
      return;
    }
    printTable(
      ['NUMBER', 'STATUS', 'PRODUCT TYPE', 'ACCOUNT', 'USER'],
      all.map((n) => [n.e164, n.status, n.productType, n.accountId ?? '', n.userId ?? '']),
      status === undefined ? 'No phone numbers.' : `No ${status} phone numbers.`,
    );
  });
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${option} must be one of ${allowed.join(', ')}, not "${value}"`);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/**
 * The numbers of a file that is either a plain list (one number a line) or a CSV whose header row
 * names the number column. Blank lines and lines starting with `#` are skipped. Numbers are passed
 * on as written: the domain validates and normalises them, and reports the invalid ones.
 */
function numbersInCsv(text: string, name: string): string[] {
  const records = parseCsv(text.replace(/^\uFEFF/, ''), name); // spreadsheet exports often start with a BOM
  const [first, ...rest] = records;
  if (!first) throw new CliError(`no phone numbers in ${name}`);
  const column = first.fields.findIndex((f) => NUMBER_COLUMNS.includes(f.trim().toLowerCase()));
  if (column < 0) {
    if (!/\d/.test(first.fields.join('')))
      throw new CliError(
        `${name}:${first.line}: a header row needs a column named ${NUMBER_COLUMNS.join(', ')}`,
      );
    return records.map((r) => {
      if (r.fields.length > 1)
        throw new CliError(
          `${name}:${r.line}: several fields on a line, but no header row naming the number column ` +
            `(${NUMBER_COLUMNS.join(', ')})`,
        );
      return r.fields[0]!.trim();
    });
  }
  if (rest.length === 0) throw new CliError(`no phone numbers in ${name}`);
  return rest.map((r) => {
    const value = r.fields[column]?.trim();
    if (!value) throw new CliError(`${name}:${r.line}: no phone number in column "${first.fields[column]}"`);
    return value;
  });
}

interface CsvRecord {
  /** 1-based line the record starts on, for messages */
  line: number;
  fields: string[];
}

/**
 * RFC 4180 records: comma-separated, fields optionally in double quotes (which may hold commas,
 * newlines and `""` for a quote), CRLF or LF line ends. A record that is empty, or that starts with
 * `#` outside quotes, is dropped.
 */
function parseCsv(text: string, name: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let comment = false;
  const endRecord = () => {
    fields.push(field);
    if (!comment && fields.some((f) => f.trim() !== '')) records.push({ line: start, fields });
    fields = [];
    field = '';
    comment = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
      continue;
    }
    if (comment && c !== '\n') continue;
    if (c === '#' && fields.length === 0 && field.trim() === '') comment = true;
    else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n') {
      endRecord();
      start = line;
    } else if (c !== '\r') field += c;
  }
  if (quoted) throw new CliError(`${name}:${start}: a quoted field is never closed`);
  endRecord();
  return records;
}
