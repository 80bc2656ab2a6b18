import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountRecord } from '../../store/accounts.js';
import type { IdentityRecord } from '../../store/identities.js';
import { newAccountRecord } from '../accounts/rules.js';
import { newMember } from '../users/rules.js';
import { decideSignIn, type SignInFacts } from './decision.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const AT = '2026-05-01T00:00:00.000Z';

const identity: IdentityRecord = {
  id: 'identity-1',
  email: 'ana@example.com',
  passwordHash: 'x',
  emailVerifiedAt: AT,
  proTrialEndsAt: undefined,
  createdAt: AT,
  updatedAt: AT,
};

const account: AccountRecord = newAccountRecord('account-1', 'Acme', AT);

function memberFacts(changes: Partial<ReturnType<typeof newMember>> = {}, acc = account): SignInFacts {
  const member = newMember(
    {
      id: 'user-1',
      accountId: acc.id,
      email: identity.email,
      displayName: 'Ana',
      license: 'Pro',
      userType: 'PrivateUser',
      joined: 'registered',
    },
    AT,
  );
  return { identity, membership: { member: { ...member, ...changes }, account: acc } };
}

describe('the sign-in gate', () => {
  it('gives a free user attend and chat, and hosting only while the personal trial runs', () => {
    const free = decideSignIn({ identity, membership: undefined }, NOW);
    assert.ok(free.allowed);
    assert.deepEqual(free.claims, {
      sub: 'identity-1',
      email: 'ana@example.com',
      email_verified: true,
      entitlements: ['meetings:attend', 'chat'],
    });
    const trial = decideSignIn(
      { identity: { ...identity, proTrialEndsAt: '2026-06-02T00:00:00.000Z' }, membership: undefined },
      NOW,
    );
    assert.ok(trial.allowed);
    assert.deepEqual(trial.claims.entitlements, ['meetings:host', 'meetings:attend', 'chat']);
    assert.equal(trial.claims.tier, undefined);
  });

  it('needs a number and the switch for each telephony entitlement', () => {
    const noNumber = decideSignIn(
      memberFacts({ telephony: { inbound: true, outbound: true, sms: true } }),
      NOW,
    );
    assert.ok(noNumber.allowed);
    assert.deepEqual(noNumber.claims.entitlements, ['meetings:host', 'meetings:attend', 'chat']);
    const numbered = decideSignIn(
      memberFacts({
        license: 'Basic',
        primaryProvisionedNumber: '+12065550100',
        telephony: { inbound: false, outbound: true, sms: false },
      }),
      NOW,
    );
    assert.ok(numbered.allowed);
    assert.deepEqual(numbered.claims.entitlements, ['meetings:attend', 'chat', 'calling:outbound']);
    assert.equal(numbered.claims.phone_number, '+12065550100');
  });

  it('refuses, with a reason, the unconfirmed, the suspended, deleted accounts and directory users without a tier', () => {
    const reason = (facts: SignInFacts) => {
      const decision = decideSignIn(facts, NOW);
      assert.ok(!decision.allowed);
      return decision.refusal;
    };
    assert.equal(
      reason({ identity: { ...identity, emailVerifiedAt: undefined }, membership: undefined }).code,
      'unverified',
    );
    assert.match(reason(memberFacts({ registrationStatus: 'Suspended' })).reason, /"Acme" is suspended/);
    assert.match(reason(memberFacts({}, { ...account, status: 'Suspended' })).reason, /"Acme" was deleted/);
    const directory = { ...account, type: 'EnterpriseDirectory' as const };
    assert.equal(reason({ ...memberFacts({}, directory), directoryTier: null }).code, 'no_tier');
    const tiered = decideSignIn({ ...memberFacts({}, directory), directoryTier: 'Basic' }, NOW);
    assert.ok(tiered.allowed);
    assert.equal(tiered.claims.tier, 'Basic', 'the directory decides the tier, not the stored license');
  });
});
