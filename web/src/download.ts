/** The browser side of an export (kept apart from csv.ts, which the Node tests read too). */
/**
 * Saves text as a file through the browser. CSV gets a byte-order mark, so spreadsheet apps read
 * it as UTF-8 rather than their locale's code page.
 */
export function download(fileName: string, text: string, type: 'text/csv' | 'application/json'): void {
  const body = type === 'text/csv' ? `\uFEFF${text}` : text;
  const url = URL.createObjectURL(new Blob([body], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
