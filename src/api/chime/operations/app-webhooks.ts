import type { AppWebhook as DomainWebhook } from '../../../domain/entitlements/webhooks.js';
import type { ChimeOperation } from '../context.js';
import type { AppWebhook } from '../extensions.js';

function toAppWebhook(webhook: DomainWebhook & { signingSecret?: string }): AppWebhook {
  return {
    ClientId: webhook.clientId,
    Url: webhook.url,
    ...(webhook.signingSecret !== undefined && { SigningSecret: webhook.signingSecret }),
    CreatedTimestamp: webhook.createdAt,
    UpdatedTimestamp: webhook.updatedAt,
  };
}

/** Sets or replaces the webhook; the new signing secret is in this answer only. */
export const PutAppWebhook: ChimeOperation<'PutAppWebhook'> = async (input, { services, actor }) => ({
  Webhook: toAppWebhook(await services.appWebhooks.setAppWebhook(actor, input.ClientId, input.Url)),
});

export const GetAppWebhook: ChimeOperation<'GetAppWebhook'> = async (input, { services, actor }) => ({
  Webhook: toAppWebhook(await services.appWebhooks.getAppWebhook(actor, input.ClientId)),
});

export const DeleteAppWebhook: ChimeOperation<'DeleteAppWebhook'> = async (input, { services, actor }) => {
  await services.appWebhooks.deleteAppWebhook(actor, input.ClientId);
  return {};
};
