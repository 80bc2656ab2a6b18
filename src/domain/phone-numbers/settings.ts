import {
  getInstallationValue,
  lockInstallationValue,
  setInstallationValue,
} from '../../store/installation.js';
import type { Actor } from '../access/actor.js';
import { authorize } from '../access/policies.js';
import { auditedChange } from '../audit/trail.js';
import { conflict } from '../errors.js';
import type { PhoneDeps } from './deps.js';
import { callingNameLockedUntil } from './rules.js';

export interface GlobalSettings {
  businessCallingCdrBucket?: string | undefined;
  voiceConnectorCdrBucket?: string | undefined;
}

export interface PhoneNumberSettings {
  callingName?: string | undefined;
  callingNameUpdatedAt?: string | undefined;
}

const GLOBAL = 'global_settings';
const PHONE = 'phone_number_settings';

/** Installation-wide telephony settings (Chime kept them per AWS account). */
export function createPhoneSettings(deps: PhoneDeps) {
  const read = async <T>(key: string): Promise<T> =>
    JSON.parse((await getInstallationValue(deps.db, key)) ?? '{}') as T;

  return {
    async getGlobalSettings(actor: Actor): Promise<GlobalSettings> {
      authorize(actor, 'read');
      return read<GlobalSettings>(GLOBAL);
    },

    /** Only the parts given change. */
    async updateGlobalSettings(actor: Actor, changes: GlobalSettings): Promise<void> {
      await auditedChange(
        deps,
        actor,
        { operation: 'UpdateGlobalSettings', details: { ...changes } },
        async (tx) => {
          authorize(actor, 'operator');
          const current = JSON.parse(
            await lockInstallationValue(tx, GLOBAL, '{}', deps.dialect),
          ) as GlobalSettings;
          const next = { ...current };
          if (changes.businessCallingCdrBucket !== undefined)
            next.businessCallingCdrBucket = changes.businessCallingCdrBucket;
          if (changes.voiceConnectorCdrBucket !== undefined)
            next.voiceConnectorCdrBucket = changes.voiceConnectorCdrBucket;
          await setInstallationValue(tx, GLOBAL, JSON.stringify(next));
        },
      );
    },

    async getPhoneNumberSettings(actor: Actor): Promise<PhoneNumberSettings> {
      authorize(actor, 'read');
      return read<PhoneNumberSettings>(PHONE);
    },

    /** The default outbound calling name, which may change at most once in seven days. */
    async updatePhoneNumberSettings(actor: Actor, callingName: string): Promise<void> {
      await auditedChange(
        deps,
        actor,
        { operation: 'UpdatePhoneNumberSettings', details: { callingName } },
        async (tx) => {
          authorize(actor, 'operator');
          const current = JSON.parse(
            await lockInstallationValue(tx, PHONE, '{}', deps.dialect),
          ) as PhoneNumberSettings;
          const now = deps.clock.now();
          const lockedUntil = callingNameLockedUntil(current.callingNameUpdatedAt, now);
          if (lockedUntil)
            throw conflict(`The default calling name can change again after ${lockedUntil.toISOString()}`);
          const next: PhoneNumberSettings = { callingName, callingNameUpdatedAt: now.toISOString() };
          await setInstallationValue(tx, PHONE, JSON.stringify(next));
        },
      );
    },
  };
}

export type PhoneSettings = ReturnType<typeof createPhoneSettings>;
