import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ResourceType, ScimResource } from '../../domain/scim/contract.js';
import type { ListQuery } from '../../domain/scim/lists.js';
import { selectAttributes } from '../../domain/scim/resource.js';
import type { Services } from '../../services.js';
import { ScimHttpError } from './errors.js';
import { callerOf, send, sendList } from './replies.js';

type Selection = { attributes?: string[] | undefined; excludedAttributes?: string[] | undefined };

const list = (value: unknown) =>
  typeof value === 'string' && value.trim() !== ''
    ? value
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean)
    : undefined;

function selectionOf(request: FastifyRequest): Selection {
  const query = request.query as Record<string, unknown>;
  return { attributes: list(query.attributes), excludedAttributes: list(query.excludedAttributes) };
}

function integer(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n))
    throw new ScimHttpError(400, `${name} must be an integer`, 'invalidValue');
  return n;
}

function listQueryOf(request: FastifyRequest): ListQuery {
  const query = request.query as Record<string, unknown>;
  if (query.filter !== undefined && typeof query.filter !== 'string')
    throw new ScimHttpError(400, 'Give one filter', 'invalidFilter');
  return {
    filter: query.filter,
    startIndex: integer(query.startIndex, 'startIndex'),
    count: integer(query.count, 'count'),
  };
}

/** Whether `members` is asked for: not excluded, and named when attributes are listed. */
function wantsMembers(selection: Selection): boolean {
  const named = (names: string[] | undefined) => names?.some((n) => /^(.*:)?members(\..*)?$/i.test(n));
  if (named(selection.excludedAttributes)) return false;
  return selection.attributes === undefined || named(selection.attributes) === true;
}

const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
const ifMatchOf = (request: FastifyRequest) => request.headers['if-match'];

function sendResource(
  reply: FastifyReply,
  status: number,
  resource: ScimResource,
  type: ResourceType,
  selection: Selection,
) {
  const meta = resource.meta as { version: string; location: string };
  reply.header('etag', meta.version);
  if (status === 201) reply.header('location', meta.location);
  return send(reply, status, selectAttributes(resource, type, selection));
}

/** /Users: every method; a user PATCH answers the resource (200). */
export function userRoutes(app: FastifyInstance, services: Services, options: { bodyLimit: number }) {
  const users = services.scim.users;
  app.get('/Users', async (request, reply) => {
    const selection = selectionOf(request);
    const page = await users.listUsers(callerOf(request), listQueryOf(request));
    return sendList(
      reply,
      page.items.map((u) => selectAttributes(u, 'User', selection)),
      page,
    );
  });
  app.post('/Users', options, async (request, reply) =>
    sendResource(
      reply,
      201,
      await users.createUser(callerOf(request), request.body),
      'User',
      selectionOf(request),
    ),
  );
  app.get('/Users/:id', async (request, reply) =>
    sendResource(
      reply,
      200,
      await users.getUser(callerOf(request), idOf(request)),
      'User',
      selectionOf(request),
    ),
  );
  app.put('/Users/:id', options, async (request, reply) =>
    sendResource(
      reply,
      200,
      await users.replaceUser(callerOf(request), idOf(request), request.body, ifMatchOf(request)),
      'User',
      selectionOf(request),
    ),
  );
  app.patch('/Users/:id', options, async (request, reply) =>
    sendResource(
      reply,
      200,
      await users.patchUser(callerOf(request), idOf(request), request.body, ifMatchOf(request)),
      'User',
      selectionOf(request),
    ),
  );
  app.delete('/Users/:id', async (request, reply) => {
    await users.deleteUser(callerOf(request), idOf(request), ifMatchOf(request));
    return reply.code(204).send();
  });
}

/** /Groups: `excludedAttributes=members` never reads the members; a group PATCH answers 204 (Entra). */
export function groupRoutes(app: FastifyInstance, services: Services, options: { bodyLimit: number }) {
  const groups = services.scim.groups;
  app.get('/Groups', async (request, reply) => {
    const selection = selectionOf(request);
    const page = await groups.listGroups(callerOf(request), listQueryOf(request), {
      withMembers: wantsMembers(selection),
    });
    return sendList(
      reply,
      page.items.map((g) => selectAttributes(g, 'Group', selection)),
      page,
    );
  });
  app.post('/Groups', options, async (request, reply) =>
    sendResource(
      reply,
      201,
      await groups.createGroup(callerOf(request), request.body),
      'Group',
      selectionOf(request),
    ),
  );
  app.get('/Groups/:id', async (request, reply) => {
    const selection = selectionOf(request);
    const group = await groups.getGroup(callerOf(request), idOf(request), {
      withMembers: wantsMembers(selection),
    });
    return sendResource(reply, 200, group, 'Group', selection);
  });
  app.put('/Groups/:id', options, async (request, reply) =>
    sendResource(
      reply,
      200,
      await groups.replaceGroup(callerOf(request), idOf(request), request.body, ifMatchOf(request)),
      'Group',
      selectionOf(request),
    ),
  );
  app.patch('/Groups/:id', options, async (request, reply) => {
    await groups.patchGroup(callerOf(request), idOf(request), request.body, ifMatchOf(request));
    return reply.code(204).send();
  });
  app.delete('/Groups/:id', async (request, reply) => {
    await groups.deleteGroup(callerOf(request), idOf(request), ifMatchOf(request));
    return reply.code(204).send();
  });
}
