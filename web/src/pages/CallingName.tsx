import { useCallback, useEffect, useState } from 'react';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Flashbar from '@cloudscape-design/components/flashbar';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { explain, useFlash } from '../feedback.js';
import { phones } from '../telephony-api.js';
import { ConfirmModal } from './ConfirmModal.js';
import { CALLING_NAME, CALLING_NAME_HINT } from './EditCallingName.js';

type Settings = { CallingName?: string; CallingNameUpdatedTimestamp?: string };

/**
 * The Calling name tab: the installation's default outbound calling name (Get/UpdatePhoneNumberSettings),
 * shown by numbers without a calling name of their own; it changes at most once in 7 days.
 */
export function CallingName() {
  const [settings, setSettings] = useState<Settings>();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const flash = useFlash();
  const { say } = flash;

  const load = useCallback(
    () =>
      phones.getPhoneNumberSettings().then(setSettings, (e) => {
        setSettings({});
        say('error', explain('read the calling name', e));
      }),
    [say],
  );
  useEffect(() => void load(), [load]);

  const valid = name !== '' && CALLING_NAME.test(name);
  const save = async () => {
    try {
      await phones.updatePhoneNumberSettings(name);
    } catch (e) {
      setError(explain('set the default calling name', e));
      throw e;
    }
    setEditing(false);
    say('success', `Default calling name set to "${name}". It can change again in 7 days.`);
    await load();
  };

  return (
    <SpaceBetween size="m">
      <Flashbar items={flash.items} />
      <Container
        header={
          <Header
            variant="h2"
            description="The outbound calling name of numbers that have none of their own."
            actions={
              <Button
                disabled={!settings}
                onClick={() => {
                  setName(settings?.CallingName ?? '');
                  setError(undefined);
                  setEditing(true);
                }}
              >
                Edit
              </Button>
            }
          >
            Default calling name
          </Header>
        }
      >
        {settings ? (
          <KeyValuePairs
            columns={2}
            items={[
              { label: 'Calling name', value: settings.CallingName ?? 'Not set' },
              { label: 'Last changed', value: settings.CallingNameUpdatedTimestamp ?? '-' },
            ]}
          />
        ) : (
          <Spinner />
        )}
      </Container>
      {editing && (
        <ConfirmModal
          title="Edit default calling name"
          action="Save"
          ready={valid}
          onCancel={() => setEditing(false)}
          onConfirm={save}
          error={error}
        >
          <FormField
            label="Default calling name"
            description={`${CALLING_NAME_HINT} It can change once in 7 days.`}
            errorText={name && !valid ? 'Use 2 to 15 letters, digits and spaces.' : undefined}
          >
            <Input value={name} onChange={(e) => setName(e.detail.value)} />
          </FormField>
        </ConfirmModal>
      )}
    </SpaceBetween>
  );
}
