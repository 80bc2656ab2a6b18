import { domainToASCII } from 'node:url';
import { invalid } from '../errors.js';

/** Where the challenge is published: a label of its own, so it never mixes with SPF and the like. */
export const CHALLENGE_LABEL = '_belfry-challenge';
/** The record's value starts with this, then the claim's random token. */
export const CHALLENGE_PREFIX = 'belfry-domain-verification=';

/**
 * Mailbox providers anyone can get an address at: a claim on one would make its users a single
 * company's staff, so Belfry refuses them outright rather than waiting for a TXT record that
 * their owners will never publish.
 */
const PUBLIC_MAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'yahoo.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'gmx.com',
  'gmx.de',
  'mail.com',
  'proton.me',
  'protonmail.com',
  'yandex.com',
  'zoho.com',
]);

/**
 * A claimable domain in the form it is stored and looked up: lower case, punycode for
 * international names (`bücher.example` → `xn--bcher-kva.example`), no trailing dot. Refuses IP
 * addresses, single labels, names over 253 characters or with invalid labels, and public mailbox
 * providers.
 */
export function normalizeDomainName(raw: string): string {
  const trimmed = raw.trim().replace(/\.$/, '');
  if (trimmed === '' || /[\s/@:?#\\]/.test(trimmed))
    throw invalid(`"${raw}" is not a domain name (give it as example.com)`);
  const ascii = domainToASCII(trimmed).toLowerCase();
  if (ascii === '') throw invalid(`"${raw}" is not a valid domain name`);
  if (ascii.length > 253) throw invalid('A domain name has at most 253 characters');
  const labels = ascii.split('.');
  if (labels.length < 2) throw invalid(`"${raw}" needs at least two labels, as in example.com`);
  for (const label of labels)
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label))
      throw invalid(`"${raw}" has an invalid label "${label}"`);
  if (/^[0-9]+$/.test(labels.at(-1)!)) throw invalid(`"${raw}" is an IP address, not a domain name`);
  if (PUBLIC_MAIL_DOMAINS.has(ascii))
    throw invalid(`${ascii} is a public mailbox provider; only an organisation's own domain can be claimed`);
  return ascii;
}

/** The domain of an address, as claims store it (undefined when it has none that parses). */
export function domainOfEmail(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at < 0) return undefined;
  try {
    return normalizeDomainName(email.slice(at + 1));
  } catch {
    return undefined;
  }
}

export function challengeRecordName(domainName: string): string {
  return `${CHALLENGE_LABEL}.${domainName}`;
}
