import { useEffect, useState, type ReactNode } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { ApiError, chime, type Account } from '../api.js';
import {
  belfry,
  type AccountDomain,
  type DirectoryConnection,
  type License,
  type RegistrationStatus,
  type UserCount,
} from '../console-api.js';
import { accountHref } from '../navigation.js';
import { followLink } from '../router.js';

interface Facts {
  account: Account;
  counts: UserCount[];
  domains: AccountDomain[];
  /** undefined: none connected (GetDirectory answers NotFound) */
  directory: DirectoryConnection | undefined;
}

/** A read that answers NotFound when the thing is simply not there yet. */
const orNone = <T,>(promise: Promise<T>): Promise<T | undefined> =>
  promise.catch((e: unknown) => {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  });

/** The account's landing page: what it is, who is in it, and what is left to set up. */
export default function Overview({ accountId }: { accountId: string }) {
  const [facts, setFacts] = useState<Facts>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    Promise.all([
      chime.getAccount(accountId),
      belfry.userCounts(accountId),
      belfry.listDomains(accountId),
      orNone(belfry.getDirectory(accountId)),
    ]).then(
      ([a, c, d, dir]) =>
        setFacts({ account: a.Account, counts: c.UserCounts, domains: d.Domains, directory: dir?.Directory }),
      (e: Error) => setError(e.message),
    );
  }, [accountId]);

  if (error)
    return (
      <SpaceBetween size="m">
        <Header variant="h1">Account overview</Header>
        <Alert type="error">{error}</Alert>
      </SpaceBetween>
    );
  if (!facts) return <Spinner size="large" />;
  const { account } = facts;
  return (
    <SpaceBetween size="l">
      <Header variant="h1" description="Account overview">
        {account.Name}
      </Header>
      <Container header={<Header variant="h2">Account</Header>}>
        <KeyValuePairs
          columns={4}
          items={[
            { label: 'Account type', value: account.AccountType },
            { label: 'Default permissions', value: account.DefaultLicense ?? '-' },
            { label: 'Account ID', value: account.AccountId },
            { label: 'Created', value: account.CreatedTimestamp ?? '-' },
          ]}
        />
      </Container>
      <UserCounts accountId={accountId} counts={facts.counts} />
      <Checklist facts={facts} />
    </SpaceBetween>
  );
}

const STATUSES: { status: RegistrationStatus; label: string }[] = [
  { status: 'Registered', label: 'Registered' },
  { status: 'Unregistered', label: 'Invited, not registered' },
  { status: 'Suspended', label: 'Suspended' },
];
const TIERS: License[] = ['Pro', 'Basic'];

function UserCounts({ accountId, counts }: { accountId: string; counts: UserCount[] }) {
  const sum = (keep: (c: UserCount) => boolean) => counts.filter(keep).reduce((n, c) => n + c.Count, 0);
  const users = (filter: string) => `${accountHref(accountId, 'users')}${filter}`;
  const count = (label: string, n: number, href: string) => (
    <div key={label}>
      <Box variant="awsui-key-label">{label}</Box>
      <Link variant="awsui-value-large" href={href} onFollow={followLink} ariaLabel={`${n} ${label}`}>
        {n}
      </Link>
    </div>
  );
  return (
    <Container
      header={
        <Header variant="h2" description="Choose a number to see those users.">
          Users
        </Header>
      }
    >
      <ColumnLayout columns={3} variant="text-grid">
        {count(
          'All users',
          sum(() => true),
          users(''),
        )}
        {STATUSES.map((s) =>
          count(
            s.label,
            sum((c) => c.UserRegistrationStatus === s.status),
            users(`?status=${s.status}`),
          ),
        )}
        {TIERS.map((t) =>
          count(
            `${t} permissions`,
            sum((c) => c.LicenseType === t),
            users(`?tier=${t}`),
          ),
        )}
      </ColumnLayout>
    </Container>
  );
}

interface Step {
  title: string;
  done: boolean;
  /** what is true now */
  state: string;
  /** where to do it */
  how?: ReactNode;
}

const command = (text: string) => (
  <Box variant="code" display="block">
    {text}
  </Box>
);

/** What an account needs before its people can use it, each step with where it is done. */
function steps({ account, counts, domains, directory }: Facts): Step[] {
  const id = account.AccountId;
  const verified = domains.filter((d) => d.Status === 'Verified');
  const pending = domains.filter((d) => d.Status !== 'Verified');
  const members = counts.reduce((n, c) => n + c.Count, 0);
  const oidc = account.AccountType === 'EnterpriseOIDC';
  const connected = directory !== undefined || oidc;
  const groups = directory?.Groups ?? [];
  const list: Step[] = [
    {
      title: 'Domain claimed and verified',
      done: verified.length > 0,
      state:
        [
          verified.length > 0 && `Verified: ${verified.map((d) => d.DomainName).join(', ')}.`,
          pending.length > 0 &&
            `Claimed, waiting for verification: ${pending.map((d) => `${d.DomainName} (${d.Status})`).join(', ')}.`,
        ]
          .filter(Boolean)
          .join(' ') ||
        'No domain claimed. A verified domain makes this an Enterprise account, whose people join by their address.',
      how:
        verified.length > 0 && pending.length === 0 ? undefined : (
          <SpaceBetween size="xxs">
            {pending.map((d) => (
              <Box key={d.DomainName} variant="small">
                Publish the TXT record {d.TxtRecordName} with the value {d.TxtRecordValue}, then verify.
              </Box>
            ))}
            <Box variant="small">
              {pending.length > 0 ? 'Verify' : 'Claim and verify'} on{' '}
              {identityLink(id, 'domains', 'Claimed domains')}, or with the Belfry command line:
            </Box>
            {pending.length === 0 && command(`npm run belfry -- domains claim ${id} example.com`)}
            {command(`npm run belfry -- domains verify ${id} ${pending[0]?.DomainName ?? 'example.com'}`)}
          </SpaceBetween>
        ),
    },
    {
      title: 'Directory connected',
      done: connected,
      state: oidc
        ? 'Connected to an OpenID Connect identity provider.'
        : directory
          ? `Connected to Active Directory at ${directory.Urls.join(', ')}.`
          : verified.length > 0
            ? 'No directory. People sign in with their Belfry password.'
            : 'A directory can be connected once a domain is verified.',
      how: connected ? undefined : (
        <SpaceBetween size="xxs">
          <Box variant="small">
            Connect Active Directory or an OpenID provider on {identityLink(id, 'directory', 'Directory')}, or
            with the command line (see README, Active Directory):
          </Box>
          {command(
            `npm run belfry -- directory connect ${id} --type ad --url ldaps://dc1.example.com:636 --bind-dn '…' --bind-password-file bind.pw --base-dn '…'`,
          )}
        </SpaceBetween>
      ),
    },
  ];
  if (!connected) return list;
  list.push(
    {
      title: 'Tier groups mapped',
      done: oidc || groups.length > 0,
      state: oidc
        ? 'Tiers come from the identity provider.'
        : groups.length > 0
          ? `Mapped: ${groups.map((g) => `${g.GroupName} → ${g.Tier ?? `${account.DefaultLicense ?? 'default'} (the default)`}`).join(', ')}.`
          : 'No group is mapped to a tier, so no one in the directory can sign in.',
      how:
        oidc || groups.length > 0 ? undefined : (
          <SpaceBetween size="xxs">
            <Box variant="small">
              Map groups on {identityLink(id, 'directory', 'Directory')} (Preview changes first), or with the
              command line (try it with --dry-run first):
            </Box>
            {command(`npm run belfry -- directory groups ${id} --pro chime-pro --basic chime-basic`)}
          </SpaceBetween>
        ),
    },
    {
      title: 'Tier groups not empty',
      done: members > 0,
      state:
        members > 0
          ? `${members} user${members === 1 ? ' has' : 's have'} a tier from the directory.`
          : 'No one has a tier yet: the mapped groups have no members, or no sync has run.',
      how:
        members > 0 ? (
          <Link href={accountHref(id, 'users')} onFollow={followLink}>
            See the users
          </Link>
        ) : (
          <SpaceBetween size="xxs">
            <Box variant="small">Add people to the groups in the directory, then sync:</Box>
            {command(`npm run belfry -- directory sync ${id}`)}
          </SpaceBetween>
        ),
    },
  );
  return list;
}

/** A link to one of the account's Identity pages, where a step is done in the console. */
const identityLink = (id: string, page: string, text: string) => (
  <Link href={accountHref(id, `identity/${page}`)} onFollow={followLink} variant="primary" fontSize="inherit">
    {text}
  </Link>
);

function Checklist({ facts }: { facts: Facts }) {
  const list = steps(facts);
  const left = list.filter((s) => !s.done).length;
  return (
    <Container
      header={
        <Header
          variant="h2"
          description={left === 0 ? 'Everything is set up.' : `${left} of ${list.length} steps left.`}
        >
          Set-up checklist
        </Header>
      }
    >
      <SpaceBetween size="m">
        {list.map((s) => (
          <SpaceBetween key={s.title} size="xxs">
            <StatusIndicator type={s.done ? 'success' : 'pending'}>{s.title}</StatusIndicator>
            <Box>{s.state}</Box>
            {s.how}
          </SpaceBetween>
        ))}
      </SpaceBetween>
    </Container>
  );
}
