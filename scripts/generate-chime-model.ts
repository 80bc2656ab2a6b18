/**
 * Generates src/api/chime/generated/model.ts from the Smithy model of the Chime API.
 *
 * The project keeps only what it derives: the route table, the input constraints the server
 * enforces, and TypeScript types of the wire shapes. Run `npm run generate` after changing this
 * script; `npm run generate -- --check` fails when the committed file has drifted from the model.
 *
 * Usage: generate-chime-model.ts [--model <path>] [--check]
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const modelArg = args.indexOf('--model');
const modelPath =
  modelArg >= 0 ? resolve(args[modelArg + 1]!) : resolve(here, '../../shared/reference/chime-api-model.json');
const outPath = resolve(here, '../src/api/chime/generated/model.ts');
const check = args.includes('--check');

if (!existsSync(modelPath)) {
  console.error(`model not found at ${modelPath} (pass --model <path>)`);
  process.exit(check ? 0 : 1);
}

interface SmithyShape {
  type: string;
  members?: Record<string, { target: string; traits?: Record<string, unknown> }>;
  member?: { target: string };
  traits?: Record<string, unknown>;
  input?: { target: string };
  output?: { target: string };
}
const model = JSON.parse(readFileSync(modelPath, 'utf8')) as { shapes: Record<string, SmithyShape> };
const ns = 'com.amazonaws.chime#';
const shortName = (id: string) => id.replace(ns, '').replace('smithy.api#', '');

const prelude: Record<string, string> = {
  'smithy.api#String': 'string',
  'smithy.api#Boolean': 'boolean',
  'smithy.api#PrimitiveBoolean': 'boolean',
  'smithy.api#Integer': 'integer',
  'smithy.api#Unit': 'unit',
};

/** The runtime schema: only what validation and serialisation need. */
type Schema =
  | { kind: 'string'; min?: number; max?: number; pattern?: string; sensitive?: boolean }
  | { kind: 'integer'; min?: number; max?: number }
  | { kind: 'boolean' }
  | { kind: 'timestamp' }
  | { kind: 'enum'; values: string[] }
  | { kind: 'list'; member: string; min?: number; max?: number }
  | { kind: 'structure'; members: Record<string, Member> }
  | { kind: 'unit' };
interface Member {
  target: string;
  required?: true;
  location?: 'label' | 'query' | 'header';
  locationName?: string;
}

const schemas = new Map<string, Schema>();
function visit(id: string): string {
  const name = prelude[id] ? shortName(id) : shortName(id);
  if (schemas.has(name)) return name;
  if (prelude[id]) {
    const k = prelude[id]!;
    schemas.set(name, k === 'unit' ? { kind: 'unit' } : ({ kind: k } as Schema));
    return name;
  }
  const s = model.shapes[id];
  if (!s) throw new Error(`unknown shape ${id}`);
  const t = s.traits ?? {};
  const length = t['smithy.api#length'] as { min?: number; max?: number } | undefined;
  const range = t['smithy.api#range'] as { min?: number; max?: number } | undefined;
  switch (s.type) {
    case 'string':
      schemas.set(name, {
        kind: 'string',
        ...(length?.min !== undefined ? { min: length.min } : {}),
        ...(length?.max !== undefined ? { max: length.max } : {}),
        ...(t['smithy.api#pattern'] ? { pattern: t['smithy.api#pattern'] as string } : {}),
        ...(t['smithy.api#sensitive'] ? { sensitive: true } : {}),
      });
      break;
    case 'integer':
    case 'long':
      schemas.set(name, {
        kind: 'integer',
        ...(range?.min !== undefined ? { min: range.min } : {}),
        ...(range?.max !== undefined ? { max: range.max } : {}),
      });
      break;
    case 'boolean':
      schemas.set(name, { kind: 'boolean' });
      break;
    case 'timestamp':
      schemas.set(name, { kind: 'timestamp' });
      break;
    case 'enum':
      schemas.set(name, {
        kind: 'enum',
        values: Object.values(s.members ?? {}).map((m) => m.traits?.['smithy.api#enumValue'] as string),
      });
      break;
    case 'list': {
      schemas.set(name, { kind: 'list', member: '' });
      const member = visit(s.member!.target);
      schemas.set(name, {
        kind: 'list',
        member,
        ...(length?.min !== undefined ? { min: length.min } : {}),
        ...(length?.max !== undefined ? { max: length.max } : {}),
      });
      break;
    }
    case 'structure': {
      const members: Record<string, Member> = {};
      schemas.set(name, { kind: 'structure', members });
      for (const [mName, m] of Object.entries(s.members ?? {})) {
        const mt = m.traits ?? {};
        const member: Member = { target: visit(m.target) };
        if (mt['smithy.api#required']) member.required = true;
        if (mt['smithy.api#httpLabel']) member.location = 'label';
        if (mt['smithy.api#httpQuery'] !== undefined) {
          member.location = 'query';
          member.locationName = mt['smithy.api#httpQuery'] as string;
        }
        if (mt['smithy.api#httpHeader'] !== undefined) {
          member.location = 'header';
          member.locationName = mt['smithy.api#httpHeader'] as string;
        }
        members[mName] = member;
      }
      break;
    }
    default:
      throw new Error(`unsupported shape type ${s.type} for ${id}`);
  }
  return name;
}

interface Operation {
  name: string;
  method: string;
  uri: string;
  code: number;
  input: string;
  output: string;
  errors: string[];
}
const operations: Operation[] = [];
const errorShapes = new Map<string, { status: number; fault: string }>();
for (const [id, s] of Object.entries(model.shapes)) {
  if (s.type !== 'operation') continue;
  const http = s.traits?.['smithy.api#http'] as { method: string; uri: string; code?: number };
  const errors = ((s as unknown as { errors?: { target: string }[] }).errors ?? []).map((e) => {
    const shape = model.shapes[e.target]!;
    errorShapes.set(shortName(e.target), {
      status: shape.traits?.['smithy.api#httpError'] as number,
      fault: shape.traits?.['smithy.api#error'] as string,
    });
    return shortName(e.target);
  });
  operations.push({
    name: shortName(id),
    method: http.method,
    uri: http.uri,
    code: http.code ?? 200,
    input: s.input ? visit(s.input.target) : 'Unit',
    output: s.output ? visit(s.output.target) : 'Unit',
    errors,
  });
}
operations.sort((a, b) => a.name.localeCompare(b.name));
if (!schemas.has('Unit')) schemas.set('Unit', { kind: 'unit' });

function tsType(name: string, depth = 0): string {
  const s = schemas.get(name)!;
  switch (s.kind) {
    case 'string':
      return 'string';
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return 'string';
    case 'enum':
      return s.values.map((v) => JSON.stringify(v)).join(' | ');
    case 'list': {
      const inner = tsType(s.member, depth);
      return inner.includes('|') ? `(${inner})[]` : `${inner}[]`;
    }
    case 'structure':
      return name;
    case 'unit':
      return 'Record<string, never>';
  }
}

const sortedSchemas = [...schemas.entries()].sort(([a], [b]) => a.localeCompare(b));
const lines: string[] = [];
lines.push('// Generated by scripts/generate-chime-model.ts from the Chime Smithy model. Do not edit.');
lines.push('/* eslint-disable */');
lines.push('');
lines.push("import type { Schema, OperationSpec } from '../model-types.js';");
lines.push('');
for (const [name, s] of sortedSchemas) {
  if (s.kind === 'enum') lines.push(`export type ${name} = ${tsType(name)};`);
}
lines.push('');
for (const [name, s] of sortedSchemas) {
  if (s.kind !== 'structure') continue;
  lines.push(`export interface ${name} {`);
  for (const [mName, m] of Object.entries(s.members)) {
    const target = schemas.get(m.target)!;
    const type = target.kind === 'enum' || target.kind === 'structure' ? m.target : tsType(m.target);
    lines.push(`  ${mName}${m.required ? '' : '?'}: ${type};`);
  }
  lines.push('}');
}
lines.push('');
lines.push('export const schemas: Readonly<Record<string, Schema>> = {');
for (const [name, s] of sortedSchemas) lines.push(`  ${JSON.stringify(name)}: ${JSON.stringify(s)},`);
lines.push('};');
lines.push('');
lines.push('export const errorShapes = {');
for (const [name, e] of [...errorShapes.entries()].sort(([a], [b]) => a.localeCompare(b)))
  lines.push(`  ${name}: ${JSON.stringify(e)},`);
lines.push('} as const;');
lines.push('');
lines.push('export const operations = {');
for (const op of operations) lines.push(`  ${op.name}: ${JSON.stringify(op)},`);
lines.push('} as const satisfies Record<string, OperationSpec>;');
lines.push('');
lines.push('export type OperationName = keyof typeof operations;');
lines.push('export type Unit = Record<string, never>;');
lines.push('export interface OperationIO {');
for (const op of operations) lines.push(`  ${op.name}: { input: ${op.input}; output: ${op.output} };`);
lines.push('}');
lines.push('');
const text = lines.join('\n');

if (check) {
  const current = existsSync(outPath) ? readFileSync(outPath, 'utf8') : '';
  if (current !== text) {
    console.error('src/api/chime/generated/model.ts has drifted from the model: run `npm run generate`');
    process.exit(1);
  }
  console.log('generated Chime model is up to date');
} else {
  writeFileSync(outPath, text);
  console.log(`wrote ${outPath}: ${operations.length} operations, ${schemas.size} shapes`);
}
