import { replaceGroupTiers, listDirectoryMembers, listGroupTiers } from '../../store/directories.js';
import type { License } from '../../store/accounts.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import { invalid, notFound } from '../errors.js';
import { activeAccount } from '../users/lookups.js';
import type { GroupTier, TierPreview } from './contract.js';
import type { DirectoryDeps } from './deps.js';
import type { Runs } from './runs.js';
import { loadStoredRead, readSourceOf } from './stored-read.js';
import { createTierResolver } from './tiers.js';

const UAC_DISABLED = 0x2;

/** `directory groups`: the tier mapping, previewed from the last applied read before it is saved. */
export function createMapping(deps: DirectoryDeps, runs: Runs) {
  return {
    async setGroupTiers(actor: Actor, accountId: string, groups: GroupTier[], options: { dryRun: boolean }) {
      const subject = {
        operation: 'SetDirectoryGroupTiers',
        accountId,
        targetType: 'Directory',
        targetId: accountId,
      };
      return auditedChange(deps, actor, subject, async (tx, log) => {
        authorize(actor, 'accounts', accountId);
        checkMapping(groups);
        const account = await activeAccount(deps, tx, accountId);
        // AD accounts map their directory's groups; EnterpriseOIDC accounts the groups their IdP pushes
        const source = await readSourceOf(tx, account);
        if (!source) throw notFound(`Account ${accountId} has no directory connected`);
        const read = await loadStoredRead(tx, accountId, source);
        const members = await listDirectoryMembers(tx, accountId);
        const tierOf = (mapping: GroupTier[]) => {
          const resolver = createTierResolver(read.groups, mapping, account.defaultLicense);
          return (u: (typeof read.users)[number]) =>
            (u.userAccountControl & UAC_DISABLED) !== 0 ? null : resolver.derive(u).tier;
        };
        const before = tierOf(await listGroupTiers(tx, accountId));
        const after = tierOf(groups);
        const preview: TierPreview = { tierChanges: 0, loseSignIn: 0, gainSignIn: 0, examples: [] };
        for (const user of read.users) {
          const [from, to] = [before(user), after(user)];
          if (from === to) continue;
          if (from === null) preview.gainSignIn++;
          else if (to === null) preview.loseSignIn++;
          else preview.tierChanges++;
          if (preview.examples.length < 50)
            preview.examples.push({
              userId: members.get(user.guid)?.id,
              email: user.mail ?? user.userPrincipalName,
              from,
              to,
            });
        }
        if (options.dryRun) {
          log.onlyItems();
          return { preview, saved: false, runId: undefined };
        }
        await replaceGroupTiers(tx, accountId, groups, deps.clock.now().toISOString());
        const run = await runs.queueRun(tx, accountId, {
          kind: 'incremental',
          trigger: 'mapping',
          dryRun: false,
        });
        log.describe({ groups, runId: run.id, preview: { ...preview, examples: undefined } });
        return { preview, saved: true, runId: run.id };
      });
    },
  };
}

function checkMapping(groups: GroupTier[]) {
  const seen = new Set<string>();
  for (const g of groups) {
    const name = g.groupName.trim().toLowerCase();
    if (name === '') throw invalid('A group name is empty');
    if (seen.has(name)) throw invalid(`Group ${g.groupName} is mapped twice`);
    seen.add(name);
    if (g.tier !== undefined && !(['Pro', 'Basic'] as License[]).includes(g.tier))
      throw invalid(`Group ${g.groupName}: the tier must be Pro or Basic`);
  }
}
