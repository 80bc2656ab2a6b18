// A reader that stops early (`belfry access-keys list | head -2`) closes the pipe: the command then
// finishes its work as usual and what it still prints goes nowhere, as with any command-line tool.
let readerGone = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  readerGone = true;
});

/** Writes text to standard output as it is, unless nobody reads it any more. */
export function write(text: string): void {
  if (!readerGone) process.stdout.write(text);
}

/** Writes a line (or lines) to standard output. */
export function print(text = ''): void {
  write(text + '\n');
}

/** Machine-readable output: one JSON document, indented for people who read it too. */
export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/** A plain table with a header row, columns padded to their widest cell; `none` when empty. */
export function printTable(headers: string[], rows: string[][], none: string): void {
  if (rows.length === 0) {
    print(none);
    return;
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  print(line(headers));
  for (const row of rows) print(line(row));
}
