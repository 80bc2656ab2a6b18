import type { Clock } from '../../lib/clock.js';
import { newAccessKeyId, newSecretAccessKey, type Ids } from '../../lib/ids.js';
import { keptWhileUnchanged } from '../../lib/kept-while-unchanged.js';
import { cachingOpens, type SecretBox } from '../../lib/secret-box.js';
import { findAccountById } from '../../store/accounts.js';
import {
  countAccessKeys,
  deleteAccessKey as deleteAccessKeyRow,
  findAccessKey,
  insertAccessKey,
  insertPrincipal,
  listAccessKeys as listAccessKeyRows,
  touchAccessKey,
  type AccessKeyRecord,
  type Policy,
} from '../../store/access-keys.js';
import type { Db } from '../../store/database.js';
import { invalid, notFound } from '../errors.js';
import { isPolicy } from './policies.js';
import type { Actor } from './actor.js';
import { auditedChange } from '../audit/trail.js';

export interface KeyDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  secrets: SecretBox;
  /** see OpenDatabase.changeMarker: resolved keys are kept while it holds (and is defined) */
  changeMarker?: (() => string | undefined) | undefined;
}

export interface NewAccessKey {
  accessKeyId: string;
  secretAccessKey: string;
  principalName: string;
  policy: Policy;
  accountId: string | undefined;
}

export interface AccessKeySummary {
  accessKeyId: string;
  principalName: string;
  policy: Policy;
  accountId: string | undefined;
  createdAt: string;
  lastUsedAt: string | undefined;
}

/** A key as the SigV4 verifier needs it: the clear secret and who it belongs to. */
export interface ResolvedKey {
  secretAccessKey: string;
  principal: AccessKeyRecord['principal'];
}

/**
 * Access keys of admin principals. The secret is shown once at creation and kept sealed with the
 * installation's master key (SigV4 needs it in clear to compute the HMAC, so it cannot be hashed).
 */
export function createAccessKeys(deps: KeyDeps) {
  const secrets = cachingOpens(deps.secrets);
  const lastRecorded = new Map<string, number>();
  // Keys found (an unknown id is read again each time: it costs no one but its sender).
  const resolved = keptWhileUnchanged<ResolvedKey | undefined>(deps.changeMarker, {
    maxEntries: 10_000,
    keeps: (key) => key !== undefined,
  });

  return {
    /** Mints a key for a new admin principal; `actor` is who asked (audited). */
    async createAccessKey(
      actor: Actor,
      input: {
        name: string;
        policy: string;
        accountId?: string | undefined;
        accessKeyId?: string | undefined;
        secretAccessKey?: string | undefined;
      },
    ): Promise<NewAccessKey> {
      if (!isPolicy(input.policy))
        throw invalid(`Policy must be FullAccess, UserManagement or ReadOnly, not ${input.policy}`);
      const name = input.name.trim();
      if (name === '' || name.length > 128) throw invalid('A key name is 1 to 128 characters');
      if (input.accountId !== undefined && !(await findAccountById(deps.db, input.accountId)))
        throw notFound(`Account ${input.accountId} not found`);
      const accessKeyId = input.accessKeyId ?? newAccessKeyId();
      const secretAccessKey = input.secretAccessKey ?? newSecretAccessKey();
      const at = deps.clock.now().toISOString();
      const principalId = deps.ids.uuid();
      const subject = {
        operation: 'CreateAccessKey',
        accountId: input.accountId,
        targetType: 'AccessKey',
        targetId: accessKeyId,
        details: { name, policy: input.policy },
      };
      await auditedChange(deps, actor, subject, async (tx) => {
        if (await findAccessKey(tx, accessKeyId)) throw invalid(`Access key ${accessKeyId} already exists`);
        await insertPrincipal(tx, {
          id: principalId,
          name,
          policy: input.policy as Policy,
          accountId: input.accountId,
          createdAt: at,
        });
        await insertAccessKey(tx, {
          accessKeyId,
          principalId,
          secretSealed: deps.secrets.seal(secretAccessKey),
          createdAt: at,
        });
      });
      resolved.changed();
      return {
        accessKeyId,
        secretAccessKey,
        principalName: name,
        policy: input.policy,
        accountId: input.accountId,
      };
    },

    async listAccessKeys(): Promise<AccessKeySummary[]> {
      return (await listAccessKeyRows(deps.db)).map((k) => ({
        accessKeyId: k.accessKeyId,
        principalName: k.principal.name,
        policy: k.principal.policy,
        accountId: k.principal.accountId,
        createdAt: k.createdAt,
        lastUsedAt: k.lastUsedAt,
      }));
    },

    /** Removes a key (and its principal with its last key); requests it signs fail at once. */
    async deleteAccessKey(actor: Actor, accessKeyId: string): Promise<void> {
      const key = await findAccessKey(deps.db, accessKeyId);
      const subject = {
        operation: 'DeleteAccessKey',
        accountId: key?.principal.accountId,
        targetType: 'AccessKey',
        targetId: accessKeyId,
      };
      await auditedChange(deps, actor, subject, async (tx) => {
        if (!(await deleteAccessKeyRow(tx, accessKeyId)))
          throw notFound(`Access key ${accessKeyId} not found`);
      });
      resolved.changed();
    },

    /**
     * Notes that a key signed a request, for the operator's "last used" column. Written at most
     * once a minute per key and instance, so verifying a signature stays a read; the write's
     * promise, or undefined when there is none (every request but one a minute need not wait).
     */
    recordUse(accessKeyId: string): Promise<void> | undefined {
      const now = deps.clock.now();
      const last = lastRecorded.get(accessKeyId);
      if (last !== undefined && Math.abs(now.getTime() - last) < 60_000) return undefined;
      if (lastRecorded.size > 10_000) lastRecorded.clear();
      lastRecorded.set(accessKeyId, now.getTime());
      return touchAccessKey(deps.db, accessKeyId, now.toISOString());
    },

    async hasAnyKey(): Promise<boolean> {
      return (await countAccessKeys(deps.db)) > 0;
    },

    /**
     * Finds a key and opens its secret. A deleted key must stop working at once on every
     * instance, so the lookup is only skipped while the database's change marker says no key
     * was written since it was made (SQLite: nothing at all; PostgreSQL: no notification).
     * A result is kept only if the marker did not move during the lookup (a write that
     * committed meanwhile may have been missed by it), and for 10 seconds at most, in case
     * notifications stop without the connection saying so.
     */
    resolveKey: (accessKeyId: string): Promise<ResolvedKey | undefined> =>
      resolved.get(accessKeyId, async () => {
        const row = await findAccessKey(deps.db, accessKeyId);
        return row && { secretAccessKey: secrets.open(row.secretSealed), principal: row.principal };
      }),
  };
}

export type AccessKeys = ReturnType<typeof createAccessKeys>;
