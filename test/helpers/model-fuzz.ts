import { schemas, operations } from '../../src/api/chime/generated/model.js';
import { extensionOperations, extensionSchemas } from '../../src/api/chime/extensions.js';
import type { OperationSpec, Schema } from '../../src/api/chime/model-types.js';

/**
 * Requests for every operation of the Chime model (and Belfry's extensions), built from the
 * model's shapes: valid-shaped input with known ids, then one mutation (a wrong type, a value
 * past a limit, a bad enum, a huge or invalid string, an unknown id, a broken path, query or
 * body). Deterministic for a seed.
 */

const allSchemas: Readonly<Record<string, Schema>> = { ...schemas, ...extensionSchemas };
export const allOperations: readonly OperationSpec[] = [
  ...Object.values(operations),
  ...Object.values(extensionOperations),
];

/** A small, fast, seedable generator (mulberry32). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return { next, int, pick: (items) => items[int(0, items.length - 1)]!, chance: (p) => next() < p };
}

export interface Random {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** Ids the fixtures made, by the member or label name that carries them. */
export type IdPools = Record<string, readonly string[]>;

export interface FuzzRequest {
  operation: string;
  mutation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** on the wire: labels percent-encoded */
  path: string;
  rawQuery: string;
  rawBody: Buffer | undefined;
}

const WRONG_TYPES: readonly unknown[] = [
  123,
  -1,
  1.5,
  true,
  false,
  {},
  [],
  'text',
  1e308,
  2 ** 53 + 1,
  { a: [1] },
];
const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  'lone\ud800x',
  '\udc00',
  'nul\u0000byte',
  "'; drop table users; --",
  '../../etc/passwd',
  '%2B12065550100',
  '%FF',
  '\u202eevil',
  '\u0001\u001f\u007f',
  '𝄞😀🏳️‍🌈',
  'a'.repeat(1000),
  '\n\r\t',
  '{"nested":"json"}',
  'NaN',
  '-0',
];

/** One request for `spec`, with a mutation chosen by `random`. */
export function fuzzRequest(spec: OperationSpec, random: Random, ids: IdPools): FuzzRequest {
  const shape = allSchemas[spec.input];
  const members = shape?.kind === 'structure' ? shape.members : {};
  const input: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(members))
    if (member.required || random.chance(0.5)) input[name] = validValue(name, member.target, random, ids, 0);

  let mutation = random.pick([
    'none',
    'none',
    'member',
    'member',
    'member',
    'unknown-id',
    'path',
    'query',
    'body',
  ]);
  const names = Object.keys(members);
  if ((mutation === 'member' || mutation === 'unknown-id') && names.length === 0) mutation = 'body';
  // fetch sends no body with a GET (and AWS clients never do)
  if (mutation === 'body' && spec.method === 'GET') mutation = 'query';
  if (mutation === 'member') {
    const name = random.pick(names);
    const [value, how] = mutatedValue(members[name]!.target, random, ids);
    if (value === undefined) delete input[name];
    else input[name] = value;
    mutation = `${name}: ${how}`;
  } else if (mutation === 'unknown-id') {
    const name = random.pick(names.filter((n) => /Id$|Name$/.test(n)).concat(names));
    input[name] = random.pick([seededUuid(random), 'unknown-id', '00000000-0000-0000-0000-000000000000']);
    mutation = `${name}: unknown id`;
  }

  const [template, literal] = spec.uri.split('?') as [string, string | undefined];
  let path = template.replace(/\{(\w+)\}/g, (_, label: string) => encodeLoosely(String(input[label] ?? '')));
  const query: string[] = literal ? [literal] : [];
  for (const [name, member] of Object.entries(members))
    if (member.location === 'query' && input[name] !== undefined)
      query.push(`${member.locationName}=${encodeLoosely(String(input[name]))}`);
  const body: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(members))
    if (member.location === undefined && input[name] !== undefined) body[name] = input[name];
  let rawBody: Buffer | undefined =
    spec.method !== 'GET' && (Object.keys(body).length > 0 || random.chance(0.2))
      ? Buffer.from(JSON.stringify(body))
      : undefined;

  if (mutation === 'path') {
    const [broken, how] = brokenPath(template, path, random);
    [path, mutation] = [broken, `path: ${how}`];
  } else if (mutation === 'query') {
    const how = random.pick([
      'repeated',
      'unknown key',
      'bad escape',
      'no literal',
      'other literal',
      'surrogate',
    ]);
    if (how === 'repeated') query.push(query[0] ?? 'max-results=1', query[0] ?? 'max-results=2');
    if (how === 'unknown key') query.push(`unknown-${random.int(0, 9)}=x`);
    if (how === 'bad escape') query.push(random.pick(['next-token=%FF', 'name=%', '%C3=1', 'x=%E2%82']));
    if (how === 'no literal' && literal) query.shift();
    if (how === 'other literal') query.unshift(`operation=${random.pick(['nope', 'create', 'delete', ''])}`);
    if (how === 'surrogate') query.push('next-token=%ED%A0%80');
    mutation = `query: ${how}`;
  } else if (mutation === 'body') {
    const [garbage, how] = garbageBody(random);
    [rawBody, mutation] = [garbage, `body: ${how}`];
  }
  return {
    operation: spec.name,
    mutation,
    method: spec.method as FuzzRequest['method'],
    path,
    rawQuery: query.join('&'),
    rawBody,
  };
}

/** A value the model accepts (ids from the fixtures where the member carries one). */
function validValue(name: string, target: string, random: Random, ids: IdPools, depth: number): unknown {
  const pool = ids[name];
  if (pool && pool.length > 0) return random.pick(pool);
  const schema = allSchemas[target];
  if (!schema) return 'x';
  switch (schema.kind) {
    case 'string':
      return validString(name, schema, random);
    case 'integer':
      return random.int(schema.min ?? 1, Math.min(schema.max ?? 100, (schema.min ?? 1) + 100));
    case 'boolean':
      return random.chance(0.5);
    case 'timestamp':
      return new Date(Date.now() - random.int(0, 86_400_000)).toISOString();
    case 'enum':
      return random.pick(schema.values);
    case 'list': {
      const count = random.int(Math.max(schema.min ?? 0, 1), Math.min(schema.max ?? 3, 3));
      const itemName = name.replace(/List$|s$/, '');
      return Array.from({ length: count }, () => validValue(itemName, schema.member, random, ids, depth + 1));
    }
    case 'structure': {
      const value: Record<string, unknown> = {};
      for (const [member, spec] of Object.entries(schema.members))
        if (spec.required || (depth < 3 && random.chance(0.5)))
          value[member] = validValue(member, spec.target, random, ids, depth + 1);
      return value;
    }
    case 'unit':
      return {};
  }
}

const PATTERN_EXAMPLES: readonly string[] = [
  'Fuzz value',
  'US',
  'Fuzz Name',
  'fuzz_value-1',
  '+12065550150',
  'fuzz@example.com',
  '8ab1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d',
  'abc123',
  '888',
  'abc',
];

function validString(name: string, schema: Extract<Schema, { kind: 'string' }>, random: Random): string {
  if (/Ur[il]s?$/.test(name)) return 'https://127.0.0.1:9/callback';
  if (/Email/.test(name)) return `fuzz-${random.int(0, 99999)}@example.com`;
  const fits = (text: string) =>
    [...text].length >= (schema.min ?? 0) &&
    [...text].length <= (schema.max ?? Infinity) &&
    (schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(text));
  const example = PATTERN_EXAMPLES.find(fits);
  if (example !== undefined && schema.pattern !== undefined) return example;
  const length = random.int(Math.max(schema.min ?? 1, 1), Math.min(schema.max ?? 20, 20));
  const text = Array.from({ length }, () => random.pick([...'abcdefghijklmnopqrstuvwxyz0123456789'])).join(
    '',
  );
  return fits(text) ? text : (example ?? text);
}

/** A value the model refuses (or a boundary it may accept), and how it was made. */
function mutatedValue(target: string, random: Random, ids: IdPools): [unknown, string] {
  const schema = allSchemas[target];
  if (!schema || random.chance(0.15)) return [random.pick(WRONG_TYPES), 'wrong type'];
  if (random.chance(0.05)) return [null, 'null'];
  if (random.chance(0.05)) return [undefined, 'missing'];
  switch (schema.kind) {
    case 'string': {
      const how = random.pick(['over max', 'under min', 'nasty', 'nasty', 'huge', 'pattern']);
      if (how === 'over max') return ['m'.repeat((schema.max ?? 255) + 1), how];
      if (how === 'under min') return ['m'.repeat(Math.max((schema.min ?? 1) - 1, 0)), how];
      if (how === 'huge') return ['h'.repeat(random.pick([10_000, 100_000])), how];
      if (how === 'pattern') return ['not valid for the pattern!', how];
      return [random.pick(NASTY_STRINGS), how];
    }
    case 'integer':
      return [
        random.pick([(schema.max ?? 100) + 1, (schema.min ?? 0) - 1, 0, -1, 2 ** 31, 2 ** 53 + 1, 1.5, '5']),
        'integer bounds',
      ];
    case 'boolean':
      return [random.pick(['true', 1, 0, 'yes']), 'not a boolean'];
    case 'timestamp':
      return [
        random.pick(['yesterday', '2026-13-45T99:99:99Z', 0, '9999-12-31T23:59:59Z', '']),
        'bad timestamp',
      ];
    case 'enum':
      return [
        random.pick(['NotAValue', schema.values[0]!.toLowerCase(), '', `${schema.values[0]} `]),
        'bad enum',
      ];
    case 'list': {
      const how = random.pick(['empty', 'over max', 'null item', 'bad items']);
      if (how === 'empty') return [[], how];
      if (how === 'null item') return [[null], how];
      if (how === 'bad items') return [[mutatedValue(schema.member, random, ids)[0]], how];
      const count = Math.min((schema.max ?? 50) + 1, 1001);
      return [Array.from({ length: count }, () => validValue('', schema.member, random, ids, 1)), how];
    }
    case 'structure': {
      const names = Object.keys(schema.members);
      if (names.length === 0 || random.chance(0.3)) return [random.pick(['text', [], 7]), 'not an object'];
      const value = validValue('', target, random, ids, 1) as Record<string, unknown>;
      const name = random.pick(names);
      value[name] = mutatedValue(schema.members[name]!.target, random, ids)[0];
      return [value, `nested ${name}`];
    }
    case 'unit':
      return [random.pick(WRONG_TYPES), 'wrong type'];
  }
}

function brokenPath(template: string, path: string, random: Random): [string, string] {
  const labels = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const how = random.pick(['bad escape', 'surrogate', 'nul', 'too long', 'slash', 'empty', 'extra segment']);
  if (how === 'extra segment') return [`${path}/extra`, how];
  if (labels.length === 0) return [`${path}/%FF`, 'bad escape'];
  const replacement = {
    'bad escape': '%FF',
    surrogate: '%ED%A0%80',
    nul: 'a%00b',
    'too long': 'x'.repeat(3000),
    slash: 'a%2Fb',
    empty: '',
  }[how]!;
  const label = random.pick(labels);
  // Labels fill whole segments, so the template's segments line up with the path's.
  const segments = path.split('/');
  const at = template.split('/').indexOf(`{${label}}`);
  segments[at] = replacement;
  return [segments.join('/'), `${label} ${how}`];
}

function garbageBody(random: Random): [Buffer, string] {
  const how = random.pick([
    'not json',
    'array',
    'string',
    'null',
    'invalid utf-8',
    'deep',
    'huge',
    'truncated',
  ]);
  const bodies: Record<string, () => Buffer> = {
    'not json': () => Buffer.from('{not json'),
    array: () => Buffer.from('[1,2,3]'),
    string: () => Buffer.from('"text"'),
    null: () => Buffer.from('null'),
    'invalid utf-8': () =>
      Buffer.concat([Buffer.from('{"Name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
    deep: () => Buffer.from(`{"Name":${'['.repeat(5000)}${']'.repeat(5000)}}`),
    huge: () => Buffer.from(JSON.stringify({ Name: 'h'.repeat(1_100_000) })),
    truncated: () => Buffer.from('{"Name":"abc'),
  };
  return [bodies[how]!(), how];
}

/** Percent-encodes like encodeURIComponent, but a lone surrogate as the bytes UTF-8 forbids. */
function encodeLoosely(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...text]
      .map((c) => {
        const unit = c.charCodeAt(0);
        if (c.length === 1 && unit >= 0xd800 && unit <= 0xdfff)
          return `%${(0xe0 | (unit >> 12)).toString(16)}%${(0x80 | ((unit >> 6) & 0x3f)).toString(16)}%${(0x80 | (unit & 0x3f)).toString(16)}`.toUpperCase();
        return encodeURIComponent(c);
      })
      .join('');
  }
}

/** A version-4-shaped UUID from the seeded generator. */
function seededUuid(random: Random): string {
  const hex = Array.from({ length: 32 }, () => random.int(0, 15).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}
