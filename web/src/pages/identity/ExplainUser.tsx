import { useState } from 'react';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { explain } from '../../feedback.js';
import { identity, type Explanation } from '../../identity-api.js';

/** The chains of groups that give a user their tier, in words: "Pro through Staff → Engineering". */
export function ExplanationText({ explanation }: { explanation: Explanation }) {
  return (
    <SpaceBetween size="xs">
      <Box>{explanation.Summary}</Box>
      {explanation.Chains.length > 0 && (
        <ul aria-label="Groups that give the tier">
          {explanation.Chains.map((c) => (
            <li key={`${c.GroupName}:${c.Path.join('>')}`}>
              {c.Tier} through {c.GroupName}
              {/* the path starts at the user: a longer one is through nested groups */}
              {c.Path.length > 2 ? ` (${c.Path.join(' → ')})` : ''}
            </li>
          ))}
        </ul>
      )}
      {explanation.LastChange && (
        <Box color="text-body-secondary">
          Last changed {explanation.LastChange.Timestamp} ({explanation.LastChange.Action}):{' '}
          {explanation.LastChange.Reason}
        </Box>
      )}
    </SpaceBetween>
  );
}

/** Explain a user: why the directory gives them the tier (or no sign-in) they have. */
export function ExplainUser({ accountId }: { accountId: string }) {
  const [who, setWho] = useState('');
  const [answer, setAnswer] = useState<Explanation>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const ask = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setAnswer((await identity.explain(accountId, who.trim())).Explanation);
    } catch (e) {
      setAnswer(undefined);
      setError(explain('explain the user', e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Container header={<Header variant="h2">Explain a user</Header>}>
      <SpaceBetween size="m">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void ask();
          }}
        >
          <SpaceBetween direction="horizontal" size="xs" alignItems="end">
            <FormField label="Email" controlId="explain-user">
              <Input controlId="explain-user" value={who} onChange={(e) => setWho(e.detail.value)} />
            </FormField>
            <Button formAction="submit" disabled={who.trim() === ''} loading={busy}>
              Explain
            </Button>
          </SpaceBetween>
        </form>
        {error && <Box color="text-status-error">{error}</Box>}
        {answer && <ExplanationText explanation={answer} />}
      </SpaceBetween>
    </Container>
  );
}
