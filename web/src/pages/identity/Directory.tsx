import { useCallback, useEffect, useState } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Flashbar from '@cloudscape-design/components/flashbar';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { chime, type Account } from '../../api.js';
import { explain, useFlash } from '../../feedback.js';
import {
  identity,
  type AdTest,
  type Connection,
  type ConnectInput,
  type IdpTest,
} from '../../identity-api.js';
import { ConfirmModal } from '../ConfirmModal.js';
import { ConnectDirectory } from './ConnectDirectory.js';
import { Copyable } from '../Copyable.js';
import { DirectoryRuns } from './DirectoryRuns.js';
import { ExplainUser } from './ExplainUser.js';
import { GroupTiers } from './GroupTiers.js';

/** A connection test's report as sentences, the way an administrator reads it. */
function testInWords(test: AdTest | IdpTest): string[] {
  if ('Discovered' in test)
    return [
      test.Discovered
        ? `Read the discovery document of ${test.Issuer}.`
        : `Could not read the discovery document of ${test.Issuer}.`,
      `Register ${test.RedirectUri} as the redirect URI at the provider.`,
      ...test.Problems,
    ];
  return [
    ...test.Unreachable.map((u) => `Could not reach ${u.Url}: ${u.Reason}`),
    ...(test.ReachedUrl ? [`Reached ${test.ReachedUrl}.`] : []),
    test.Bound
      ? 'Signed in with the bind DN and password.'
      : 'Could not sign in with the bind DN and password.',
    ...(test.UsersFound !== undefined ? [`Found ${test.UsersFound} users under the base DN.`] : []),
    ...test.Groups.map((g) =>
      g.Found
        ? `Group ${g.GroupName} (${g.Tier ?? 'default permissions'}): found, ${g.Members ?? 0} members.`
        : `Group ${g.GroupName}: not found in the directory.`,
    ),
    ...test.Problems,
  ];
}

/** The connection's settings, as GetDirectory answers them (secrets are never read back). */
function connectionItems(c: Connection) {
  if (c.Type === 'OpenIdConnect')
    return [
      { label: 'Type', value: 'OpenID provider' },
      { label: 'Issuer', value: c.Issuer },
      { label: 'Client ID', value: c.ClientId },
      { label: 'Groups claim', value: c.GroupsClaim ?? 'None' },
      { label: 'Redirect URI', value: <Copyable label="Redirect URI" value={c.RedirectUri} /> },
      { label: 'Live SCIM tokens', value: String(c.LiveScimTokens) },
      { label: 'Connected', value: c.ConnectedTimestamp },
    ];
  return [
    { label: 'Type', value: 'Active Directory' },
    { label: 'Domain controllers', value: c.Urls.join(' ') },
    { label: 'Bind DN', value: c.BindDn },
    { label: 'Base DN', value: c.BaseDn },
    { label: 'User filter', value: c.UserFilter },
    { label: 'StartTLS', value: c.StartTls ? 'Yes' : 'No' },
    { label: 'CA certificate', value: c.CaSubject ?? 'The system CAs' },
    { label: 'Next sync', value: c.NextIncrementalTimestamp ?? '-' },
    { label: 'Connected', value: c.ConnectedTimestamp },
  ];
}

/**
 * The directory of an Enterprise account: Active Directory (Belfry reads it over LDAP and syncs
 * its users) or an OpenID provider (people sign in there); its groups and tiers, its sync runs,
 * and why a user has the tier they have.
 */
export default function Directory({ accountId }: { accountId: string }) {
  const [account, setAccount] = useState<Account>();
  const [connection, setConnection] = useState<Connection | null>();
  const [connecting, setConnecting] = useState<ConnectInput['Type']>();
  const [disconnecting, setDisconnecting] = useState(false);
  const [disconnectError, setDisconnectError] = useState<string>();
  const [report, setReport] = useState<{ ok: boolean; lines: string[] }>();
  const [testing, setTesting] = useState(false);
  const flash = useFlash();
  const { say } = flash;

  const load = useCallback(async () => {
    try {
      const [a, d] = await Promise.all([chime.getAccount(accountId), identity.getDirectory(accountId)]);
      setAccount(a.Account);
      setConnection(d?.Directory ?? null);
    } catch (e) {
      setConnection(null);
      say('error', explain('read the directory', e));
    }
  }, [accountId, say]);
  useEffect(() => void load(), [load]);

  const test = async () => {
    setTesting(true);
    setReport(undefined);
    try {
      const { DirectoryTest: t } = await identity.test(accountId);
      setReport({ ok: t.Ok, lines: testInWords(t) });
    } catch (e) {
      say('error', explain('test the connection', e));
    } finally {
      setTesting(false);
    }
  };
  const disconnect = async () => {
    try {
      const r = await identity.disconnect(accountId);
      setDisconnecting(false);
      setReport(undefined);
      say(
        'success',
        `Directory disconnected. The account is ${r.AccountType ?? 'changed'}.${r.Reason ? ` ${r.Reason}` : ''}`,
      );
      await load();
    } catch (e) {
      setDisconnectError(explain('disconnect the directory', e));
      throw e;
    }
  };

  if (connection === undefined) return <Spinner size="large" />;
  const idp = connection?.Type === 'OpenIdConnect';
  return (
    <SpaceBetween size="m">
      <Flashbar items={flash.items} />
      <Header variant="h1" description={account ? `${account.Name} (${account.AccountType})` : undefined}>
        Directory
      </Header>
      {connection === null ? (
        <Container header={<Header variant="h2">Not connected</Header>}>
          <SpaceBetween size="m">
            <Box>
              No directory. People sign in with their Belfry password. Connect Active Directory to sync users
              and tiers from its groups, or an OpenID provider (Okta, Microsoft Entra) for people to sign in
              there. The account needs a verified domain first.
            </Box>
            <SpaceBetween direction="horizontal" size="xs">
              <Button onClick={() => setConnecting('ActiveDirectory')}>Connect Active Directory</Button>
              <Button onClick={() => setConnecting('OpenIdConnect')}>Connect an OpenID provider</Button>
            </SpaceBetween>
          </SpaceBetween>
        </Container>
      ) : (
        <>
          <Container
            header={
              <Header
                variant="h2"
                actions={
                  <SpaceBetween direction="horizontal" size="xs">
                    <Button loading={testing} onClick={() => void test()}>
                      Test connection
                    </Button>
                    <Button
                      onClick={() => {
                        setDisconnectError(undefined);
                        setDisconnecting(true);
                      }}
                    >
                      Disconnect
                    </Button>
                  </SpaceBetween>
                }
              >
                Connection
              </Header>
            }
          >
            <SpaceBetween size="m">
              {idp && (
                <Alert type="info" header="Register the redirect URI">
                  At your identity provider, register {connection.RedirectUri} as this app&apos;s sign-in
                  redirect URI.
                </Alert>
              )}
              <KeyValuePairs columns={3} items={connectionItems(connection)} />
              {report && (
                <Alert
                  type={report.ok ? 'success' : 'error'}
                  header={report.ok ? 'The connection works' : 'The connection has problems'}
                >
                  <ul aria-label="Connection test">
                    {report.lines.map((l) => (
                      <li key={l}>{l}</li>
                    ))}
                  </ul>
                </Alert>
              )}
            </SpaceBetween>
          </Container>
          <GroupTiers
            key={JSON.stringify(connection.Groups)}
            accountId={accountId}
            groups={connection.Groups}
            onSaved={(m) => {
              // An earlier test's report spoke of the groups before: test again to see them.
              setReport(undefined);
              say('success', m);
              void load();
            }}
            onError={(m) => say('error', m)}
          />
          <DirectoryRuns accountId={accountId} onSaid={say} />
          <ExplainUser accountId={accountId} />
        </>
      )}
      {connecting && (
        <ConnectDirectory
          accountId={accountId}
          kind={connecting}
          onCancel={() => setConnecting(undefined)}
          onDone={(c) => {
            setConnecting(undefined);
            setConnection(c);
            say(
              'success',
              c.Type === 'OpenIdConnect' ? 'OpenID provider connected.' : 'Active Directory connected.',
            );
            void load();
          }}
        />
      )}
      {disconnecting && (
        <ConfirmModal
          title="Disconnect the directory"
          action="Disconnect"
          ready
          onCancel={() => setDisconnecting(false)}
          onConfirm={disconnect}
          error={disconnectError}
        >
          Disconnect {idp ? 'the OpenID provider' : 'Active Directory'}? Belfry forgets the connection and its
          secret; the users stay members, and their tiers and suspensions are then set by hand again.
        </ConfirmModal>
      )}
    </SpaceBetween>
  );
}
