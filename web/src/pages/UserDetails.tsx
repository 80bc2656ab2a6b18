import { useEffect, useState } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Spinner from '@cloudscape-design/components/spinner';
import { chime, type User } from '../api.js';

/** User details: who they are, their status, tier, dates, PIN and number. */
export default function UserDetails({ accountId, userId }: { accountId: string; userId: string }) {
  const [user, setUser] = useState<User>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    chime.getUser(accountId, userId).then(
      (r) => setUser(r.User),
      (e: Error) => setError(e.message),
    );
  }, [accountId, userId]);
  if (error)
    return (
      <>
        <Header variant="h1">User details</Header>
        <Alert type="error">{error}</Alert>
      </>
    );
  if (!user) return <Spinner size="large" />;
  return (
    <Container header={<Header variant="h1">{user.PrimaryEmail ?? user.UserId}</Header>}>
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
          { label: 'Phone number', value: user.PrimaryProvisionedNumber ?? 'None' },
        ]}
      />
    </Container>
  );
}
