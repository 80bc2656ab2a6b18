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
import { auditedChange } from '../audit/trail.js';
import { invalid, notFound } from '../errors.js';

export interface WebhookDeps {
  db: Db;
  ids: Ids;
  clock: Clock;
  secrets: SecretBox;
}

export interface AppWebhook {
  clientId: string;
  url: string;
  createdAt: string;
  updatedAt: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An absolute https URL (http only to this host), without credentials or fragment. */
export function checkWebhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`Url must be an absolute URL, not ${JSON.stringify(text)}`);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
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
    async setAppWebhook(
      actor: Actor,
      clientId: string,
      url: string,
    ): Promise<AppWebhook & { signingSecret: string }> {
      const subject = { operation: 'PutAppWebhook', targetType: 'AppClient', targetId: clientId };
      return auditedChange(deps, actor, { ...subject, details: { url: withoutSecrets(url) } }, async (tx) => {
        authorize(actor, 'operator');
        const checked = checkWebhookUrl(url);
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
