import type { JobHandler } from '../../jobs/queue.js';
import { defineJob } from '../../jobs/kinds.js';
import {
  findIdentityById,
  insertIdentityToken,
  replaceIdentityToken,
  type IdentityTokenPurpose,
} from '../../store/identities.js';
import {
  IDENTITY_RULES,
  SEND_ALREADY_REGISTERED_JOB,
  SEND_PASSWORD_RESET_JOB,
  SEND_VERIFICATION_JOB,
  type IdentityDeps,
} from './deps.js';
import { alreadyRegisteredEmail, passwordResetEmail, verificationEmail } from './emails.js';
import { hashOpaqueToken, newOpaqueToken } from './secrets.js';

/**
 * The emails of the identities area. Each job carries only the identity id: the link's token is
 * made when the mail is sent (never stored raw, never in the job table). A verification link
 * replaces the one before it. Reset links do not: anyone may ask for one for any address, and a
 * link that retired the owner's earlier one would let a stranger keep the owner from resetting;
 * using any of them retires the rest (resetPassword), and the mail budget bounds how many exist.
 */
export function identityJobs(deps: IdentityDeps): JobHandler[] {
  const link = (path: string) => new URL(path, deps.publicUrl).toString();

  /** Stores a fresh token for the identity and returns the raw value. */
  async function issueToken(
    identityId: string,
    purpose: IdentityTokenPurpose,
    validMs: number,
    store: typeof insertIdentityToken,
  ) {
    const token = newOpaqueToken();
    const now = deps.clock.now();
    await store(deps.db, {
      hash: hashOpaqueToken(token),
      identityId,
      purpose,
      expiresAt: new Date(now.getTime() + validMs).toISOString(),
      at: now.toISOString(),
    });
    return token;
  }

  return [
    defineJob({
      kind: SEND_VERIFICATION_JOB,
      async run(job) {
        const { identityId } = job.payload;
        const identity = await findIdentityById(deps.db, identityId);
        if (!identity || identity.emailVerifiedAt) return;
        const validMs = IDENTITY_RULES.verificationTokenMs;
        const token = await issueToken(identityId, 'verify-email', validMs, replaceIdentityToken);
        const url = link(`/verify?token=${token}`);
        await deps.mailer.send(verificationEmail(identity.email, url, validMs / 86_400_000));
      },
    }),
    defineJob({
      kind: SEND_PASSWORD_RESET_JOB,
      async run(job) {
        const { identityId } = job.payload;
        const identity = await findIdentityById(deps.db, identityId);
        if (!identity) return;
        const validMs = IDENTITY_RULES.resetTokenMs;
        const token = await issueToken(identityId, 'reset-password', validMs, insertIdentityToken);
        const url = link(`/password/reset?token=${token}`);
        await deps.mailer.send(passwordResetEmail(identity.email, url, validMs / 60_000));
      },
    }),
    defineJob({
      kind: SEND_ALREADY_REGISTERED_JOB,
      async run(job) {
        const { identityId } = job.payload;
        const identity = await findIdentityById(deps.db, identityId);
        if (!identity) return;
        await deps.mailer.send(
          alreadyRegisteredEmail(identity.email, link('/signin'), link('/password/forgot')),
        );
      },
    }),
  ];
}
