import { invalid } from '../errors.js';
import type { CompareOp, Filter, ResourceType } from './contract.js';
import { resolveName, withSubAttribute, type ResolvedPath } from './paths.js';

/**
 * The RFC 7644 §3.4.2.2 grammar, shared by `filter` query parameters and PATCH paths (§3.5.2),
 * which differ only in their start symbol and in the `scimType` of their errors.
 */

/** Longer than any filter an IdP sends; bounds the work a hostile one can ask for. */
export const MAX_FILTER_LENGTH = 4096;
/** Parentheses, `not` and value paths nested deeper than this are refused before recursion hurts. */
export const MAX_FILTER_DEPTH = 32;

const COMPARE_OPS: readonly CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const ORDERING_OPS: readonly CompareOp[] = ['gt', 'ge', 'lt', 'le'];
const STRING_OPS: readonly CompareOp[] = ['co', 'sw', 'ew'];

type CompValue = string | number | boolean | null;

interface Token {
  kind: 'word' | 'string' | 'number' | '(' | ')' | '[' | ']';
  text: string;
  value?: CompValue;
  start: number;
  end: number;
}

const WORD_CHAR = /[A-Za-z0-9_:.\-$]/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SPACE = /\s/;

type Reason = 'invalidFilter' | 'invalidPath';

function fail(reason: Reason, message: string): never {
  throw invalid(message, reason);
}

function tokenize(source: string, reason: Reason): Token[] {
  if (source.length > MAX_FILTER_LENGTH)
    fail(reason, `The ${what(reason)} is longer than ${MAX_FILTER_LENGTH} characters.`);
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const char = source.charAt(at);
    if (SPACE.test(char)) at += 1;
    else if ('()[]'.includes(char)) {
      tokens.push({ kind: char as Token['kind'], text: char, start: at, end: at + 1 });
      at += 1;
    } else if (char === '"' || char === '-' || (char >= '0' && char <= '9')) {
      const token = char === '"' ? readString(source, at, reason) : readNumber(source, at, reason);
      tokens.push(token);
      at = token.end;
    } else if (WORD_CHAR.test(char)) {
      let end = at + 1;
      while (end < source.length && WORD_CHAR.test(source.charAt(end))) end += 1;
      tokens.push({ kind: 'word', text: source.slice(at, end), start: at, end });
      at = end;
    } else
      fail(
        reason,
        `Unexpected character ${JSON.stringify(char)} at position ${at + 1} of the ${what(reason)}.`,
      );
  }
  return tokens;
}

/** A JSON string literal, escapes and all (JSON.parse reads the escapes once the end is found). */
function readString(source: string, start: number, reason: Reason): Token {
  let at = start + 1;
  while (at < source.length && source.charAt(at) !== '"') at += source.charAt(at) === '\\' ? 2 : 1;
  if (at >= source.length) fail(reason, `The string starting at position ${start + 1} is not closed.`);
  const text = source.slice(start, at + 1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail(reason, `The string starting at position ${start + 1} has an invalid escape.`);
  }
  return { kind: 'string', text, value: value as string, start, end: at + 1 };
}

function readNumber(source: string, start: number, reason: Reason): Token {
  NUMBER.lastIndex = start;
  const match = NUMBER.exec(source);
  const end = start + (match?.[0].length ?? 0);
  if (!match || (end < source.length && WORD_CHAR.test(source.charAt(end))))
    fail(reason, `Invalid number at position ${start + 1} of the ${what(reason)}.`);
  return { kind: 'number', text: match[0], value: Number(match[0]), start, end };
}

function what(reason: Reason): string {
  return reason === 'invalidFilter' ? 'filter' : 'path';
}

/** A PATCH path: an attribute, optionally a value filter in brackets, optionally a sub-attribute. */
export interface ParsedPatchPath {
  target: ResolvedPath;
  /** the `[…]` filter; its paths name the attribute and the sub-attribute they test */
  filter?: Filter | undefined;
}

class Parser {
  private at = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
    private readonly type: ResourceType,
    private readonly reason: Reason,
  ) {}

  filter(): Filter {
    if (this.tokens.length === 0) this.fail('The filter is empty.');
    const filter = this.orExpression(undefined);
    this.expectEnd();
    return filter;
  }

  patchPath(): ParsedPatchPath {
    const token = this.next();
    if (token?.kind !== 'word')
      this.fail(`The path ${JSON.stringify(this.source)} does not start with an attribute.`);
    let target = this.resolve(token);
    let filter: Filter | undefined;
    if (this.peek()?.kind === '[') {
      filter = this.bracketFilter(target, token);
      const sub = this.adjacentSubAttribute(target);
      if (sub) target = sub;
    }
    this.expectEnd();
    return { target, filter };
  }

  private orExpression(scope: ResolvedPath | undefined): Filter {
    return this.chain('or', () => this.andExpression(scope));
  }

  /** `and` binds tighter than `or`: an or-chain's operands are and-chains. */
  private andExpression(scope: ResolvedPath | undefined): Filter {
    return this.chain('and', () => this.unary(scope));
  }

  /** Operands joined by one logical operator, left to right, without recursion per term. */
  private chain(op: 'and' | 'or', operand: () => Filter): Filter {
    let left = operand();
    while (this.peekWord(op)) {
      this.next();
      left = { op, left, right: operand() };
    }
    return left;
  }

  private unary(scope: ResolvedPath | undefined): Filter {
    const token = this.peek();
    if (token?.kind === '(') {
      this.next();
      const inner = this.nested(() => this.orExpression(scope));
      this.expect(')');
      return inner;
    }
    if (token?.kind === 'word' && token.text.toLowerCase() === 'not') {
      this.next();
      this.expect('(');
      const inner = this.nested(() => this.orExpression(scope));
      this.expect(')');
      return { op: 'not', filter: inner };
    }
    if (token?.kind === 'word') return this.attributeExpression(scope);
    return this.fail(
      token
        ? `Expected an attribute at position ${token.start + 1} of the filter, found ${token.text}.`
        : 'The filter ends where an attribute was expected.',
    );
  }

  /** `attrPath op value`, `attrPath pr`, or (outside brackets) a value path `attr[…]`. */
  private attributeExpression(scope: ResolvedPath | undefined): Filter {
    const token = this.next()!;
    let target = scope ? this.resolveSub(scope, token) : this.resolve(token);
    let valueFilter: Filter | undefined;
    if (this.peek()?.kind === '[') {
      if (scope) this.fail(`A value filter cannot be nested inside another, at position ${token.end + 1}.`);
      valueFilter = this.bracketFilter(target, token);
      const sub = this.adjacentSubAttribute(target);
      if (!sub) return { op: 'valuePath', path: target.path, filter: valueFilter };
      target = sub;
    }
    const comparison = this.comparison(target);
    // `emails[type eq "work"].value eq "x"`: the element must pass both tests, so the comparison
    // joins the bracket's filter inside the value path.
    if (!valueFilter) return comparison;
    const path = { schema: target.path.schema, attribute: target.path.attribute };
    return { op: 'valuePath', path, filter: { op: 'and', left: valueFilter, right: comparison } };
  }

  private comparison(target: ResolvedPath): Filter {
    const token = this.next();
    const op = token?.kind === 'word' ? token.text.toLowerCase() : '';
    const name = this.quoted(target);
    if (op === 'pr') return { op: 'pr', path: target.path };
    if (!COMPARE_OPS.includes(op as CompareOp))
      this.fail(
        token
          ? `Expected an operator after ${name} at position ${token.start + 1}, found ${token.text}.`
          : `The filter ends where an operator for ${name} was expected.`,
      );
    const compareOp = op as CompareOp;
    const value = this.compValue(name);
    return {
      op: compareOp,
      path: target.path,
      value: checkedValue(target, compareOp, value, name, this.reason),
    };
  }

  private compValue(name: string): CompValue {
    const token = this.next();
    if (token?.kind === 'string' || token?.kind === 'number') return token.value!;
    const word = token?.kind === 'word' ? token.text.toLowerCase() : '';
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    return this.fail(
      token
        ? `Expected a value for ${name} at position ${token.start + 1}, found ${token.text}.`
        : `The filter ends where a value for ${name} was expected.`,
    );
  }

  private bracketFilter(target: ResolvedPath, token: Token): Filter {
    if (!target.attribute.multiValued || target.subAttribute)
      this.fail(
        `${this.quoted(target)} is not multi-valued, so it takes no [filter] (position ${token.end + 1}).`,
      );
    this.expect('[');
    const inner = this.nested(() => this.orExpression(target));
    this.expect(']');
    return inner;
  }

  /** `.value` right after `]` */
  private adjacentSubAttribute(parent: ResolvedPath): ResolvedPath | undefined {
    const token = this.peek();
    const previous = this.tokens[this.at - 1];
    if (token?.kind !== 'word' || !token.text.startsWith('.') || token.start !== previous?.end)
      return undefined;
    this.next();
    const sub = withSubAttribute(parent, token.text.slice(1));
    return sub ?? this.fail(`${this.quoted(parent)} has no sub-attribute ${token.text.slice(1)}.`);
  }

  private resolve(token: Token): ResolvedPath {
    const resolution = resolveName(token.text, this.type);
    if (resolution?.kind === 'attribute') return resolution.resolved;
    return this.fail(
      `Unknown attribute ${token.text} at position ${token.start + 1} of the ${what(this.reason)}.`,
    );
  }

  private resolveSub(scope: ResolvedPath, token: Token): ResolvedPath {
    const sub = withSubAttribute(scope, token.text);
    return (
      sub ??
      this.fail(`${this.quoted(scope)} has no sub-attribute ${token.text} (position ${token.start + 1}).`)
    );
  }

  private nested<T>(parse: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_FILTER_DEPTH)
      this.fail(`The ${what(this.reason)} nests deeper than ${MAX_FILTER_DEPTH} levels.`);
    const result = parse();
    this.depth -= 1;
    return result;
  }

  private quoted(target: ResolvedPath): string {
    const { attribute, subAttribute } = target.path;
    return subAttribute === undefined ? attribute : `${attribute}.${subAttribute}`;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private peekWord(word: string): boolean {
    const token = this.peek();
    return token?.kind === 'word' && token.text.toLowerCase() === word;
  }

  private next(): Token | undefined {
    const token = this.tokens[this.at];
    if (token) this.at += 1;
    return token;
  }

  private expect(kind: Token['kind']): void {
    const token = this.next();
    if (token?.kind === kind) return;
    this.fail(
      token
        ? `Expected ${kind} at position ${token.start + 1} of the ${what(this.reason)}, found ${token.text}.`
        : `The ${what(this.reason)} ends where ${kind} was expected.`,
    );
  }

  private expectEnd(): void {
    const token = this.peek();
    if (token)
      this.fail(`Unexpected ${token.text} at position ${token.start + 1} of the ${what(this.reason)}.`);
  }

  private fail(message: string): never {
    return fail(this.reason, message);
  }
}

/**
 * The comparison value as the attribute's type wants it: Entra's `"true"` read as a boolean, a
 * number compared with a string attribute as its text. Ordering a boolean or a complex value, or
 * a substring test on a boolean, has no meaning and is refused.
 */
function checkedValue(
  target: ResolvedPath,
  op: CompareOp,
  value: CompValue,
  name: string,
  reason: Reason,
): CompValue {
  let definition = target.subAttribute ?? target.attribute;
  if (definition.type === 'complex') {
    const valueSub = definition.subAttributes?.find((sub) => sub.name === 'value');
    if (!valueSub || ORDERING_OPS.includes(op))
      fail(reason, `${name} is complex: compare one of its sub-attributes instead.`);
    definition = valueSub;
  }
  if (value === null) {
    if (op !== 'eq' && op !== 'ne') fail(reason, `${name} ${op} null has no meaning; use eq or ne.`);
    return null;
  }
  switch (definition.type) {
    case 'boolean': {
      if (ORDERING_OPS.includes(op) || STRING_OPS.includes(op))
        fail(reason, `${name} is a boolean, so ${op} does not apply to it.`);
      const read = typeof value === 'string' ? { true: true, false: false }[value.toLowerCase()] : value;
      if (typeof read !== 'boolean') fail(reason, `${name} is a boolean; compare it with true or false.`);
      return read;
    }
    case 'dateTime':
      if (typeof value !== 'string' || (!STRING_OPS.includes(op) && Number.isNaN(Date.parse(value))))
        fail(reason, `${name} is a date and time; compare it with a quoted ISO 8601 value.`);
      return value;
    default:
      if (typeof value === 'boolean') fail(reason, `${name} is a string; compare it with a quoted value.`);
      return String(value);
  }
}

export function parseFilterText(text: string, type: ResourceType): Filter {
  return new Parser(text, tokenize(text, 'invalidFilter'), type, 'invalidFilter').filter();
}

/** A PATCH path (RFC 7644 §3.5.2 PATH); errors are `invalidPath`. */
export function parsePatchPath(text: string, type: ResourceType): ParsedPatchPath {
  return new Parser(text, tokenize(text, 'invalidPath'), type, 'invalidPath').patchPath();
}
