import type { Policy } from '../../store/access-keys.js';

export type { Policy };

/** Who is making a change, and from where: carried into every rule check and audit event. */
export interface Actor {
  /** admin principal id; undefined for Belfry itself (jobs) */
  principalId: string | undefined;
  /** how the audit trail names the actor, e.g. `key/BKIA… (ops)` */
  label: string;
  policy: Policy;
  /** set when the principal may act on one account only */
  accountScope: string | undefined;
  requestId: string;
  sourceIp: string | undefined;
}

/** Belfry acting on its own behalf (scheduled jobs). */
export function systemActor(requestId: string): Actor {
  return {
    principalId: undefined,
    label: 'belfry',
    policy: 'FullAccess',
    accountScope: undefined,
    requestId,
    sourceIp: undefined,
  };
}

/** A directory sync run applying its changes: the audit trail names the run as the actor. */
export function directoryRunActor(runId: string): Actor {
  return { ...systemActor(`directory-run-${runId}`), label: `directory-run/${runId}` };
}
