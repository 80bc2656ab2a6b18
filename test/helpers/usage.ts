import { UpdateUserCommand } from '@aws-sdk/client-chime';
import { systemActor } from '../../src/domain/access/actor.js';
import { signedUpMember, type SignedUpMember } from './members.js';
import { startTestServer, type TestServer } from './server.js';

/**
 * A Belfry whose meetings service is a registered app client named in
 * BELFRY_USAGE_REPORTER_CLIENTS, as an operator sets it up: the client is registered on the
 * suite's server, then a second instance on the same database starts with the setting.
 * `other` is an app client that is not a reporter (a chat app).
 */
export async function usageServer(server: TestServer, env: Record<string, string> = {}) {
  const register = (name: string) =>
    server.services.oidc.clients.createClient(systemActor('test'), {
      name,
      redirectUris: ['http://127.0.0.1:9/callback'],
    });
  const meetings = await register('Meetings');
  const chat = await register('Chat');
  const reporting = await startTestServer(
    server.dialect,
    { BELFRY_USAGE_REPORTER_CLIENTS: meetings.clientId, ...env },
    { sharing: server },
  );
  reporting.clock.set(server.clock.now());
  const basic = (c: { clientId: string; clientSecret: string }) =>
    `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;
  const post = async (body: unknown, authorization = basic(meetings), type = 'application/json') => {
    const response = await fetch(`${reporting.url}/usage/meetings`, {
      method: 'POST',
      headers: { authorization, 'content-type': type },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  };
  return {
    reporting,
    meetings,
    post,
    asChat: (body: unknown) => post(body, basic(chat)),
    report: (...items: unknown[]) => post({ meetings: items }),
  };
}

/** A signed-up member given the Pro tier through the real SDK. */
export async function proMember(
  server: TestServer,
  options: Parameters<typeof signedUpMember>[1] = {},
): Promise<SignedUpMember> {
  const member = await signedUpMember(server, options);
  await server
    .client()
    .send(new UpdateUserCommand({ AccountId: member.accountId, UserId: member.userId, LicenseType: 'Pro' }));
  return member;
}

/** A meeting of `minutes` with `attendees`, starting at `startedAt`. */
export function meeting(
  sub: string,
  meetingId: string,
  startedAt: string,
  options: { minutes?: number | null; attendees?: number } = {},
) {
  const minutes = options.minutes === undefined ? 30 : options.minutes;
  return {
    meetingId,
    sub,
    startedAt,
    endedAt: minutes === null ? null : new Date(Date.parse(startedAt) + minutes * 60_000).toISOString(),
    attendees: options.attendees ?? 3,
  };
}
