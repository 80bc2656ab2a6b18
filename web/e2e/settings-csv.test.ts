import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseCsv, toCsv } from '../src/csv.js';
import { addressesOf, precheck } from '../src/csv-addresses.js';

type Person = { email: string; name?: string };
const columns = [
  { header: 'Email', value: (r: Person) => r.email },
  { header: 'Name', value: (r: Person) => r.name },
];

it('writes a header row, quotes what needs it, and reads back what it wrote', () => {
  const rows = [
    { email: 'ann@example.com', name: 'Zoë "Z" Ünal, PhD' },
    { email: 'ben@example.com', name: 'two\nlines' },
    { email: 'cy@example.com' },
  ];
  const text = toCsv(columns, rows);
  assert.equal(text.split('\r\n')[0], 'Email,Name');
  assert.deepEqual(parseCsv(text), [
    ['Email', 'Name'],
    ['ann@example.com', 'Zoë "Z" Ünal, PhD'],
    ['ben@example.com', 'two\nlines'],
    ['cy@example.com', ''],
  ]);
});

it('keeps a spreadsheet from running a cell as a formula', () => {
  const text = toCsv(columns, [{ email: '=HYPERLINK("http://x")', name: '+1' }]);
  assert.deepEqual(parseCsv(text)[1], ['\'=HYPERLINK("http://x")', "'+1"]);
});

it('finds the email column by its header, or takes the first column of a file without one', () => {
  const headed = addressesOf('\uFEFFName,E-mail\r\nAnn,ann@example.com\r\n\r\nBen,\r\nCy,cy@example.com\n');
  assert.deepEqual(
    headed.rows.map((r) => [r.line, r.email]),
    [
      [2, 'ann@example.com'],
      [5, 'cy@example.com'],
    ],
  );
  assert.deepEqual(
    addressesOf('ann@example.com\nben@example.com').rows.map((r) => r.email),
    ['ann@example.com', 'ben@example.com'],
  );
  assert.equal(addressesOf('name,phone\nAnn,123').problem, 'The file has no column headed "email".');
});

it('marks what is not sent: not an address, or one already on an earlier line', () => {
  const { rows } = addressesOf('email\nann@example.com\nnot-an-address\nANN@example.com');
  assert.deepEqual(
    precheck(rows).map((r) => r.outcome?.text),
    [undefined, 'Not an email address', 'Same address as line 2'],
  );
});
