/** CSV as spreadsheets read it (RFC 4180): comma-separated, CRLF lines, quotes doubled. */

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, a tab or a carriage return first) gets a
 * leading apostrophe: names and addresses come from outside, and an export must not execute them.
 */
function cell(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header row, then one line per row; columns pick each row's value. */
export function toCsv<T>(columns: { header: string; value: (row: T) => unknown }[], rows: T[]): string {
  const lines = [
    columns.map((c) => cell(c.header)),
    ...rows.map((r) => columns.map((c) => cell(c.value(r)))),
  ];
  return lines.map((l) => l.join(',')).join('\r\n') + '\r\n';
}

/**
 * The records of a CSV text (quoted cells, doubled quotes, CRLF or LF lines), a leading byte-order
 * mark ignored. A blank line is kept as one empty cell, so record n is the file's nth record.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let value = '';
  let quoted = false;
  const source = text.replace(/^\uFEFF/, '');
  const endCell = () => {
    row.push(value);
    value = '';
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted && ch === '"' && source[i + 1] === '"') {
      value += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (quoted) value += ch;
    else if (ch === ',') endCell();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      endCell();
      rows.push(row);
      row = [];
    } else value += ch;
  }
  if (value !== '' || row.length > 0) rows.push([...row, value]);
  return rows;
}
