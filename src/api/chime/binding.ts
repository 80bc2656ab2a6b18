import { decodeUtf8 } from '../../lib/text.js';
import { schemas } from './generated/model.js';
import { extensionSchemas } from './extensions.js';
import type { OperationSpec, Schema } from './model-types.js';
import { badRequest } from './errors.js';
import { memberEntries, validateMembers } from './validate.js';

const allSchemas: Readonly<Record<string, Schema>> = { ...schemas, ...extensionSchemas };

/**
 * Builds an operation's input from path labels, the query and the JSON body, then enforces every
 * constraint of the model on it. The AWS clients check almost nothing, so this is where a bad
 * enum, an over-long list or an out-of-range page size is refused, all problems at once.
 */
export function bindInput(
  spec: OperationSpec,
  labels: Record<string, string>,
  query: Record<string, string>,
  body: Buffer,
): Record<string, unknown> {
  const shape = allSchemas[spec.input];
  if (!shape || shape.kind !== 'structure') return {};
  const json = parseBody(body);
  const input: Record<string, unknown> = {};
  for (const [name, member] of memberEntries(shape.members)) {
    if (member.location === 'label') input[name] = labels[name];
    else if (member.location === 'query') {
      const raw = query[member.locationName!];
      if (raw !== undefined) input[name] = coerceQueryValue(allSchemas[member.target], raw);
    } else if (member.location === undefined && json[name] !== undefined) input[name] = json[name];
  }
  const problems: string[] = [];
  validateMembers(allSchemas, shape.members, input, '', problems);
  if (problems.length > 0)
    throw badRequest(
      `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
    );
  return input;
}

function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const text = decodeUtf8(body);
  if (text === undefined) throw badRequest('The request body is not valid UTF-8 text');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, dropNullMembers);
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw badRequest('The request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/**
 * restJson1 reads a member sent as `null` as one not sent, so a handler never sees null for an
 * optional member (nested ones included). Items of a list stay: a null item is refused.
 */
function dropNullMembers(this: unknown, _key: string, value: unknown): unknown {
  return value === null && !Array.isArray(this) ? undefined : value;
}

/** Query values arrive as text; integers and booleans are converted so the model's rules apply. */
function coerceQueryValue(schema: Schema | undefined, raw: string): unknown {
  if (schema?.kind === 'integer') return /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (schema?.kind === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}
