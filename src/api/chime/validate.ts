import { textProblem } from '../../lib/text.js';
import type { MemberSpec, Schema } from './model-types.js';

/**
 * Checks a value against a shape of the model and collects every violation, worded like AWS's
 * own validation errors so scripts that parse them keep working. Smithy patterns are not
 * anchored, and lengths count code points.
 */
export function validateShape(
  schemas: Readonly<Record<string, Schema>>,
  shapeName: string,
  value: unknown,
  path: string,
  problems: string[],
): void {
  const schema = schemas[shapeName];
  if (!schema) throw new Error(`unknown shape ${shapeName}`);
  if (value === undefined || value === null) return;
  switch (schema.kind) {
    case 'string': {
      if (typeof value !== 'string') return void problems.push(`Value at '${path}' must be a string`);
      const problem = textProblem(value);
      if (problem !== undefined) return void problems.push(`Value at '${path}' ${problem}`);
      const length = codePointLength(value);
      if (schema.min !== undefined && length < schema.min)
        problems.push(
          `Value at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${schema.min}`,
        );
      if (schema.max !== undefined && length > schema.max)
        problems.push(
          `Value at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${schema.max}`,
        );
      if (schema.pattern !== undefined && !patternFor(schema.pattern).test(value))
        problems.push(
          `Value ${schema.sensitive ? '' : `'${value}' `}at '${path}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${schema.pattern}`,
        );
      return;
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value))
        return void problems.push(`Value '${show(value)}' at '${path}' must be an integer`);
      if (schema.min !== undefined && value < schema.min)
        problems.push(
          `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value greater than or equal to ${schema.min}`,
        );
      if (schema.max !== undefined && value > schema.max)
        problems.push(
          `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value less than or equal to ${schema.max}`,
        );
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`Value '${show(value)}' at '${path}' must be a boolean`);
      return;
    case 'timestamp':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
        problems.push(`Value '${show(value)}' at '${path}' must be an ISO 8601 timestamp`);
      return;
    case 'enum':
      if (typeof value !== 'string' || !schema.values.includes(value))
        problems.push(
          `Value '${show(value)}' at '${path}' failed to satisfy constraint: Member must satisfy enum value set: [${schema.values.join(', ')}]`,
        );
      return;
    case 'list': {
      if (!Array.isArray(value)) return void problems.push(`Value at '${path}' must be a list`);
      if (schema.min !== undefined && value.length < schema.min)
        problems.push(
          `Value at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${schema.min}`,
        );
      if (schema.max !== undefined && value.length > schema.max)
        problems.push(
          `Value at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${schema.max}`,
        );
      value.forEach((item, i) => {
        if (item === null || item === undefined)
          problems.push(`Value at '${path}.${i + 1}' must not be null`);
        else validateShape(schemas, schema.member, item, `${path}.${i + 1}`, problems);
      });
      return;
    }
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value))
        return void problems.push(`Value at '${path}' must be an object`);
      validateMembers(schemas, schema.members, value as Record<string, unknown>, path, problems);
      return;
    }
    case 'unit':
      return;
  }
}

export function validateMembers(
  schemas: Readonly<Record<string, Schema>>,
  members: Readonly<Record<string, MemberSpec>>,
  value: Record<string, unknown>,
  path: string,
  problems: string[],
): void {
  for (const [name, member] of memberEntries(members)) {
    const memberPath = path ? `${path}.${lowerFirst(name)}` : lowerFirst(name);
    const v = value[name];
    if (v === undefined || v === null) {
      if (member.required)
        problems.push(`Value null at '${memberPath}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    validateShape(schemas, member.target, v, memberPath, problems);
  }
}

const patterns = new Map<string, RegExp>();
function patternFor(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    re = new RegExp(source, 'u');
    patterns.set(source, re);
  }
  return re;
}

const memberLists = new WeakMap<object, ReadonlyArray<[string, MemberSpec]>>();
/** A structure's members as a list, made once per shape: every request walks them. */
export function memberEntries(
  members: Readonly<Record<string, MemberSpec>>,
): ReadonlyArray<[string, MemberSpec]> {
  let list = memberLists.get(members);
  if (!list) {
    list = Object.entries(members);
    memberLists.set(members, list);
  }
  return list;
}

const lowerFirsts = new Map<string, string>();
/** The member's name as AWS words it in a path (`accountId`); names are few, so each is kept. */
function lowerFirst(name: string): string {
  let lower = lowerFirsts.get(name);
  if (lower === undefined) {
    lower = name.charAt(0).toLowerCase() + name.slice(1);
    lowerFirsts.set(name, lower);
  }
  return lower;
}

/** Lengths in the model count code points: a surrogate pair is one character. */
function codePointLength(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      const before = text.charCodeAt(i - 1);
      if (before >= 0xd800 && before <= 0xdbff) pairs++;
    }
  }
  return text.length - pairs;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
