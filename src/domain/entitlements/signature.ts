import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'belfry-signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The time is signed with the body so a
 * receiver can refuse a delivery replayed later; a retry is signed afresh.
 */
export function signDelivery(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${hmac(secret, `${t}.${body}`)}`;
}

/**
 * What a receiver does with the header (apps written in TypeScript may import this): the
 * signature must match and be at most `toleranceSeconds` old.
 */
export function verifyDelivery(
  secret: string,
  body: string,
  header: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const fields = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(fields.get('t'));
  const given = fields.get('v1');
  if (!Number.isInteger(t) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(hmac(secret, `${t}.${body}`), 'hex'));
}

const hmac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');
