import { operations } from './generated/model.js';
import { extensionOperations } from './extensions.js';
import type { OperationSpec } from './model-types.js';
import type { AnyOperationName } from './context.js';

/** One operation on a path template, told apart from its siblings by a literal query value. */
export interface RouteCandidate {
  spec: OperationSpec & { name: AnyOperationName };
  /** e.g. ['operation', 'create']; undefined when the operation has no literal */
  literal: [string, string] | undefined;
}

export interface RouteGroup {
  method: string;
  /** Fastify path, e.g. `/accounts/:AccountId/users` */
  path: string;
  /** label names in path order */
  labels: string[];
  candidates: RouteCandidate[];
  /** the query keys the candidates' literals use, e.g. ['operation'] */
  literalKeys: string[];
}

/** Groups every Chime and extension operation by method and path template. */
export function buildRouteGroups(): RouteGroup[] {
  const groups = new Map<string, RouteGroup>();
  const specs = [...Object.values(operations), ...Object.values(extensionOperations)] as Array<
    OperationSpec & { name: AnyOperationName }
  >;
  for (const spec of specs) {
    const [template, query] = spec.uri.split('?') as [string, string | undefined];
    const labels = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const path = template.replace(/\{(\w+)\}/g, ':$1');
    const key = `${spec.method} ${path}`;
    let group = groups.get(key);
    if (!group) {
      group = { method: spec.method, path, labels, candidates: [], literalKeys: [] };
      groups.set(key, group);
    }
    const literal = query ? (query.split('=') as [string, string]) : undefined;
    group.candidates.push({ spec, literal });
    if (literal && !group.literalKeys.includes(literal[0])) group.literalKeys.push(literal[0]);
  }
  return [...groups.values()];
}

/**
 * Picks the operation for a request from its parsed query: a candidate whose literal matches,
 * else the one without a literal, provided the request names no other value for that key.
 */
export function selectCandidate(
  group: RouteGroup,
  query: Record<string, string>,
): RouteCandidate | undefined {
  const withLiteral = group.candidates.find((c) => c.literal && query[c.literal[0]] === c.literal[1]);
  if (withLiteral) return withLiteral;
  for (const key of group.literalKeys) if (query[key] !== undefined) return undefined;
  return group.candidates.find((c) => !c.literal);
}
