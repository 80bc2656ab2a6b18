/**
 * RFC 4515 escaping for a value inside an LDAP filter: `*`, `(`, `)`, `\` and NUL would change
 * the filter's meaning (a login of `*` would match everyone), so they become `\XX`. Non-ASCII
 * characters stay as they are: the filter is sent as UTF-8, which RFC 4515 allows.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A filter as an administrator may write it, with or without its outer parentheses. */
export function parenthesized(filter: string): string {
  const trimmed = filter.trim();
  return trimmed.startsWith('(') ? trimmed : `(${trimmed})`;
}

/** `(&a b …)` of the given filters (each already parenthesised); one filter stays alone. */
export function allOf(...filters: string[]): string {
  return filters.length === 1 ? (filters[0] ?? '') : `(&${filters.join('')})`;
}

const attribute = String.raw`(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)(?:;[A-Za-z0-9-]+)*`;
const value = String.raw`(?:[^()\\\0*]|\\[0-9A-Fa-f]{2})*`;
const rule = String.raw`(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)`;
const itemPattern = new RegExp(
  `^(?:${attribute}(?:[~<>]?=${value}|=${String.raw`(?:[^()\\\0]|\\[0-9A-Fa-f]{2})*`})` +
    `|${attribute}(?::dn)?(?::${rule})?:=${value}|(?::dn)?:${rule}:=${value})$`,
);

/** Index just after the filter that starts at `at`; throws a sentence when it is malformed. */
function parseAt(filter: string, at: number, depth: number): number {
  if (depth > 50) throw new Error('it nests more than 50 levels');
  if (filter[at] !== '(') throw new Error(`"(" expected at position ${at + 1}`);
  let i = at + 1;
  const kind = filter[i];
  if (kind === '&' || kind === '|') {
    i++;
    while (filter[i] === '(') i = parseAt(filter, i, depth + 1);
  } else if (kind === '!') {
    i = parseAt(filter, i + 1, depth + 1);
  } else {
    const end = filter.indexOf(')', i);
    const item = filter.slice(i, end === -1 ? undefined : end);
    if (end === -1 || !itemPattern.test(item)) throw new Error(`"${item}" is not a valid comparison`);
    i = end;
  }
  if (filter[i] !== ')') throw new Error(`")" expected at position ${i + 1}`);
  return i + 1;
}

/**
 * Why `filter` is not valid RFC 4515 syntax, or undefined. ldapts's own parser accepts some
 * malformed filters (an unclosed `(&(objectClass=user)` becomes a broader search), and a user
 * filter that silently widens or narrows the sync is exactly what must fail loudly.
 */
export function filterSyntaxError(filter: string): string | undefined {
  try {
    const end = parseAt(filter, 0, 0);
    return end === filter.length ? undefined : `unexpected text after position ${end}`;
  } catch (error) {
    return (error as Error).message;
  }
}
