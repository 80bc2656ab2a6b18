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

/**
 * An app's webhook endpoint on loopback that records every delivery: on 127.0.0.1 unless another
 * loopback address is given (and on the given port, to listen beside another receiver).
 */
export async function startWebhookReceiver(host = '127.0.0.1', port = 0): Promise<WebhookReceiver> {
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}/belfry-events`,
    received,
    answerWith: (path, ...next) => void statuses.set(path, [...(statuses.get(path) ?? []), ...next]),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
