import { randomBytes } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { Ids } from '../../lib/ids.js';
import type { SecretBox } from '../../lib/secret-box.js';
import {
  deleteAppWebhook as deleteWebhookRow,
  findAppWebhook,
  listAppWebhooks as listWebhookRows,
  upsertAppWebhook,
} from '../../store/app-webhooks.js';
import type { Db } from '../../store/database.js';
import { findClientById } from '../../store/oidc-clients.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange, recordRefusal } from '../audit/trail.js';
import { invalid, notFound } from '../errors.js';
import { isLoopbackUrl, type WebhookDestinations } from './destinations.js';

export interface WebhookDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  secrets: SecretBox;
  destinations: WebhookDestinations;
}

export interface AppWebhook {
  clientId: string;
  url: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * An absolute https URL (http only to this host), without credentials or fragment. Where it may
 * go (resolved and checked) is WebhookDestinations' rule.
 */
export function checkWebhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`Url must be an absolute URL, not ${JSON.stringify(text)}`);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackUrl(url));
  if (!secure) throw invalid('Url must use https (plain http is accepted only to a loopback address)');
  if (url.username || url.password || url.hash) throw invalid('Url must not carry credentials or a fragment');
  if (text.length > 2048) throw invalid('Url is at most 2048 characters');
  return url.toString();
}

/**
 * Where each registered app receives entitlement changes. The signing secret is shown once, when
 * set; setting the webhook again replaces both address and secret (that is how a secret rotates).
 */
export function createAppWebhooks(deps: WebhookDeps) {
  return {
    /**
     * The destination is resolved and checked before the change's transaction (no DNS wait
     * inside it), so a refusal there is filed in the trail by hand, as auditedChange files its own.
     * Deliveries check it again (names may resolve elsewhere later).
     */
    async setAppWebhook(
      actor: Actor,
      clientId: string,
      url: string,
    ): Promise<AppWebhook & { signingSecret: string }> {
      const subject = {
        operation: 'PutAppWebhook',
        targetType: 'AppClient',
        targetId: clientId,
        details: { url: withoutSecrets(url) },
      };
      let checked: string;
      try {
        authorize(actor, 'operator');
        checked = checkWebhookUrl(url);
        await deps.destinations.check(new URL(checked));
      } catch (error) {
        await recordRefusal(deps, actor, subject, error);
        throw error;
      }
      return auditedChange(deps, actor, subject, async (tx) => {
        if (!(await findClientById(tx, clientId))) throw notFound(`App client ${clientId} not found`);
        const signingSecret = `whsec_${randomBytes(32).toString('base64url')}`;
        const at = deps.clock.now().toISOString();
        const existing = await findAppWebhook(tx, clientId);
        const set = await upsertAppWebhook(tx, {
          clientId,
          url: checked,
          secretSealed: deps.secrets.seal(signingSecret),
          createdAt: existing?.createdAt ?? at,
          updatedAt: at,
        });
        if (!set) throw notFound(`App client ${clientId} not found`);
        return { clientId, url: checked, createdAt: existing?.createdAt ?? at, updatedAt: at, signingSecret };
      });
    },

    async getAppWebhook(actor: Actor, clientId: string): Promise<AppWebhook> {
      authorize(actor, 'operator');
      const webhook = await findAppWebhook(deps.db, clientId);
      if (!webhook) throw notFound(`App client ${clientId} has no webhook`);
      return summary(webhook);
    },

    async listAppWebhooks(actor: Actor): Promise<AppWebhook[]> {
      authorize(actor, 'operator');
      return (await listWebhookRows(deps.db)).map(summary);
    },

    async deleteAppWebhook(actor: Actor, clientId: string): Promise<void> {
      const subject = { operation: 'DeleteAppWebhook', targetType: 'AppClient', targetId: clientId };
      await auditedChange(deps, actor, subject, async (tx) => {
        authorize(actor, 'operator');
        if (!(await deleteWebhookRow(tx, clientId))) throw notFound(`App client ${clientId} has no webhook`);
      });
    },
  };
}

export type AppWebhooks = ReturnType<typeof createAppWebhooks>;

const summary = (w: AppWebhook): AppWebhook => ({
  clientId: w.clientId,
  url: w.url,
  createdAt: w.createdAt,
  updatedAt: w.updatedAt,
});

/**
 * The address as the audit trail keeps it: some receivers carry a token in the query or in the
 * user part of the URL, which the trail must not, so both are dropped.
 */
function withoutSecrets(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search ? ' (query left out)' : ''}`;
  } catch {
    return url.slice(0, 200);
  }
}
