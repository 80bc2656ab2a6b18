import { randomUUID } from 'node:crypto';
import type { Actor } from '../access/actor.js';

/** The browser a person acts from: the page request's id and the client address. */
export interface Client {
  requestId: string;
  sourceIp: string | undefined;
}

/** Called from outside a page (tests, scripts): a request id of its own, no address. */
export const unknownClient = (): Client => ({ requestId: randomUUID(), sourceIp: undefined });

/**
 * A person acting on their own identity, as the audit trail names them. Named by the identity's
 * id (stable, and no address in the principal column); holds no admin rights.
 */
export function identityActor(identityId: string, client: Client): Actor {
  return {
    principalId: undefined,
    label: `identity/${identityId}`,
    policy: 'ReadOnly',
    accountScope: undefined,
    requestId: client.requestId,
    sourceIp: client.sourceIp,
  };
}

/** Someone not (yet) known to be anyone: a refused sign-in, in the trail with where it came from. */
export function anonymousActor(client: Client): Actor {
  return { ...identityActor('', client), label: 'anonymous' };
}
