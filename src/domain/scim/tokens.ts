import { hash, randomBytes } from 'node:crypto';
import { findAccountById, updateAccount } from '../../store/accounts.js';
import {
  findScimToken,
  findUsableScimToken,
  insertScimToken,
  listScimTokens,
  revokeScimToken,
  touchScimToken,
  type ScimTokenRecord,
} from '../../store/scim-tokens.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { typeWithDirectory } from '../accounts/account-types.js';
import { auditedChange } from '../audit/trail.js';
import type { DomainDeps } from '../deps.js';
import { invalid, notFound, preconditionFailed } from '../errors.js';
import { activeAccount } from '../users/lookups.js';

/** A token as administrators see it: never the token, which is shown once when minted. */
export interface ScimTokenView {
  tokenId: string;
  accountId: string;
  name: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | undefined;
  revokedAt: string | undefined;
}

/** Who a SCIM request comes from: a live token of one account. */
export interface ScimCaller {
  tokenId: string;
  accountId: string;
  tokenName: string;
  /** the audit trail's actor: the token, with UserManagement over its own account only */
  actor: Actor;
}

/** A recorded use older than this is written again; newer ones are not (one write a minute at most). */
const TOUCH_INTERVAL_MS = 60_000;
const NAME_MAX = 100;

const view = (t: ScimTokenRecord): ScimTokenView => ({
  tokenId: t.id,
  accountId: t.accountId,
  name: t.name,
  createdBy: t.createdBy,
  createdAt: t.createdAt,
  lastUsedAt: t.lastUsedAt,
  revokedAt: t.revokedAt,
});

const tokenHash = (token: string) => hash('sha256', token, 'hex');

/**
 * SCIM bearer tokens (issue 14 item 1): minted for Enterprise accounts only, kept as SHA-256.
 * The first one makes an EnterpriseLWA account EnterpriseOIDC: its IdP manages its people from
 * then on. Revoking never changes the type (the provisioned users stay as they are).
 */
export function createScimTokens(deps: DomainDeps) {
  const { db, clock, ids } = deps;
  const subject = (operation: string, accountId: string, tokenId?: string) => ({
    operation,
    accountId,
    targetType: 'ScimToken',
    targetId: tokenId,
  });

  return {
    async createToken(
      actor: Actor,
      accountId: string,
      name: string | undefined,
    ): Promise<{ token: ScimTokenView; secret: string }> {
      return auditedChange(deps, actor, subject('CreateScimToken', accountId), async (tx, log) => {
        authorize(actor, 'accounts', accountId);
        const label = (name ?? 'scim').trim();
        if (label === '' || label.length > NAME_MAX)
          throw invalid(`A token name is 1–${NAME_MAX} characters`);
        const account = await activeAccount(deps, tx, accountId);
        if (account.type === 'Team')
          throw preconditionFailed(
            `Account ${accountId} is a Team account: claim and verify a domain first (belfry domains), then mint a SCIM token`,
          );
        if (account.type === 'EnterpriseDirectory')
          throw preconditionFailed(
            `Account ${accountId} is managed by its Active Directory: an account has one directory (disconnect it first)`,
          );
        const secret = `belfry-scim-${randomBytes(32).toString('base64url')}`;
        const at = clock.now().toISOString();
        const record: ScimTokenRecord = {
          id: ids.uuid(),
          accountId,
          name: label,
          tokenHash: tokenHash(secret),
          createdBy: actor.label,
          createdAt: at,
          lastUsedAt: undefined,
          revokedAt: undefined,
        };
        await insertScimToken(tx, record);
        const becomes = account.type === 'EnterpriseLWA' ? typeWithDirectory('oidc') : undefined;
        if (becomes) await updateAccount(tx, accountId, { type: becomes, updatedAt: at });
        log.target({ accountId, targetId: record.id });
        log.describe({ name: label, ...(becomes && { accountType: { from: account.type, to: becomes } }) });
        return { token: view(record), secret };
      });
    },

    async listTokens(actor: Actor, accountId: string): Promise<ScimTokenView[]> {
      authorize(actor, 'read', accountId);
      if (!(await findAccountById(db, accountId))) throw notFound(`Account ${accountId} not found`);
      return (await listScimTokens(db, accountId)).map(view);
    },

    /** Idempotent: revoking a revoked token answers it as it is. */
    async revokeToken(actor: Actor, accountId: string, tokenId: string): Promise<ScimTokenView> {
      return auditedChange(deps, actor, subject('RevokeScimToken', accountId, tokenId), async (tx) => {
        authorize(actor, 'accounts', accountId);
        await activeAccount(deps, tx, accountId);
        const token = await findScimToken(tx, accountId, tokenId);
        if (!token) throw notFound(`SCIM token ${tokenId} not found in account ${accountId}`);
        const at = clock.now().toISOString();
        if (!token.revokedAt) await revokeScimToken(tx, tokenId, at);
        return view({ ...token, revokedAt: token.revokedAt ?? at });
      });
    },

    /**
     * The caller a bearer token stands for, or undefined for an unknown or revoked token or one
     * whose account is deleted (the SCIM adapter answers all alike: no hint which).
     */
    async authenticate(
      secret: string,
      request: { requestId: string; sourceIp: string | undefined },
    ): Promise<ScimCaller | undefined> {
      const token = await findUsableScimToken(db, tokenHash(secret));
      if (!token) return undefined;
      const now = clock.now();
      if (!token.lastUsedAt || Date.parse(token.lastUsedAt) < now.getTime() - TOUCH_INTERVAL_MS)
        await touchScimToken(
          db,
          token.id,
          now.toISOString(),
          new Date(now.getTime() - TOUCH_INTERVAL_MS).toISOString(),
        );
      return {
        tokenId: token.id,
        accountId: token.accountId,
        tokenName: token.name,
        actor: {
          principalId: undefined,
          label: `scim-token/${token.id} (${token.name})`,
          policy: 'UserManagement',
          accountScope: token.accountId,
          requestId: request.requestId,
          sourceIp: request.sourceIp,
        },
      };
    },
  };
}

export type ScimTokens = ReturnType<typeof createScimTokens>;
