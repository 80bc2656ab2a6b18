import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import {
  AssociatePhoneNumberWithUserCommand,
  CreateAccountCommand,
  CreateUserCommand,
  GetPhoneNumberCommand,
  NotFoundException,
} from '@aws-sdk/client-chime';
import { databaseUrlOf } from '../helpers/databases.js';
import { eachDialect } from '../helpers/suite.js';
import type { TestServer } from '../helpers/server.js';
import { belfry } from './processes.js';

const databaseUrl = (server: TestServer) => databaseUrlOf(server.database);

await eachDialect('belfry phone-numbers', (server) => {
  const dir = mkdtempSync(join(tmpdir(), 'belfry-phones-'));
  let env: Record<string, string>;
  const run = (...args: string[]) => belfry(env, ['phone-numbers', ...args], dir);
  /** Writes a file into the test's directory and returns its path. */
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const getNumber = (id: string) =>
    server()
      .client()
      .send(new GetPhoneNumberCommand({ PhoneNumberId: id }));

  before(async () => {
    env = { BELFRY_DATA_DIR: dir, DATABASE_URL: await databaseUrl(server()) };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // A spreadsheet export: BOM, CRLF, a comment, a blank line, quoted fields holding commas and quotes.
  const withHeader = file(
    'ported.csv',
    '\uFEFF# ported from the old PBX\r\n' +
      'Name,Phone_Number,Notes\r\n' +
      '"Front desk","+1 (206) 555-0100","main line, ground floor"\r\n' +
      '\r\n' +
      'Back office,+12065550101,"says ""hi"""\r\n',
  );

  it('imports a CSV with a header row, and reports numbers already owned on a second run', async () => {
    const first = await run('import', '--file', withHeader);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'Imported 2 phone numbers as BusinessCalling.\n');
    const got = await getNumber('+12065550100');
    assert.equal(got.PhoneNumber?.ProductType, 'BusinessCalling');
    assert.equal(got.PhoneNumber?.Status, 'Unassigned');

    const again = await run('import', '--file', withHeader);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      again.stdout,
      'Imported 0 phone numbers as BusinessCalling.\n' +
        'Already owned, left as they were (2):\n  +12065550100\n  +12065550101\n',
    );
  });

  it('imports a plain list as another product type, with JSON output', async () => {
    const list = file('list.txt', '# one a line\n+18005550100\n\n12125550100\n"+12065550101"\n');
    const result = await run('import', '--file', list, '--product-type', 'VoiceConnector', '--json');
    assert.equal(result.code, 0, result.stderr);
    const printed = JSON.parse(result.stdout) as { imported: string[]; alreadyOwned: string[] };
    assert.deepEqual(printed.imported.sort(), ['+12125550100', '+18005550100']);
    assert.deepEqual(printed.alreadyOwned, ['+12065550101']);
    const tollFree = (await getNumber('%2B18005550100')).PhoneNumber;
    assert.deepEqual([tollFree?.ProductType, tollFree?.Type], ['VoiceConnector', 'TollFree']);
    // Already owned means untouched: it stays a Business Calling number.
    assert.equal((await getNumber('+12065550101')).PhoneNumber?.ProductType, 'BusinessCalling');
  });

  it('refuses a file with an invalid number and imports none of it', async () => {
    const [badNumber, tollFree, noColumn, missing] = await Promise.all([
      run('import', '--file', file('bad.csv', 'e164\n+14155550100\n+1 206 555\n')),
      run('import', '--file', file('toll-free.txt', '+14155550101\n+18885550100\n')),
      run('import', '--file', file('no-column.csv', 'name,extension\nFront desk,100\n')),
      run('import', '--file', join(dir, 'nowhere.csv')),
    ]);
    assert.deepEqual(badNumber, {
      code: 1,
      stdout: '',
      stderr: 'belfry: Not valid E.164 phone numbers: +1 206 555\n',
    });
    assert.equal(tollFree.code, 1);
    assert.equal(tollFree.stderr, 'belfry: Toll-free numbers cannot be BusinessCalling numbers\n');
    assert.equal(noColumn.code, 1);
    assert.match(
      noColumn.stderr,
      /no-column\.csv:1: a header row needs a column named e164, number, phone, phone_number\n$/,
    );
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^belfry: cannot read .*nowhere\.csv: ENOENT/);
    for (const e164 of ['+14155550100', '+14155550101'])
      await assert.rejects(getNumber(e164), NotFoundException, `${e164} was not imported`);

    const usage = await Promise.all([
      run('import'),
      run('import', '--file', withHeader, '--product-type', 'Fax'),
      run('list', '--status', 'Lost'),
      run('export'),
    ]);
    for (const r of usage) {
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^belfry: .+\nRun "belfry help" for usage\.\n$/);
    }
    assert.match(usage[1]!.stderr, /--product-type must be one of BusinessCalling, VoiceConnector/);
  });

  it('lists the inventory with status, product type and user', async () => {
    const chime = server().client();
    const accountId = (await chime.send(new CreateAccountCommand({ Name: 'Phones Cli' }))).Account!
      .AccountId!;
    const userId = (
      await chime.send(new CreateUserCommand({ AccountId: accountId, Email: 'ann@example.com' }))
    ).User!.UserId!;
    await chime.send(
      new AssociatePhoneNumberWithUserCommand({
        AccountId: accountId,
        UserId: userId,
        E164PhoneNumber: '+12065550100',
      }),
    );

    const [table, assigned, deleted] = await Promise.all([
      run('list'),
      run('list', '--status', 'Assigned', '--json'),
      run('list', '--status', 'DeleteInProgress'),
    ]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^NUMBER\s+STATUS\s+PRODUCT TYPE\s+ACCOUNT\s+USER$/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(/\s+/)),
      [
        ['+12065550100', 'Assigned', 'BusinessCalling', accountId, userId],
        ['+12065550101', 'Unassigned', 'BusinessCalling'],
        ['+12125550100', 'Unassigned', 'VoiceConnector'],
        ['+18005550100', 'Unassigned', 'VoiceConnector'],
      ],
    );

    assert.equal(assigned.code, 0, assigned.stderr);
    const [only, ...others] = JSON.parse(assigned.stdout) as Array<Record<string, unknown>>;
    assert.equal(others.length, 0);
    assert.deepEqual(
      [only?.e164, only?.status, only?.productType, only?.accountId, only?.userId],
      ['+12065550100', 'Assigned', 'BusinessCalling', accountId, userId],
    );
    assert.equal(deleted.stdout, 'No DeleteInProgress phone numbers.\n');
  });
});
