import { useState } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { session, type Administrator } from '../api.js';

/** The page of the one-time link Belfry prints at its first start: the token is in the fragment. */
export default function Setup({ onSignedIn }: { onSignedIn: (admin: Administrator) => void }) {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const mismatch = repeat !== '' && repeat !== password;

  const submit = async () => {
    if (mismatch) return;
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn((await session.setUp(token, email, password)).Administrator);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box padding="xxl">
      <main style={{ maxWidth: 480, margin: '0 auto' }}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Form
            header={
              <Header
                variant="h1"
                description="This administrator has FullAccess to every account. The link works once."
              >
                Create the first administrator
              </Header>
            }
            actions={
              <Button variant="primary" loading={busy} formAction="submit">
                Create administrator
              </Button>
            }
          >
            <Container>
              <SpaceBetween size="m">
                {!token && (
                  <Alert type="warning">
                    This page needs the whole link Belfry printed when it started. Copy it again from the
                    server's output.
                  </Alert>
                )}
                {error && (
                  <Alert type="error" header="Could not create the administrator">
                    {error}
                  </Alert>
                )}
                <FormField label="Email" controlId="email">
                  <Input
                    controlId="email"
                    type="email"
                    autoComplete="username"
                    value={email}
                    onChange={(e) => setEmail(e.detail.value)}
                  />
                </FormField>
                <FormField label="Password" description="At least 10 characters." controlId="password">
                  <Input
                    controlId="password"
                    type="password"
                    autoComplete="new-password"
                    value={password}
                    onChange={(e) => setPassword(e.detail.value)}
                  />
                </FormField>
                <FormField
                  label="Repeat the password"
                  controlId="repeat"
                  errorText={mismatch ? 'The two passwords differ.' : undefined}
                >
                  <Input
                    controlId="repeat"
                    type="password"
                    autoComplete="new-password"
                    value={repeat}
                    onChange={(e) => setRepeat(e.detail.value)}
                  />
                </FormField>
              </SpaceBetween>
            </Container>
          </Form>
        </form>
      </main>
    </Box>
  );
}
