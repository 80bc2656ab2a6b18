import type { JobHandler } from '../../jobs/queue.js';
import type { Clock } from '../../lib/clock.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { findAppWebhook } from '../../store/app-webhooks.js';
import type { Db } from '../../store/database.js';
import { DELIVER_APP_EVENT_JOB, type AppEvent } from './announce.js';
import { SIGNATURE_HEADER, signDelivery } from './signature.js';

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  /** how long an app has to answer one delivery */
  timeoutMs: number;
}

/**
 * POSTs one event to one app's webhook, signed with the app's secret. Anything but a 2xx answer
 * (or no answer in time) fails the job. The queue gives it ten attempts: nine retries, 10 s after
 * the first failure and doubling (retryDelayMs), about 85 minutes in all, before giving up. A
 * webhook removed meanwhile ends the job quietly.
 */
export function deliverAppEventJob(deps: DeliveryDeps): JobHandler {
  return {
    kind: DELIVER_APP_EVENT_JOB,
    maxAttempts: 10,
    async run(job) {
      const { clientId, event } = job.payload as { clientId: string; event: AppEvent };
      const webhook = await findAppWebhook(deps.db, clientId);
      if (!webhook) return;
      const body = JSON.stringify(event);
      const response = await fetch(webhook.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(deps.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Belfry-Webhooks/1',
          'belfry-event-id': event.id,
          'belfry-event-type': event.type,
          [SIGNATURE_HEADER]: signDelivery(deps.secrets.open(webhook.secretSealed), body, deps.clock.now()),
        },
        body,
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the webhook of app ${clientId} answered HTTP ${response.status}`);
    },
  };
}
