import assert from 'node:assert/strict';
import { AssociatePhoneNumberWithUserCommand, type ChimeClient } from '@aws-sdk/client-chime';
import type { Credentials, TestServer } from './server.js';
import { signedFetch } from './signed-fetch.js';

let lastLine = 1999;

/**
 * A valid US local number (Seattle, 555-2000 upwards) that no earlier call in this process
 * returned: outside the simulated carrier's pool (555-01xx), so it can only enter by import.
 */
export function freshNumber(areaCode = '206'): string {
  lastLine += 1;
  assert.ok(lastLine <= 9999, 'out of fresh numbers');
  return `+1${areaCode}555${lastLine}`;
}

/** A toll-free number no earlier call returned (888-555-2000 upwards). */
export const freshTollFree = () => freshNumber('888');

export type ProductType = 'BusinessCalling' | 'VoiceConnector' | 'SipMediaApplicationDialIn';

/**
 * Belfry's ImportPhoneNumbers extension (no SDK command): one signed request, 201 asserted.
 * Returns the numbers that entered the inventory.
 */
export async function importNumbers(
  server: TestServer,
  numbers: string[],
  productType: ProductType = 'BusinessCalling',
  credentials: Credentials = server.operator,
): Promise<string[]> {
  const response = await signedFetch(server.url, credentials, {
    method: 'POST',
    path: '/phone-numbers',
    query: { operation: 'import' },
    body: { ProductType: productType, E164PhoneNumbers: numbers },
  });
  assert.equal(response.status, 201, JSON.stringify(response.json));
  return response.json.ImportedPhoneNumbers;
}

/** Imports a fresh Business Calling number and returns it, unassigned. */
export async function importedNumber(server: TestServer): Promise<string> {
  const e164 = freshNumber();
  assert.deepEqual(await importNumbers(server, [e164]), [e164]);
  return e164;
}

/** Imports a fresh Business Calling number and assigns it to the user; returns it. */
export async function giveNumber(
  server: TestServer,
  chime: ChimeClient,
  accountId: string,
  userId: string,
): Promise<string> {
  const e164 = await importedNumber(server);
  await chime.send(
    new AssociatePhoneNumberWithUserCommand({ AccountId: accountId, UserId: userId, E164PhoneNumber: e164 }),
  );
  return e164;
}
