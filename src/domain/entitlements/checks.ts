import type { Clock } from '../../lib/clock.js';
import type { Db } from '../../store/database.js';
import type { ClientRegistry, ClientSummary } from '../oidc/clients.js';
import { currentStanding, type Standing } from './current.js';
import { isEntitlement, type Entitlement } from './names.js';

export interface CheckDeps {
  db: Db;
  clock: Clock;
  /** the registry of apps, which keeps the calling app between checks */
  clients: Pick<ClientRegistry, 'authenticateClient'>;
}

/** The answer to "may this person do this now?" */
export type CheckAnswer =
  | { sub: string; entitlement: Entitlement; allowed: true }
  | { sub: string; entitlement: Entitlement; allowed: false; reason: { code: string; message: string } };

/**
 * The live check apps call between sign-ins (DESIGN §7). It runs the same gate as sign-in on the
 * database as it is now, so a suspension, a tier change or a number taken away shows at once.
 */
export function createEntitlementChecks(deps: CheckDeps) {
  return {
    /** The app calling, by its client id and secret; undefined when they do not match. */
    authenticateApp: (clientId: string, secret: string): Promise<ClientSummary | undefined> =>
      deps.clients.authenticateClient(clientId, secret),

    /** Undefined for a `sub` Belfry never issued. */
    async check(sub: string, entitlement: Entitlement): Promise<CheckAnswer | undefined> {
      const standing = await currentStanding(deps.db, sub, deps.clock.now());
      return standing && answerFor(standing, entitlement);
    },

    standing: (sub: string): Promise<Standing | undefined> => currentStanding(deps.db, sub, deps.clock.now()),
  };
}

export type EntitlementChecks = ReturnType<typeof createEntitlementChecks>;

/** The check's answer for a standing already read (usage reports ask it for many hosts at once). */
export function answerFor(standing: Standing, entitlement: Entitlement): CheckAnswer {
  const { sub } = standing;
  if (!standing.allowed) return { sub, entitlement, allowed: false, reason: standing.reason };
  if (standing.claims.entitlements.includes(entitlement)) return { sub, entitlement, allowed: true };
  return { sub, entitlement, allowed: false, reason: notEntitled(entitlement) };
}
export { isEntitlement };

const WHY_NOT: Record<Entitlement, string> = {
  'meetings:host': 'Hosting meetings needs the Pro permission tier.',
  'meetings:attend': 'This person may not attend meetings.',
  chat: 'This person may not chat.',
  'calling:inbound': 'Receiving calls needs a phone number and inbound calling turned on.',
  'calling:outbound': 'Placing calls needs a phone number and outbound calling turned on.',
  sms: 'Text messages need a phone number and SMS turned on.',
};

const notEntitled = (entitlement: Entitlement) => ({ code: 'not_entitled', message: WHY_NOT[entitlement] });
