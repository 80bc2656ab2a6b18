import { useEffect, useState } from 'react';
import Button from '@cloudscape-design/components/button';
import Checkbox from '@cloudscape-design/components/checkbox';
import Container from '@cloudscape-design/components/container';
import Flashbar from '@cloudscape-design/components/flashbar';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { belfry } from '../console-api.js';
import { useFlash } from '../flash.js';

interface Policies {
  remoteControl: boolean;
  dialOut: boolean;
}

/**
 * The account's meeting settings (GetAccountSettings / UpdateAccountSettings). The API speaks of
 * DisableRemoteControl; the page asks the question the other way round, as Chime's console did.
 */
export default function Settings({ accountId }: { accountId: string }) {
  const [saved, setSaved] = useState<Policies>();
  const [form, setForm] = useState<Policies>();
  const [busy, setBusy] = useState(false);
  const { flash, say } = useFlash();

  useEffect(() => {
    belfry.getSettings(accountId).then(
      ({ AccountSettings: s }) => {
        const read = { remoteControl: !s.DisableRemoteControl, dialOut: Boolean(s.EnableDialOut) };
        setSaved(read);
        setForm(read);
      },
      (e: Error) => say('error', `Could not read the meeting settings: ${e.message}`),
    );
  }, [accountId]);

  const save = async () => {
    if (!form) return;
    setBusy(true);
    try {
      await belfry.updateSettings(accountId, {
        DisableRemoteControl: !form.remoteControl,
        EnableDialOut: form.dialOut,
      });
      setSaved(form);
      say('success', 'Meeting settings saved. They apply to meetings started from now on.');
    } catch (e) {
      say('error', `The meeting settings were not saved: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  const changed =
    form && saved && (form.remoteControl !== saved.remoteControl || form.dialOut !== saved.dialOut);
  return (
    <SpaceBetween size="m">
      <Flashbar items={flash} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Form
          header={<Header variant="h1">Settings</Header>}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button formAction="none" variant="link" disabled={!changed} onClick={() => setForm(saved)}>
                Cancel
              </Button>
              <Button variant="primary" formAction="submit" loading={busy} disabled={!changed}>
                Save
              </Button>
            </SpaceBetween>
          }
        >
          <Container
            header={
              <Header variant="h2" description="Policies for the meetings that this account's users host.">
                Meeting policies
              </Header>
            }
          >
            {!form ? (
              <Spinner />
            ) : (
              <SpaceBetween size="l">
                <FormField label="Remote control">
                  <Checkbox
                    checked={form.remoteControl}
                    onChange={(e) => setForm({ ...form, remoteControl: e.detail.checked })}
                    description="Attendees may ask to take control of the screen being shared, and the presenter may grant it."
                  >
                    Enable remote control
                  </Checkbox>
                </FormField>
                <FormField label="Dial-out">
                  <Checkbox
                    checked={form.dialOut}
                    onChange={(e) => setForm({ ...form, dialOut: e.detail.checked })}
                    description="Meeting attendees may have the meeting call a phone number to bring someone in."
                  >
                    Enable dial-out
                  </Checkbox>
                </FormField>
              </SpaceBetween>
            )}
          </Container>
        </Form>
      </form>
    </SpaceBetween>
  );
}
