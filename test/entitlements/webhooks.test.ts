import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import {
  BatchSuspendUserCommand,
  CreateUserCommand,
  LogoutUserCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-chime';
import { systemActor } from '../../src/domain/access/actor.js';
import { DomainError } from '../../src/domain/errors.js';
import { verifyDelivery } from '../../src/domain/entitlements/signature.js';
import { newAccountId } from '../helpers/accounts.js';
import { startTestDns } from '../helpers/dns.js';
import { signedUpMember, type SignedUpMember } from '../helpers/members.js';
import type { TestServer } from '../helpers/server.js';
import { signedFetch } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const receiver = await startWebhookReceiver();
// apps.example.com stands for an app's public address; it resolves to loopback here, which the
// servers allow (as the receiver's 127.0.0.1), so no request of the suite leaves this machine.
const dns = await startTestDns();
dns.a.set('apps.example.com', ['127.0.0.1']);
after(() => Promise.all([receiver.stop(), dns.close()]));
const suite = (title: string, body: Parameters<typeof eachDialect>[1]) =>
  eachDialect(title, body, { BELFRY_WEBHOOK_ALLOW_PRIVATE: '127.0.0.0/8', DNS_SERVERS: dns.address });

const operator = systemActor('test');

/** An app with a webhook on the receiver; returns its signing secret. */
async function appWithWebhook(server: TestServer) {
  const app = await server.services.oidc.clients.createClient(operator, {
    name: 'Calls',
    redirectUris: ['http://127.0.0.1:9/callback'],
  });
  // Each app its own address, so a test reads only what its app was sent.
  const url = `${receiver.url}?app=${app.clientId}`;
  const webhook = await server.services.appWebhooks.setAppWebhook(operator, app.clientId, url);
  return {
    clientId: app.clientId,
    path: new URL(url).pathname + new URL(url).search,
    secret: webhook.signingSecret,
  };
}

type App = Awaited<ReturnType<typeof appWithWebhook>>;

/** The events delivered so far to the app about one person, bodies parsed, signatures checked. */
function eventsAbout(member: SignedUpMember, app: App, now: Date) {
  const { secret } = app;
  return receiver.received
    .filter((d) => d.path === app.path && JSON.parse(d.body).sub === member.sub)
    .map((d) => {
      assert.ok(verifyDelivery(secret, d.body, String(d.headers['belfry-signature']), now), 'signed');
      assert.equal(d.headers['content-type'], 'application/json');
      const event = JSON.parse(d.body);
      assert.equal(d.headers['belfry-event-id'], event.id);
      return event;
    });
}

await suite('entitlement webhooks', (server) => {
  it('delivers a signed event for a tier change, a sign-out and a suspension', async () => {
    const app = await appWithWebhook(server());
    const member = await signedUpMember(server(), { type: 'EnterpriseLWA' });
    const chime = server().client();
    await chime.send(new UpdateUserCommand({ ...ids(member), LicenseType: 'Basic' }));
    await chime.send(new LogoutUserCommand(ids(member)));
    await chime.send(
      new BatchSuspendUserCommand({ AccountId: member.accountId, UserIdList: [member.userId] }),
    );
    await server().runJobs();

    const events = eventsAbout(member, app, server().clock.now());
    assert.deepEqual(
      events.map((e) => e.reason),
      ['joined', 'tier', 'signed-out', 'suspended'],
    );
    const [joined, tier, , suspended] = events;
    assert.equal(joined.standing.claims.account_id, member.accountId);
    assert.equal(tier.type, 'entitlements.changed');
    assert.equal(tier.standing.allowed, true);
    assert.equal(tier.standing.claims.tier, 'Basic');
    assert.deepEqual(tier.standing.claims.entitlements, ['meetings:attend', 'chat']);
    assert.equal(suspended.standing.allowed, false);
    assert.equal(suspended.standing.reason.code, 'suspended');
  });

  it('retries a delivery the app refused, with back-off, until it is taken', async () => {
    const app = await appWithWebhook(server());
    const member = await signedUpMember(server());
    await server().runJobs(); // the 'joined' event, taken at once
    receiver.answerWith(app.path, 503, 500);
    await server()
      .client()
      .send(new UpdateUserCommand({ ...ids(member), LicenseType: 'Basic' }));
    await server().runJobs();
    const tierEvents = () =>
      eventsAbout(member, app, server().clock.now()).filter((e) => e.reason === 'tier');
    assert.equal(tierEvents().length, 1, 'first attempt refused');
    await server().runJobs();
    assert.equal(tierEvents().length, 1, 'not again before the back-off');
    for (const wait of [11_000, 21_000]) {
      server().clock.advance(wait);
      await server().runJobs();
    }
    const deliveries = eventsAbout(member, app, server().clock.now()).filter((e) => e.reason === 'tier');
    assert.equal(deliveries.length, 3, 'refused twice, then taken');
    assert.equal(new Set(deliveries.map((e) => e.id)).size, 1, 'one event, delivered three times');
  });

  it('announces a signed-up person added with CreateUser, with the new account', async () => {
    const app = await appWithWebhook(server());
    const member = await signedUpMember(server());
    const chime = server().client();
    // Removed from the Team account: a free user, still signed up.
    await chime.send(
      new BatchSuspendUserCommand({ AccountId: member.accountId, UserIdList: [member.userId] }),
    );
    const other = await newAccountId(chime);
    const { User } = await chime.send(new CreateUserCommand({ AccountId: other, Email: member.email }));
    await server().runJobs();
    const events = eventsAbout(member, app, server().clock.now());
    assert.deepEqual(
      events.map((e) => e.reason),
      ['joined', 'removed', 'joined'],
    );
    assert.equal(events[2].standing.claims.account_id, other);
    assert.equal(events[2].standing.claims.tier, User?.LicenseType);
  });

  it('keeps a webhook address in the audit trail without its query, where receivers put tokens', async () => {
    const app = await appWithWebhook(server());
    const event = await server()
      .services.db.selectFrom('audit_events')
      .select('details')
      .where('operation', '=', 'PutAppWebhook')
      .where('target_id', '=', app.clientId)
      .executeTakeFirstOrThrow();
    const { url } = JSON.parse(event.details!) as { url: string };
    assert.equal(url, `${new URL(receiver.url).origin}${new URL(receiver.url).pathname} (query left out)`);
  });

  it('announces nothing for a change that failed, and nothing for an app without a webhook', async () => {
    const app = await appWithWebhook(server());
    const member = await signedUpMember(server());
    await assert.rejects(
      server()
        .client()
        .send(new UpdateUserCommand({ ...ids(member), LicenseType: 'Gold' as never })),
    );
    await server().runJobs();
    assert.deepEqual(
      eventsAbout(member, app, server().clock.now()).map((e) => e.reason),
      ['joined'],
    );
  });

  it('checks the webhook address and reaches only registered apps', async () => {
    const { clientId } = await appWithWebhook(server());
    const set = (id: string, url: string) => server().services.appWebhooks.setAppWebhook(operator, id, url);
    for (const url of [
      'ftp://example.com/x',
      'http://example.com/hook',
      'https://u:p@example.com/',
      'not a url',
    ])
      await assert.rejects(
        set(clientId, url),
        (e: unknown) => e instanceof DomainError && e.kind === 'InvalidInput',
      );
    await assert.rejects(
      set('no-such-app', receiver.url),
      (e: unknown) => e instanceof DomainError && e.kind === 'NotFound',
    );
    const replaced = await set(clientId, 'https://apps.example.com/belfry');
    assert.match(replaced.signingSecret, /^whsec_/);
    const listed = await server().services.appWebhooks.listAppWebhooks(operator);
    assert.equal(listed.find((w) => w.clientId === clientId)?.url, 'https://apps.example.com/belfry');
    assert.ok(!JSON.stringify(listed).includes(replaced.signingSecret), 'the secret is never listed');
    await server().services.appWebhooks.deleteAppWebhook(operator, clientId);
    await assert.rejects(server().services.appWebhooks.getAppWebhook(operator, clientId));
  });
});

await suite('entitlement webhooks: extension operations', (server) => {
  it('sets, shows and deletes an app webhook with SigV4, operator only, with Chime-format errors', async () => {
    const { clientId } = await appWithWebhook(server());
    const path = `/app-clients/${clientId}/webhook`;
    const put = await signedFetch(server().url, server().operator, {
      method: 'PUT',
      path,
      body: { Url: 'https://apps.example.com/events' },
    });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    assert.equal(put.json.Webhook.Url, 'https://apps.example.com/events');
    assert.match(put.json.Webhook.SigningSecret, /^whsec_/);
    const got = await signedFetch(server().url, server().operator, { method: 'GET', path });
    assert.equal(got.json.Webhook.Url, 'https://apps.example.com/events');
    assert.equal(got.json.Webhook.SigningSecret, undefined, 'shown once only');

    const bad = await signedFetch(server().url, server().operator, {
      method: 'PUT',
      path,
      body: { Url: 'http://apps.example.com/events' },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.Code, 'BadRequest');
    const readOnly = await server().createKey('ReadOnly');
    const refused = await signedFetch(server().url, readOnly, { method: 'GET', path });
    assert.equal(refused.status, 403);

    const deleted = await signedFetch(server().url, server().operator, { method: 'DELETE', path });
    assert.equal(deleted.status, 204);
    const gone = await signedFetch(server().url, server().operator, { method: 'GET', path });
    assert.equal(gone.status, 404);
  });
});

const ids = (m: { accountId: string; userId: string }) => ({ AccountId: m.accountId, UserId: m.userId });
