import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemActor } from '../../../domain/access/actor.js';
import type {
  ConnectInput,
  DirectoryConnectionView,
  DirectoryService,
  RunSummary,
} from '../../../domain/directory/contract.js';
import type { Services } from '../../../services.js';
import { bindInput } from '../binding.js';
import { ChimeProtocolError } from '../errors.js';
import { extensionOperations } from '../extensions.js';
import * as handlers from './directory.js';

const PASSWORD = 'S3cret!bind-password';

const run: RunSummary = {
  runId: 'run-1',
  accountId: 'acct-1',
  kind: 'full',
  kindReason: undefined,
  trigger: 'demand',
  dryRun: true,
  status: 'held',
  reason: 'it would suspend 3 of 4 users (75 %)',
  counts: { created: 1, tierChanged: 0, suspended: 3, restored: 0, updated: 0, skipped: 0, unchanged: 0 },
  createdAt: '2026-12-03T10:00:00.000Z',
  startedAt: undefined,
  finishedAt: undefined,
  decidedBy: undefined,
  decidedAt: undefined,
};

const view: DirectoryConnectionView = {
  accountId: 'acct-1',
  type: 'ad',
  urls: ['ldaps://127.0.0.1:636'],
  bindDn: 'CN=svc,DC=corp',
  baseDn: 'DC=corp',
  userFilter: '(objectClass=user)',
  startTls: false,
  caSubject: undefined,
  groups: [
    { groupName: 'chime-pro', tier: 'Pro' },
    { groupName: 'staff', tier: undefined },
  ],
  connectedAt: '2026-12-03T10:00:00.000Z',
  updatedAt: '2026-12-03T10:00:00.000Z',
  nextIncrementalAt: undefined,
  nextFullAt: undefined,
  lastRun: run,
  heldRunId: 'run-1',
};

/** A directory domain that records what it was given and answers fixed views. */
function fakeDirectory() {
  const connected: ConnectInput[] = [];
  const service = {
    connect: async (_actor, _accountId, input) => (connected.push(input), view),
    get: async () => view,
    startSync: async () => run,
    getRun: async () => ({
      ...run,
      items: [
        {
          action: 'suspend',
          guid: 'g-1',
          userId: 'u-1',
          email: undefined,
          from: 'Pro',
          to: undefined,
          reason: 'disabled in AD (userAccountControl bit 2)',
        },
      ],
    }),
  } as Partial<DirectoryService> as DirectoryService;
  return {
    connected,
    context: { services: { directory: service } as unknown as Services, actor: systemActor('t') },
  };
}

const connectBody = {
  Type: 'ActiveDirectory',
  Urls: ['ldaps://127.0.0.1:636'],
  BindDn: 'CN=svc,DC=corp',
  BindPassword: PASSWORD,
  BaseDn: 'DC=corp',
};
const bindConnect = (body: unknown) =>
  bindInput(
    extensionOperations.ConnectDirectory,
    { AccountId: 'acct-1' },
    {},
    Buffer.from(JSON.stringify(body)),
  );

function refusal(bind: () => unknown): string {
  try {
    bind();
  } catch (error) {
    assert.ok(error instanceof ChimeProtocolError);
    return error.message;
  }
  assert.fail('the input was accepted');
}

describe('directory operations', () => {
  it('refuses a connection missing what it needs, with each problem named', async () => {
    const message = refusal(() => bindConnect({ Type: 'OpenLDAP', Urls: [] }));
    for (const expected of [/type/, /urls/, /2 validation errors/]) assert.match(message, expected);
    // What each Type needs, the handler names (the model cannot say "required for this Type").
    const { context } = fakeDirectory();
    await assert.rejects(
      handlers.ConnectDirectory(
        bindConnect({ Type: 'ActiveDirectory', Urls: ['ldaps://dc1'] }) as never,
        context,
      ),
      /Type ActiveDirectory needs BindDn, BindPassword, BaseDn/,
    );
    await assert.rejects(
      handlers.ConnectDirectory(
        bindConnect({ Type: 'OpenIdConnect', Issuer: 'https://corp.okta.com' }) as never,
        context,
      ),
      /Type OpenIdConnect needs ClientId, ClientSecret/,
    );
  });

  it('refuses a URL that is not ldap:// or ldaps://, a filter without parentheses, a bad tier', () => {
    assert.match(
      refusal(() => bindConnect({ ...connectBody, Urls: ['https://dc1'] })),
      /urls\.1/,
    );
    assert.match(
      refusal(() => bindConnect({ ...connectBody, UserFilter: 'objectClass=user' })),
      /userFilter/,
    );
    const badTier = refusal(() =>
      bindInput(
        extensionOperations.PutDirectoryGroupTiers,
        { AccountId: 'a' },
        {},
        Buffer.from(JSON.stringify({ Groups: [{ GroupName: 'x', Tier: 'Plus' }] })),
      ),
    );
    assert.match(badTier, /groups\.1\.tier.*\[Pro, Basic\]/);
  });

  it('never repeats the bind password in a refusal', () => {
    const message = refusal(() =>
      bindConnect({ ...connectBody, BindPassword: `${PASSWORD}${'x'.repeat(1100)}` }),
    );
    assert.match(message, /bindPassword/);
    assert.ok(!message.includes(PASSWORD));
  });

  it('passes the password to the domain and answers the connection without it', async () => {
    const { connected, context } = fakeDirectory();
    const input = bindConnect({ ...connectBody, StartTls: false });
    const answer = await handlers.ConnectDirectory(input as never, context);
    const given = connected[0];
    assert.equal(given?.type === 'ad' && given.bindPassword, PASSWORD);
    assert.equal(connected[0]?.type, 'ad');
    assert.ok(!JSON.stringify(answer).includes(PASSWORD));
    assert.deepEqual(answer.Directory?.Groups, [
      { GroupName: 'chime-pro', Tier: 'Pro' },
      { GroupName: 'staff' },
    ]);
    const shown = answer.Directory;
    assert.ok(shown && shown.Type === 'ActiveDirectory');
    assert.equal(shown.LastRun?.Status, 'Held');
    assert.equal(shown.HeldRunId, 'run-1');
  });

  it('answers runs and their items with the wire enum spelling', async () => {
    const { context } = fakeDirectory();
    const started = await handlers.StartDirectorySync({ AccountId: 'acct-1', DryRun: true }, context);
    assert.equal(started.Run?.Kind, 'Full');
    assert.equal(started.Run?.Trigger, 'Demand');
    assert.equal(started.Run?.Counts.Suspended, 3);
    const report = await handlers.GetDirectoryRun({ RunId: 'run-1' }, context);
    assert.deepEqual(report.Run?.Items, [
      {
        Action: 'Suspend',
        ObjectGuid: 'g-1',
        UserId: 'u-1',
        From: 'Pro',
        Reason: 'disabled in AD (userAccountControl bit 2)',
      },
    ]);
  });
});
