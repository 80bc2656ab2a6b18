import type { OutgoingMail } from '../../mail/mailer.js';

/** Plain-text messages: they read well in every client and carry the link as-is. */

export function verificationEmail(to: string, link: string, validForDays: number): OutgoingMail {
  return {
    to,
    subject: 'Confirm your email address for Belfry',
    text: [
      'Welcome to Belfry.',
      '',
      'Confirm that this address is yours by opening the link below:',
      link,
      '',
      `The link works once and expires in ${validForDays} days.`,
      'If you did not register, ignore this message: nothing happens without the link.',
    ].join('\n'),
  };
}

export function passwordResetEmail(to: string, link: string, validForMinutes: number): OutgoingMail {
  return {
    to,
    subject: 'Reset your Belfry password',
    text: [
      'Someone (hopefully you) asked to reset the password of this Belfry identity.',
      '',
      'Choose a new password here:',
      link,
      '',
      `The link works once and expires in ${validForMinutes} minutes.`,
      'If you did not ask, ignore this message: your password stays as it is.',
    ].join('\n'),
  };
}

/** Sent instead of a verification when the address is taken, so registering reveals nothing. */
export function alreadyRegisteredEmail(to: string, signInLink: string, resetLink: string): OutgoingMail {
  return {
    to,
    subject: 'You already have a Belfry identity',
    text: [
      'Someone (hopefully you) tried to register this address with Belfry, but it already has an identity.',
      '',
      `Sign in: ${signInLink}`,
      `Forgot your password? ${resetLink}`,
      '',
      'If this was not you, ignore this message: nothing has changed.',
    ].join('\n'),
  };
}
