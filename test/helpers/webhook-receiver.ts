import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  /** the path and query the delivery was posted to */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** the statuses to answer the next deliveries to `path` with, in order; 204 once they run out */
  answerWith(path: string, ...statuses: number[]): void;
  stop(): Promise<void>;
}

/** An app's webhook endpoint on loopback that records every delivery. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  const statuses = new Map<string, number[]>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = statuses.get(path)?.shift() ?? 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/belfry-events`,
    received,
    answerWith: (path, ...next) => void statuses.set(path, [...(statuses.get(path) ?? []), ...next]),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
