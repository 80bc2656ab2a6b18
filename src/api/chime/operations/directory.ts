import type {
  ConnectInput,
  ConnectionView,
  DirectoryConnectionView,
  DirectoryTestReport,
  OidcConnectionView,
  OidcTestReport,
  Explanation,
  GroupTier,
  RunItem,
  RunReport,
  RunSummary,
  TierPreview,
} from '../../../domain/directory/contract.js';
import { invalid } from '../../../domain/errors.js';
import type { ChimeOperation } from '../context.js';
import type {
  DirectoryConnection,
  DirectoryIdpConnection,
  DirectoryIdpTest,
  DirectoryExplanation,
  DirectoryGroupTier,
  DirectoryRun,
  DirectoryRunItem,
  DirectoryTest,
  DirectoryTierPreview,
} from '../directory-extensions.js';

/** `queued` → `Queued`: the wire spells enum values as the model does. */
function pascal<T extends string>(value: T): Capitalize<T> {
  return (value.charAt(0).toUpperCase() + value.slice(1)) as Capitalize<T>;
}

const toGroup = (group: GroupTier): DirectoryGroupTier => ({
  GroupName: group.groupName,
  ...(group.tier && { Tier: group.tier }),
});

function toRun(run: RunSummary): DirectoryRun {
  const c = run.counts;
  return {
    RunId: run.runId,
    AccountId: run.accountId,
    Kind: pascal(run.kind),
    ...(run.kindReason && { KindReason: run.kindReason }),
    Trigger: pascal(run.trigger),
    DryRun: run.dryRun,
    Status: pascal(run.status),
    ...(run.reason && { Reason: run.reason }),
    Counts: {
      Created: c.created,
      TierChanged: c.tierChanged,
      Suspended: c.suspended,
      Restored: c.restored,
      Updated: c.updated,
      Skipped: c.skipped,
      Unchanged: c.unchanged,
    },
    CreatedTimestamp: run.createdAt,
    ...(run.startedAt && { StartedTimestamp: run.startedAt }),
    ...(run.finishedAt && { FinishedTimestamp: run.finishedAt }),
    ...(run.decidedBy && { DecidedBy: run.decidedBy }),
    ...(run.decidedAt && { DecidedTimestamp: run.decidedAt }),
  };
}

const toItem = (item: RunItem): DirectoryRunItem => ({
  Action: pascal(item.action),
  ObjectGuid: item.guid,
  ...(item.userId && { UserId: item.userId }),
  ...(item.email && { PrimaryEmail: item.email }),
  ...(item.from && { From: item.from }),
  ...(item.to && { To: item.to }),
  Reason: item.reason,
});

const toReport = (report: RunReport): DirectoryRun => ({ ...toRun(report), Items: report.items.map(toItem) });

/** Every field of the view but the secret, which the view never has (write-only). */
function toConnection(view: ConnectionView): DirectoryConnection | DirectoryIdpConnection {
  return view.type === 'oidc' ? toIdpConnection(view) : toAdConnection(view);
}

const toIdpConnection = (view: OidcConnectionView): DirectoryIdpConnection => ({
  AccountId: view.accountId,
  Type: 'OpenIdConnect',
  Issuer: view.issuer,
  ClientId: view.clientId,
  ...(view.groupsClaim && { GroupsClaim: view.groupsClaim }),
  RedirectUri: view.redirectUri,
  Groups: view.groups.map(toGroup),
  LiveScimTokens: view.liveScimTokens,
  ConnectedTimestamp: view.connectedAt,
  UpdatedTimestamp: view.updatedAt,
});

function toAdConnection(view: DirectoryConnectionView): DirectoryConnection {
  return {
    AccountId: view.accountId,
    Type: 'ActiveDirectory',
    Urls: view.urls,
    BindDn: view.bindDn,
    BaseDn: view.baseDn,
    UserFilter: view.userFilter,
    StartTls: view.startTls,
    ...(view.caSubject && { CaSubject: view.caSubject }),
    Groups: view.groups.map(toGroup),
    ConnectedTimestamp: view.connectedAt,
    UpdatedTimestamp: view.updatedAt,
    ...(view.nextIncrementalAt && { NextIncrementalTimestamp: view.nextIncrementalAt }),
    ...(view.nextFullAt && { NextFullTimestamp: view.nextFullAt }),
    ...(view.lastRun && { LastRun: toRun(view.lastRun) }),
    ...(view.heldRunId && { HeldRunId: view.heldRunId }),
  };
}

const toTest = (report: DirectoryTestReport | OidcTestReport): DirectoryTest | DirectoryIdpTest =>
  report.type === 'oidc' ? toIdpTest(report) : toAdTest(report);

const toIdpTest = (report: OidcTestReport): DirectoryIdpTest => ({
  Type: 'OpenIdConnect',
  Ok: report.ok,
  Issuer: report.issuer,
  Discovered: report.discovered,
  ...(report.scopesSupported && { ScopesSupported: report.scopesSupported }),
  RedirectUri: report.redirectUri,
  Groups: report.groups.map(toGroup),
  Problems: report.problems,
});

const toAdTest = (report: DirectoryTestReport): DirectoryTest => ({
  Ok: report.ok,
  ...(report.reached && { ReachedUrl: report.reached }),
  Unreachable: report.unreachable.map((u) => ({ Url: u.url, Reason: u.reason })),
  Bound: report.bound,
  ...(report.usersFound !== undefined && { UsersFound: report.usersFound }),
  Groups: report.groups.map((g) => ({
    GroupName: g.groupName,
    ...(g.tier && { Tier: g.tier }),
    Found: g.found,
    ...(g.members !== undefined && { Members: g.members }),
  })),
  Problems: report.problems,
});

const toPreview = (preview: TierPreview): DirectoryTierPreview => ({
  TierChanges: preview.tierChanges,
  LoseSignIn: preview.loseSignIn,
  GainSignIn: preview.gainSignIn,
  Examples: preview.examples.map((e) => ({
    ...(e.userId && { UserId: e.userId }),
    ...(e.email && { PrimaryEmail: e.email }),
    ...(e.from && { From: e.from }),
    ...(e.to && { To: e.to }),
  })),
});

const toExplanation = (e: Explanation): DirectoryExplanation => ({
  AccountId: e.accountId,
  ...(e.userId && { UserId: e.userId }),
  ...(e.email && { PrimaryEmail: e.email }),
  InDirectory: e.inDirectory,
  Disabled: e.disabled,
  ...(e.tier && { Tier: e.tier }),
  CanSignIn: e.canSignIn,
  Chains: e.chains.map((c) => ({ Path: c.path, GroupName: c.groupName, Tier: c.tier })),
  Groups: e.mapping.map(toGroup),
  ...(e.lastChange && {
    LastChange: {
      RunId: e.lastChange.runId,
      Action: pascal(e.lastChange.action),
      Timestamp: e.lastChange.at,
      Reason: e.lastChange.reason,
    },
  }),
  Summary: e.summary,
});

/** Connects (or replaces) the account's directory; the password or secret is sealed by the domain. */
export const ConnectDirectory: ChimeOperation<'ConnectDirectory'> = async (input, { services, actor }) => ({
  Directory: toConnection(await services.directory.connect(actor, input.AccountId, connectInput(input))),
});

type ConnectRequest = Parameters<ChimeOperation<'ConnectDirectory'>>[0];

/** The fields each Type needs, named when missing (the model cannot say "required for this Type"). */
function connectInput(input: ConnectRequest): ConnectInput {
  const need = (names: (keyof ConnectRequest)[]) => {
    const missing = names.filter((name) => input[name] === undefined);
    if (missing.length > 0)
      throw invalid(`ConnectDirectory with Type ${input.Type} needs ${missing.join(', ')}`);
  };
  if (input.Type === 'OpenIdConnect') {
    need(['Issuer', 'ClientId', 'ClientSecret']);
    return {
      type: 'oidc',
      issuer: input.Issuer!,
      clientId: input.ClientId!,
      clientSecret: input.ClientSecret!,
      groupsClaim: input.GroupsClaim,
    };
  }
  need(['Urls', 'BindDn', 'BindPassword', 'BaseDn']);
  return {
    type: 'ad',
    urls: input.Urls!,
    bindDn: input.BindDn!,
    bindPassword: input.BindPassword!,
    baseDn: input.BaseDn!,
    userFilter: input.UserFilter,
    caPem: input.CaPem,
    startTls: input.StartTls,
  };
}

export const GetDirectory: ChimeOperation<'GetDirectory'> = async (input, { services, actor }) => ({
  Directory: toConnection(await services.directory.get(actor, input.AccountId)),
});

export const DisconnectDirectory: ChimeOperation<'DisconnectDirectory'> = async (
  input,
  { services, actor },
) => {
  const outcome = await services.directory.disconnect(actor, input.AccountId);
  return {
    AccountId: outcome.accountId,
    AccountType: outcome.accountType,
    ...(outcome.reason && { Reason: outcome.reason }),
  };
};

/** A test that finds problems still answers 200: the problems are the answer (`Ok: false`). */
export const TestDirectory: ChimeOperation<'TestDirectory'> = async (input, { services, actor }) => ({
  DirectoryTest: toTest(await services.directory.test(actor, input.AccountId)),
});

/** Replaces the whole mapping; with `DryRun` only previews it. */
export const PutDirectoryGroupTiers: ChimeOperation<'PutDirectoryGroupTiers'> = async (
  input,
  { services, actor },
) => {
  const groups = input.Groups.map((g) => ({ groupName: g.GroupName, tier: g.Tier }));
  const result = await services.directory.setGroupTiers(actor, input.AccountId, groups, {
    dryRun: input.DryRun ?? false,
  });
  return {
    Preview: toPreview(result.preview),
    Saved: result.saved,
    ...(result.runId && { RunId: result.runId }),
  };
};

/** Answers the run as queued (201); the job runs it, and GetDirectoryRun follows it. */
export const StartDirectorySync: ChimeOperation<'StartDirectorySync'> = async (
  input,
  { services, actor },
) => ({
  Run: toRun(
    await services.directory.startSync(actor, input.AccountId, {
      full: input.Full ?? false,
      dryRun: input.DryRun ?? false,
    }),
  ),
});

export const ListDirectoryRuns: ChimeOperation<'ListDirectoryRuns'> = async (input, { services, actor }) => {
  const page = await services.directory.listRuns(actor, input.AccountId, {
    maxResults: input.MaxResults,
    nextToken: input.NextToken,
  });
  return { Runs: page.runs.map(toRun), ...(page.nextToken && { NextToken: page.nextToken }) };
};

export const GetDirectoryRun: ChimeOperation<'GetDirectoryRun'> = async (input, { services, actor }) => ({
  Run: toReport(await services.directory.getRun(actor, input.RunId)),
});

export const ApproveDirectoryRun: ChimeOperation<'ApproveDirectoryRun'> = async (
  input,
  { services, actor },
) => ({ Run: toRun(await services.directory.approveRun(actor, input.RunId)) });

export const RejectDirectoryRun: ChimeOperation<'RejectDirectoryRun'> = async (
  input,
  { services, actor },
) => ({ Run: toRun(await services.directory.rejectRun(actor, input.RunId)) });

export const ExplainDirectoryUser: ChimeOperation<'ExplainDirectoryUser'> = async (
  input,
  { services, actor },
) => ({ Explanation: toExplanation(await services.directory.explain(actor, input.AccountId, input.User)) });
