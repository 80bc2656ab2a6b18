import { useCallback, useEffect, useState } from 'react';
import Alert from '@cloudscape-design/components/alert';
import ButtonDropdown from '@cloudscape-design/components/button-dropdown';
import Container from '@cloudscape-design/components/container';
import Flashbar from '@cloudscape-design/components/flashbar';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { chime, type Account, type User } from '../api.js';
import { identity, isDirectoryAccount, managedReason, type Explanation } from '../identity-api.js';
import { ExplanationText } from './identity/ExplainUser.js';
import { explain, useFlash } from '../feedback.js';
import { phones, type Telephony } from '../telephony-api.js';
import {
  AssignPhoneNumber,
  EditTelephonyPermissions,
  PERMISSIONS,
  UnassignPhoneNumber,
} from './UserPhoneActions.js';
import { UserAuditTrail } from './UserAuditTrail.js';

type Action = 'assign' | 'edit-telephony' | 'unassign';

/** User details: who they are, their status, tier, dates, PIN, number, telephony permissions and audit trail. */
export default function UserDetails({ accountId, userId }: { accountId: string; userId: string }) {
  const [user, setUser] = useState<User>();
  const [telephony, setTelephony] = useState<Telephony>();
  const [error, setError] = useState<string>();
  const [action, setAction] = useState<Action>();
  const [account, setAccount] = useState<Account>();
  const [why, setWhy] = useState<Explanation>();
  const flash = useFlash();
  const { say } = flash;

  const load = useCallback(async () => {
    let found: User;
    let type: string;
    try {
      const [u, a] = await Promise.all([chime.getUser(accountId, userId), chime.getAccount(accountId)]);
      [found, type] = [u.User, a.Account.AccountType];
      setUser(found);
      setAccount(a.Account);
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    // In a directory account the tier is the directory's: say why the user has it.
    if (isDirectoryAccount(type))
      identity.explain(accountId, found.PrimaryEmail ?? userId).then(
        (r) => setWhy(r.Explanation),
        (e) => say('error', explain('explain the permissions', e)),
      );
    phones
      .getUserSettings(accountId, userId)
      .then(setTelephony, (e) => say('error', explain('read the telephony permissions', e)));
  }, [accountId, userId, say]);
  useEffect(() => void load(), [load]);

  if (error)
    return (
      <>
        <Header variant="h1">User details</Header>
        <Alert type="error">{error}</Alert>
      </>
    );
  if (!user) return <Spinner size="large" />;

  const who = user.PrimaryEmail ?? user.UserId;
  const number = user.PrimaryProvisionedNumber;
  const done = (outcome: string) => {
    setAction(undefined);
    say('success', outcome);
    void load();
  };
  const managed = isDirectoryAccount(account?.AccountType) ? managedReason(account?.AccountType) : undefined;
  // Shown only where they are refused, to say where to change them instead.
  const managedItems = managed
    ? [
        { id: 'managed-assign', text: 'Assign permissions', disabled: true, disabledReason: managed },
        { id: 'managed-suspend', text: 'Suspend user', disabled: true, disabledReason: managed },
      ]
    : [];
  const common = { accountId, userId, who, onCancel: () => setAction(undefined), onDone: done };

  return (
    <SpaceBetween size="m">
      <Flashbar items={flash.items} />
      <Container
        header={
          <Header
            variant="h1"
            actions={
              <ButtonDropdown
                onItemClick={(e) => setAction(e.detail.id as Action)}
                items={[
                  { id: 'assign', text: 'Assign phone number', disabled: Boolean(number) },
                  { id: 'edit-telephony', text: 'Edit telephony permissions', disabled: !telephony },
                  { id: 'unassign', text: 'Unassign phone number', disabled: !number },
                  ...managedItems,
                ]}
              >
                Actions
              </ButtonDropdown>
            }
          >
            {who}
          </Header>
        }
      >
        <KeyValuePairs
          columns={3}
          items={[
            { label: 'Name', value: user.DisplayName ?? '-' },
            { label: 'Email', value: user.PrimaryEmail ?? '-' },
            { label: 'Registration status', value: user.UserRegistrationStatus ?? '-' },
            { label: 'Invitation status', value: user.UserInvitationStatus ?? '-' },
            { label: 'Permissions', value: user.LicenseType ?? '-' },
            { label: 'Invited', value: user.InvitedOn ?? '-' },
            { label: 'Joined', value: user.RegisteredOn ?? '-' },
            { label: 'Personal PIN', value: user.PersonalPIN ?? '-' },
            { label: 'Phone number', value: number ?? 'None' },
          ]}
        />
      </Container>
      {managed && (
        <Container
          header={
            <Header variant="h2" description={managed}>
              Why these permissions
            </Header>
          }
        >
          {why ? <ExplanationText explanation={why} /> : <Spinner />}
        </Container>
      )}
      <Container header={<Header variant="h2">Telephony permissions</Header>}>
        {telephony ? (
          <KeyValuePairs
            columns={3}
            items={PERMISSIONS.map((p) => ({
              label: p.label,
              value: (
                <StatusIndicator type={telephony[p.key] ? 'success' : 'stopped'}>
                  {telephony[p.key] ? 'On' : 'Off'}
                </StatusIndicator>
              ),
            }))}
          />
        ) : (
          <Spinner />
        )}
      </Container>
      <UserAuditTrail accountId={accountId} userId={userId} version={user} />
      {action === 'assign' && <AssignPhoneNumber {...common} />}
      {action === 'edit-telephony' && telephony && (
        <EditTelephonyPermissions {...common} current={telephony} />
      )}
      {action === 'unassign' && number && <UnassignPhoneNumber {...common} e164={number} />}
    </SpaceBetween>
  );
}
