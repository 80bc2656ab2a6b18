import { useState } from 'react';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import { explain } from '../feedback.js';
import { phones, type PhoneNumber } from '../telephony-api.js';
import { ConfirmModal } from './ConfirmModal.js';

/** Chime's CallingName: empty, or 2 to 15 letters, digits and spaces. */
export const CALLING_NAME = /^$|^[a-zA-Z0-9 ]{2,15}$/;
export const CALLING_NAME_HINT = '2 to 15 letters, digits and spaces, shown to the people called.';

/** Edit calling name: the name one number shows when it calls (UpdatePhoneNumber's CallingName). */
export function EditCallingName(props: {
  number: PhoneNumber;
  onCancel: () => void;
  onDone: (outcome: string) => void;
}) {
  const e164 = props.number.E164PhoneNumber;
  const [name, setName] = useState(props.number.CallingName ?? '');
  const [error, setError] = useState<string>();
  const valid = CALLING_NAME.test(name) && name !== '';
  const save = async () => {
    try {
      await phones.updateCallingName(e164, name);
    } catch (e) {
      setError(explain(`set the calling name of ${e164}`, e));
      throw e;
    }
    props.onDone(
      `Calling name of ${e164} set to "${name}". The carrier applies it (Update in progress until it has).`,
    );
  };
  return (
    <ConfirmModal
      title="Edit calling name"
      action="Save"
      ready={valid}
      onCancel={props.onCancel}
      onConfirm={save}
      error={error}
    >
      <FormField
        label="Calling name"
        description={`For ${e164}: ${CALLING_NAME_HINT}`}
        errorText={name && !valid ? 'Use 2 to 15 letters, digits and spaces.' : undefined}
      >
        <Input value={name} onChange={(e) => setName(e.detail.value)} />
      </FormField>
    </ConfirmModal>
  );
}
