import { useState } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import { chime } from '../api.js';
import { navigate } from '../router.js';
import { INVITE_BATCH as MAX, isEmailAddress } from '../email.js';
import { InviteFromCsv } from './InviteFromCsv.js';

/** What is wrong with the typed list, as the person types it (the API checks again). */
export function checkAddresses(text: string): { emails: string[]; problem?: string } {
  const emails = text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  const wrong = emails.filter((e) => !isEmailAddress(e));
  if (wrong.length > 0) return { emails, problem: `Not an email address: ${wrong.join('; ')}` };
  if (emails.length > MAX)
    return { emails, problem: `At most ${MAX} addresses at a time; this list has ${emails.length}.` };
  return { emails };
}

/** Invite users: one field, addresses separated by a semicolon (;), at most 50. */
export default function InviteUsers({ accountId }: { accountId: string }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const { emails, problem } = checkAddresses(text);
  const back = () => navigate(`/accounts/${encodeURIComponent(accountId)}/users`);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await chime.inviteUsers(accountId, emails);
      back();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <SpaceBetween size="l">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Form
          header={
            <Header variant="h1" description="Invited users are not charged for until they accept.">
              Invite users
            </Header>
          }
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" formAction="none" onClick={back}>
                Cancel
              </Button>
              <Button
                variant="primary"
                loading={busy}
                disabled={emails.length === 0 || problem !== undefined}
                formAction="submit"
              >
                Invite users
              </Button>
            </SpaceBetween>
          }
        >
          <Container>
            <SpaceBetween size="m">
              {error && (
                <Alert type="error" header="The invitations were not sent">
                  {error}
                </Alert>
              )}
              <FormField
                label="Email addresses"
                description="Separate multiple email addresses with a semicolon (;). At most 50."
                errorText={problem}
                constraintText={`${emails.length} of ${MAX}`}
                controlId="emails"
              >
                <Textarea
                  controlId="emails"
                  value={text}
                  onChange={(e) => setText(e.detail.value)}
                  placeholder="alice@example.com; bob@example.com"
                />
              </FormField>
            </SpaceBetween>
          </Container>
        </Form>
      </form>
      <InviteFromCsv accountId={accountId} />
    </SpaceBetween>
  );
}
