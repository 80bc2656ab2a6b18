import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedAddress } from './destinations.js';

/**
 * POSTs the body and answers the response's status, connecting only to the addresses given
 * (those just checked): the host name is not resolved again, so a DNS answer that changes
 * between the check and the connection (rebinding) cannot move the request elsewhere. TLS still
 * verifies the certificate against the host name. Redirects are not followed: a 3xx is just a
 * status. The response body is not read.
 */
export function postPinned(
  url: URL,
  addresses: readonly CheckedAddress[],
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all)
      return callback(
        null,
        addresses.map((a) => ({ ...a })),
      );
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  };
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    lookup,
    agent: false,
    signal: AbortSignal.timeout(timeoutMs),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(url, options, (response) => {
      resolve(response.statusCode ?? 0);
      response.destroy();
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
