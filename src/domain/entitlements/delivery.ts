import type { JobHandler } from '../../jobs/queue.js';
import { defineJob } from '../../jobs/kinds.js';
import type { Clock } from '../../lib/clock.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { findAppWebhook } from '../../store/app-webhooks.js';
import type { Db } from '../../store/database.js';
import { DomainError } from '../errors.js';
import { DELIVER_APP_EVENT_JOB } from './announce.js';
import type { WebhookDestinations } from './destinations.js';
import { postPinned } from './pinned-post.js';
import { SIGNATURE_HEADER, signDelivery } from './signature.js';

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  destinations: WebhookDestinations;
  /** how long an app has to answer one delivery */
  timeoutMs: number;
}

/**
 * POSTs one event to one app's webhook, signed with the app's secret. Anything but a 2xx answer
 * (or no answer in time) fails the job. The queue gives it ten attempts: nine retries, 10 s after
 * the first failure and doubling (retryDelayMs), about 85 minutes in all, before giving up. A
 * webhook removed meanwhile ends the job quietly. The destination is checked again before each
 * attempt, since its name may resolve elsewhere now than when it was set, and the request goes
 * to the address just checked; a refused destination fails the attempt without connecting.
 */
export function deliverAppEventJob(deps: DeliveryDeps): JobHandler {
  return defineJob({
    kind: DELIVER_APP_EVENT_JOB,
    maxAttempts: 10,
    async run(job) {
      const { clientId, event } = job.payload;
      const webhook = await findAppWebhook(deps.db, clientId);
      if (!webhook) return;
      const body = JSON.stringify(event);
      const url = new URL(webhook.url);
      const addresses = await deps.destinations.check(url).catch((error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
        throw new Error(`the webhook of app ${clientId} was not called: ${error.message}`);
      });
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Belfry-Webhooks/1',
        'belfry-event-id': event.id,
        'belfry-event-type': event.type,
        [SIGNATURE_HEADER]: signDelivery(deps.secrets.open(webhook.secretSealed), body, deps.clock.now()),
      };
      const status = await postPinned(url, addresses, headers, body, deps.timeoutMs);
      if (status >= 300 && status < 400)
        throw new Error(`the webhook of app ${clientId} answered HTTP ${status}; redirects are not followed`);
      if (status < 200 || status >= 300)
        throw new Error(`the webhook of app ${clientId} answered HTTP ${status}`);
    },
  });
}
