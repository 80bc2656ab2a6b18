import type { FastifyInstance } from 'fastify';
import { DEAD_INVITATION } from '../../domain/identities/invitations.js';
import { html } from './html.js';
import type { PageTools } from './plugin.js';
import { buttonForm, invitationChoice, link, paragraphs } from './views.js';

/**
 * The link in an invitation email. Whoever opens it signs in or registers (the token rides along
 * through those forms) and then accepts as the invited address; anyone else is told why not.
 */
export function invitationPages(app: FastifyInstance, t: PageTools) {
  const identities = t.services.identities;

  app.get('/invitations/accept', async (request, reply) => {
    const token = t.query(request, 'token') ?? '';
    const invitation = await identities.describeInvitation(token);
    if (!invitation) return t.send(reply, 404, 'Invitation', paragraphs(DEAD_INVITATION));
    const title = `Join ${invitation.accountName}`;
    const identity = await t.signedIn(request);
    const csrf = t.csrf(request, reply);
    if (!identity)
      return t.send(reply, 200, title, invitationChoice(token, invitation.accountName, invitation.email));
    if (identity.email.toLowerCase() !== invitation.email.toLowerCase())
      return t.send(
        reply,
        403,
        title,
        html`${paragraphs(
          html`This invitation is for <strong>${invitation.email}</strong>, but you are signed in as
            <strong>${identity.email}</strong>.`,
          `Sign out, then sign in or register as ${invitation.email} to accept it.`,
        )}${buttonForm({ csrf, invitation: token }, '/signout', 'Sign out')}`,
      );
    return t.send(
      reply,
      200,
      title,
      html`${paragraphs(
        html`You are signed in as <strong>${identity.email}</strong>. Accept to become a member of
          <strong>${invitation.accountName}</strong>.`,
      )}${buttonForm({ csrf }, '/invitations/accept', `Join ${invitation.accountName}`, { token })}`,
    );
  });

  app.post('/invitations/accept', async (request, reply) => {
    const token = t.field(request, 'token');
    const identity = await t.signedIn(request);
    if (!identity) return reply.redirect(`/signin?invitation=${encodeURIComponent(token)}`, 303);
    const joined = await identities.acceptInvitation(identity, token, t.client(request));
    return t.send(
      reply,
      200,
      `Welcome to ${joined.accountName}`,
      paragraphs(
        html`You are now a member of <strong>${joined.accountName}</strong>. The apps of the platform will
          show your new team the next time you sign in to them.`,
        link('/signin', 'Your Belfry sign-in'),
      ),
    );
  });
}
