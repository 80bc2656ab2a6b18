import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IDENTITY_RULES } from '../../domain/identities/deps.js';
import { SignInThrottled } from '../../domain/identities/throttle.js';

export const SESSION_COOKIE = 'belfry_session';
export const CSRF_COOKIE = 'belfry_csrf';
/** Proof that this browser signed in to an address before (domain/identities/devices.ts). */
export const DEVICE_COOKIE = 'belfry_device';

/** Belfry's own cookie values are base64url; anything else is ignored as if absent. */
const VALUE_SHAPE = /^[A-Za-z0-9_-]{20,200}$/;
/** The device cookie: base64url parts joined by dots. */
const DEVICE_SHAPE = /^[A-Za-z0-9_.-]{22,400}$/;

export function readCookie(request: FastifyRequest, name: string, shape = VALUE_SHAPE): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    if (shape.test(value)) return value;
  }
  return undefined;
}

export const readDeviceCookie = (request: FastifyRequest) => readCookie(request, DEVICE_COOKIE, DEVICE_SHAPE);

/** A throttled sign-in's page also says when to retry in the header that clients read. */
export function retryAfter(reply: FastifyReply, error: unknown): void {
  if (error instanceof SignInThrottled) reply.header('retry-after', String(error.retryAfterSeconds));
}

/** Sets the device cookie a sign-in returned; it outlives sessions, as a device does. */
export function setDeviceCookie(reply: FastifyReply, value: string, secure: boolean): void {
  setCookie(reply, DEVICE_COOKIE, value, { secure, maxAgeSeconds: IDENTITY_RULES.deviceMs / 1000 });
}

/**
 * Sets a cookie that scripts cannot read (HttpOnly), that other sites' forms and frames do not
 * carry (SameSite=Lax), and that travels only over TLS when Belfry is served over https.
 */
export function setCookie(
  reply: FastifyReply,
  name: string,
  value: string,
  options: { secure: boolean; maxAgeSeconds?: number | undefined },
): void {
  reply.header('set-cookie', cookieHeader(name, value, options));
}

function cookieHeader(
  name: string,
  value: string,
  options: { secure: boolean; maxAgeSeconds?: number | undefined },
): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearCookie(reply: FastifyReply, name: string, secure: boolean): void {
  reply.header('set-cookie', clearingCookieHeader(name, secure));
}

/** The Set-Cookie value that makes a browser drop the cookie at once (for replies made outside Fastify). */
export function clearingCookieHeader(name: string, secure: boolean): string {
  return cookieHeader(name, 'deleted-deleted-deleted', { secure, maxAgeSeconds: 0 });
}

/**
 * The double-submit CSRF token: a random value in a cookie, repeated in a hidden field of every
 * form. Another site can make a browser post a form here, but cannot read or set the cookie,
 * so it cannot put the matching value in the field. Reused while the browser keeps the cookie.
 */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = readCookie(request, CSRF_COOKIE);
  if (existing) return existing;
  const token = randomBytes(32).toString('base64url');
  setCookie(reply, CSRF_COOKIE, token, { secure });
  return token;
}

/** Whether the submitted field matches the cookie (compared in constant time). */
export function csrfMatches(request: FastifyRequest, submitted: string): boolean {
  const expected = readCookie(request, CSRF_COOKIE);
  if (!expected) return false;
  // Compare byte lengths: a multibyte value of the same string length would make timingSafeEqual throw.
  const [a, b] = [Buffer.from(submitted), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}
