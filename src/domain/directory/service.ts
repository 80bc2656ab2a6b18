import { findAccountById, updateAccount } from '../../store/accounts.js';
import {
  deleteConnection,
  findConnection,
  findHeldRun,
  findRun,
  listGroupTiers,
  listRuns,
  listRunItems,
  saveConnection,
  type ConnectionRecord,
} from '../../store/directories.js';
import type { Db } from '../../store/database.js';
import { authorize } from '../access/policies.js';
import { mayConnectDirectory, typeWithDirectory } from '../accounts/account-types.js';
import { auditedChange } from '../audit/trail.js';
import { invalid, notFound, preconditionFailed } from '../errors.js';
import { activeAccount } from '../users/lookups.js';
import { checkConnectInput } from './connection.js';
import type { DirectoryService } from './contract.js';
import type { DirectoryDeps } from './deps.js';
import { createMapping } from './mapping.js';
import { createRuns } from './runs.js';
import { explainUser } from './explain.js';
import { readSourceOf } from './stored-read.js';
import { directorySignIn } from './sign-in.js';
import { directorySyncJob } from './jobs.js';
import { directoryScheduleJob, scheduleNextTick } from './schedule.js';
import type { JobHandler } from '../../jobs/queue.js';
import { testConnection } from './test-connection.js';
import { createOidcConnections } from './oidc-connection.js';
import { finishIdpSignIn, startIdpSignIn } from './idp-sign-in.js';
import { connectionView, runSummary } from './views.js';

/**
 * The directory area (DESIGN §5). Rights: FullAccess (`accounts`) connects, disconnects, maps
 * groups and approves or rejects held runs; UserManagement (`users`) may start syncs; any policy
 * (`read`) may read the connection and runs, test the connection and explain a user.
 */
export function createDirectoryService(
  deps: DirectoryDeps,
): DirectoryService & { jobHandlers: JobHandler[] } {
  const { db, clock } = deps;
  const subject = (operation: string, accountId: string) => ({
    operation,
    accountId,
    targetType: 'Directory',
    targetId: accountId,
  });

  async function existingConnection(tx: Db, accountId: string): Promise<ConnectionRecord> {
    const connection = await findConnection(tx, accountId);
    if (!connection) {
      if (!(await findAccountById(tx, accountId))) throw notFound(`Account ${accountId} not found`);
      throw notFound(`Account ${accountId} has no directory connected`);
    }
    return connection;
  }

  async function view(tx: Db, connection: ConnectionRecord) {
    const [groups, [lastRun], held] = await Promise.all([
      listGroupTiers(tx, connection.accountId),
      listRuns(tx, connection.accountId, { limit: 1 }),
      findHeldRun(tx, connection.accountId),
    ]);
    return connectionView(connection, groups, lastRun, held);
  }

  const runs = createRuns(deps);
  const mapping = createMapping(deps, runs);
  const oidc = createOidcConnections(deps);

  /** 404 unless the account has an IdP connection or an AD one (AD's answer when it has neither). */
  async function idpConnection(tx: Db, accountId: string) {
    const connection = await oidc.find(tx, accountId);
    if (!connection) await existingConnection(tx, accountId);
    return connection;
  }

  return {
    jobHandlers: [directorySyncJob(runs), directoryScheduleJob(deps, runs)],

    async connect(actor, accountId, input) {
      if (input.type === 'oidc') return oidc.connect(actor, accountId, input);
      return auditedChange(deps, actor, subject('ConnectDirectory', accountId), async (tx, log) => {
        authorize(actor, 'accounts', accountId);
        const { caSubject } = checkConnectInput(input);
        const account = await activeAccount(deps, tx, accountId);
        const existing = await findConnection(tx, accountId);
        if (!existing && !mayConnectDirectory(account.type))
          throw preconditionFailed(
            account.type === 'Team'
              ? `Account ${accountId} is a Team account: verify a domain first (belfry domains), then connect the directory`
              : `Account ${accountId} is ${account.type}: disconnect its current directory first (one directory per account)`,
          );
        const at = clock.now().toISOString();
        const connection: ConnectionRecord = {
          accountId,
          type: 'ad',
          urls: input.urls,
          bindDn: input.bindDn.trim(),
          bindPasswordSealed: deps.secrets.seal(input.bindPassword),
          baseDn: input.baseDn.trim(),
          userFilter: input.userFilter?.trim(),
          caPem: input.caPem,
          caSubject,
          startTls: input.startTls ?? false,
          // a new or changed directory starts with a full read
          sync: undefined,
          nextIncrementalAt: undefined,
          nextFullAt: at,
          createdAt: existing?.createdAt ?? at,
          updatedAt: at,
        };
        await saveConnection(tx, connection);
        await scheduleNextTick(tx, deps, connection);
        if (!existing) await updateAccount(tx, accountId, { type: typeWithDirectory('ad'), updatedAt: at });
        // never the password; the settings a reader of the trail needs
        log.describe({
          urls: connection.urls,
          bindDn: connection.bindDn,
          baseDn: connection.baseDn,
          userFilter: connection.userFilter,
          caSubject,
          startTls: connection.startTls,
          replaced: existing !== undefined,
        });
        return view(tx, connection);
      });
    },

    async get(actor, accountId) {
      authorize(actor, 'read', accountId);
      const idp = await idpConnection(db, accountId);
      if (idp) return oidc.view(db, idp);
      return view(db, await existingConnection(db, accountId));
    },

    async test(actor, accountId) {
      authorize(actor, 'read', accountId);
      const idp = await idpConnection(db, accountId);
      if (idp) return oidc.test(idp);
      const connection = await existingConnection(db, accountId);
      return testConnection(deps, connection, await listGroupTiers(db, accountId));
    },

    /**
     * The account returns to EnterpriseLWA. Directory users stay, with their objectGUID kept, so
     * connecting the same directory again finds the same users; queued runs find no connection
     * and do nothing.
     */
    async disconnect(actor, accountId) {
      // An EnterpriseOIDC account may have SCIM tokens and no provider: disconnecting it then
      // returns it to EnterpriseLWA once its tokens are revoked.
      const account = await findAccountById(db, accountId);
      if ((await oidc.find(db, accountId)) || account?.type === 'EnterpriseOIDC')
        return oidc.disconnect(actor, accountId);
      return auditedChange(deps, actor, subject('DisconnectDirectory', accountId), async (tx) => {
        authorize(actor, 'accounts', accountId);
        await activeAccount(deps, tx, accountId);
        await existingConnection(tx, accountId);
        await deleteConnection(tx, accountId);
        await updateAccount(tx, accountId, { type: 'EnterpriseLWA', updatedAt: clock.now().toISOString() });
        return { accountId, accountType: 'EnterpriseLWA' as const, reason: undefined };
      });
    },

    setGroupTiers: mapping.setGroupTiers,

    async startSync(actor, accountId, options) {
      return auditedChange(deps, actor, subject('StartDirectorySync', accountId), async (tx, log) => {
        authorize(actor, 'users', accountId);
        const account = await activeAccount(deps, tx, accountId);
        // an EnterpriseOIDC account's run reads what its IdP pushed (stored-read.ts)
        if ((await readSourceOf(tx, account)) === undefined) await existingConnection(tx, accountId);
        const run = await runs.queueRun(tx, accountId, {
          kind: options.full ? 'full' : 'incremental',
          trigger: 'demand',
          dryRun: options.dryRun,
        });
        log.describe({ runId: run.id, full: options.full, dryRun: options.dryRun });
        return runSummary(run);
      });
    },

    async listRuns(actor, accountId, paging) {
      authorize(actor, 'read', accountId);
      const limit = paging.maxResults ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw invalid('MaxResults must be 1–200');
      if (!(await findAccountById(db, accountId))) throw notFound(`Account ${accountId} not found`);
      const page = await listRuns(db, accountId, { beforeId: paging.nextToken, limit: limit + 1 });
      const shown = page.slice(0, limit);
      return {
        runs: shown.map(runSummary),
        nextToken: page.length > limit ? shown.at(-1)?.id : undefined,
      };
    },

    async getRun(actor, runId) {
      const run = await findRun(db, runId);
      if (!run) throw notFound(`Run ${runId} not found`);
      authorize(actor, 'read', run.accountId);
      return { ...runSummary(run), items: await listRunItems(db, runId) };
    },

    approveRun: runs.approveRun,
    rejectRun: runs.rejectRun,

    async explain(actor, accountId, userIdOrEmail) {
      authorize(actor, 'read', accountId);
      return explainUser(db, accountId, userIdOrEmail);
    },

    signIn: (email, password) => directorySignIn(deps, email, password),
    startIdpSignIn: (email, resume) => startIdpSignIn(deps, email, resume),
    finishIdpSignIn: (transaction, query) => finishIdpSignIn(deps, transaction, query),
  };
}
