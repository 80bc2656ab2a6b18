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

/** Email, password and, for administrators who set one up, the authenticator code. */
export default function SignIn({ onSignedIn }: { onSignedIn: (admin: Administrator) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn((await session.signIn(email, password, code)).Administrator);
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
            header={<Header variant="h1">Sign in to the Belfry console</Header>}
            actions={
              <Button variant="primary" loading={busy} formAction="submit">
                Sign in
              </Button>
            }
          >
            <Container>
              <SpaceBetween size="m">
                {error && (
                  <Alert type="error" header="Could not sign in">
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
                <FormField label="Password" controlId="password">
                  <Input
                    controlId="password"
                    type="password"
                    autoComplete="current-password"
                    value={password}
                    onChange={(e) => setPassword(e.detail.value)}
                  />
                </FormField>
                <FormField
                  label="Authenticator code"
                  description="Only if you set up an authenticator app (TOTP)."
                  controlId="totp"
                >
                  <Input
                    controlId="totp"
                    inputMode="numeric"
                    autoComplete="one-time-code"
                    value={code}
                    onChange={(e) => setCode(e.detail.value)}
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
