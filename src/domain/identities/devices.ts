import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../../lib/secret-box.js';

/** How many sign-in subjects one browser is remembered for (a shared family computer, say). */
const MAX_SUBJECTS = 8;
const PART = /^[A-Za-z0-9_-]{22}$/;

/**
 * The device cookie: proof that this browser has signed in to a subject (an address) before,
 * so it may keep trying under a budget of its own while strangers exhaust theirs. Its value is
 * a random device id followed by one tag per subject, `<id>.<tag>.<tag>…`, each tag an HMAC of
 * the id and the subject under a key derived from the master key. Nothing is stored: a tag
 * cannot be made without the key, and a tag for one subject is worth nothing for another, so
 * neither a stranger nor someone signed in to their own identity can mint a budget.
 */
export function createDeviceProofs(secrets: Pick<SecretBox, 'mac'>) {
  const tag = (deviceId: string, subject: string) =>
    secrets.mac('sign-in device', `${deviceId} ${subject}`).subarray(0, 16).toString('base64url');

  function parse(cookie: string | undefined): { deviceId: string; tags: string[] } | undefined {
    const [deviceId, ...tags] = (cookie ?? '').split('.');
    if (!deviceId || !PART.test(deviceId) || tags.length > MAX_SUBJECTS || !tags.every((t) => PART.test(t)))
      return undefined;
    return { deviceId, tags };
  }

  return {
    /** The device id, when the cookie proves this browser signed in to the subject before. */
    recognise(cookie: string | undefined, subject: string): string | undefined {
      const parsed = parse(cookie);
      if (!parsed) return undefined;
      const expected = Buffer.from(tag(parsed.deviceId, subject));
      const known = parsed.tags.some((t) => timingSafeEqual(Buffer.from(t), expected));
      return known ? parsed.deviceId : undefined;
    },

    /** The cookie after a sign-in to the subject: this subject's tag first, the oldest dropped. */
    remember(cookie: string | undefined, subject: string): string {
      const parsed = parse(cookie) ?? { deviceId: randomBytes(16).toString('base64url'), tags: [] };
      const mine = tag(parsed.deviceId, subject);
      const others = parsed.tags.filter((t) => t !== mine);
      return [parsed.deviceId, mine, ...others].slice(0, MAX_SUBJECTS + 1).join('.');
    },
  };
}
