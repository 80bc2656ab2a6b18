import type { Standing } from '../../domain/entitlements/current.js';
import { html, type Html } from './html.js';

/** What every form carries: the CSRF token, and the invitation being accepted, if any. */
export interface FormContext {
  csrf: string;
  invitation?: string | undefined;
}

function hidden(ctx: FormContext): Html {
  return html`<input type="hidden" name="csrf" value="${ctx.csrf}" />
    ${ctx.invitation && html`<input type="hidden" name="invitation" value="${ctx.invitation}" />`}`;
}

function withInvitation(path: string, invitation: string | undefined): string {
  return invitation ? `${path}?invitation=${encodeURIComponent(invitation)}` : path;
}

export function emailField(value: string | undefined): Html {
  return html`<label for="email">Email address</label>
    <input
      id="email"
      name="email"
      type="email"
      autocomplete="email"
      required
      maxlength="254"
      value="${value ?? ''}"
    />`;
}

function newPasswordField(label: string): Html {
  return html`<label for="password">${label}</label>
    <input
      id="password"
      name="password"
      type="password"
      autocomplete="new-password"
      required
      minlength="10"
      maxlength="1024"
      aria-describedby="password-hint"
    />
    <p class="hint" id="password-hint">At least 10 characters. A few unrelated words make a strong one.</p>`;
}

export function registerForm(ctx: FormContext, email?: string): Html {
  return html`<form method="post" action="/register">
      ${hidden(ctx)} ${emailField(email)} ${newPasswordField('Password')}
      <button type="submit">Register</button>
    </form>
    <p>Already registered? <a href="${withInvitation('/signin', ctx.invitation)}">Sign in</a>.</p>`;
}

/**
 * The password of a sign-in form. Not required there: people whose organisation signs them in
 * through its identity provider give only their address.
 */
export function currentPasswordField(options: { signIn?: boolean } = {}): Html {
  if (options.signIn)
    return html`<label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" maxlength="1024" />
      <p>Signing in through your organisation’s identity provider? Your address is enough.</p>`;
  return html`<label for="password">Password</label>
    <input
      id="password"
      name="password"
      type="password"
      autocomplete="current-password"
      required
      maxlength="1024"
    />`;
}

export function signInForm(ctx: FormContext, email?: string): Html {
  return html`<form method="post" action="/signin">
      ${hidden(ctx)} ${emailField(email)} ${currentPasswordField({ signIn: true })}
      <button type="submit">Sign in</button>
    </form>
    <p><a href="/password/forgot">Forgot your password?</a></p>
    <p>New here? <a href="${withInvitation('/register', ctx.invitation)}">Register</a>.</p>`;
}

/** One button posting to `action`: sign out, confirm an address, accept an invitation. */
export function buttonForm(
  ctx: FormContext,
  action: string,
  label: string,
  fields: Record<string, string> = {},
): Html {
  return html`<form method="post" action="${action}">
    ${hidden(ctx)}
    ${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
    <button type="submit">${label}</button>
  </form>`;
}

/**
 * The signed-in page says who the person is to Belfry (issue 15 item 5): their account, their
 * tier and what it lets them do, and their phone number — from the sign-in gate's own claims.
 */
export function signedInView(ctx: FormContext, email: string, standing?: Standing): Html {
  return html`<p>You are signed in as <strong>${email}</strong>.</p>
    ${standing && whoYouAre(standing)} ${buttonForm(ctx, '/signout', 'Sign out')}`;
}

function whoYouAre(standing: Standing): Html {
  if (!standing.allowed) return html`<p>${standing.reason.message}</p>`;
  const { claims } = standing;
  const hosts = claims.entitlements.includes('meetings:host');
  if (claims.account_name === undefined)
    return html`<p>
      You are not a member of a Belfry account: you may attend meetings and
      chat${hosts ? html`, and host meetings while your personal Pro trial runs` : ''}.
    </p>`;
  const tier =
    claims.tier === 'Pro'
      ? 'Pro: you may host meetings, attend them and chat'
      : `${claims.tier ?? 'Basic'}: you may attend meetings and chat${hosts ? ', and host meetings' : ''}`;
  return html`<dl>
    <dt>Account</dt>
    <dd>${claims.account_name}</dd>
    <dt>Permission tier</dt>
    <dd>${tier}</dd>
    <dt>Phone number</dt>
    <dd>${claims.phone_number ?? 'none assigned'}</dd>
  </dl>`;
}

export function forgotForm(ctx: FormContext, email?: string): Html {
  return html`<p>Enter the address you registered with; we will email you a link to choose a new password.</p>
    <form method="post" action="/password/forgot">
      ${hidden(ctx)} ${emailField(email)}
      <button type="submit">Send the link</button>
    </form>`;
}

/** Confirming an address takes the password chosen at registration (see IdentitiesService.verifyEmail). */
export function verifyForm(ctx: FormContext, token: string): Html {
  return html`<p>Enter the password you chose when you registered to confirm this address.</p>
    <form method="post" action="/verify">
      ${hidden(ctx)}
      <input type="hidden" name="token" value="${token}" />
      ${currentPasswordField()}
      <button type="submit">Confirm my address</button>
    </form>
    <p>Did not register, or forgot the password? <a href="/password/forgot">Choose a new password</a>.</p>`;
}

export function resetForm(ctx: FormContext, token: string): Html {
  return html`<form method="post" action="/password/reset">
    ${hidden(ctx)}
    <input type="hidden" name="token" value="${token}" />
    ${newPasswordField('New password')}
    <button type="submit">Change password</button>
  </form>`;
}

export function paragraphs(...lines: Array<string | Html>): Html {
  return html`${lines.map((line) => html`<p>${line}</p>`)}`;
}

export function link(href: string, text: string): Html {
  return html`<a href="${href}">${text}</a>`;
}

export function invitationChoice(invitation: string, accountName: string, email: string): Html {
  return html`<p>
      You have been invited to join <strong>${accountName}</strong> as <strong>${email}</strong>.
    </p>
    <p>
      To accept, <a href="${withInvitation('/signin', invitation)}">sign in</a> with that address, or
      <a href="${withInvitation('/register', invitation)}">register</a> if you have no Belfry identity yet.
    </p>`;
}
