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
import { chime, type User } from '../api.js';
import { explain, useFlash } from '../feedback.js';
import { phones, type Telephony } from '../telephony-api.js';
import {
  AssignPhoneNumber,
  EditTelephonyPermissions,
  PERMISSIONS,
  UnassignPhoneNumber,
} from './UserPhoneActions.js';

type Action = 'assign' | 'edit-telephony' | 'unassign';

/** User details: who they are, their status, tier, dates, PIN, number and telephony permissions. */
export default function UserDetails({ accountId, userId }: { accountId: string; userId: string }) {
  const [user, setUser] = useState<User>();
  const [telephony, setTelephony] = useState<Telephony>();
  const [error, setError] = useState<string>();
  const [action, setAction] = useState<Action>();
  const flash = useFlash();
  const { say } = flash;

  const load = useCallback(async () => {
    try {
      setUser((await chime.getUser(accountId, userId)).User);
    } catch (e) {
      setError((e as Error).message);
      return;
    }
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
      {action === 'assign' && <AssignPhoneNumber {...common} />}
      {action === 'edit-telephony' && telephony && (
        <EditTelephonyPermissions {...common} current={telephony} />
      )}
      {action === 'unassign' && number && <UnassignPhoneNumber {...common} e164={number} />}
    </SpaceBetween>
  );
}
