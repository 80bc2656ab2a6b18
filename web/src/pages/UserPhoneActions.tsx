import { useEffect, useState } from 'react';
import Box from '@cloudscape-design/components/box';
import Checkbox from '@cloudscape-design/components/checkbox';
import FormField from '@cloudscape-design/components/form-field';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { explain } from '../feedback.js';
import { phones, type Telephony } from '../telephony-api.js';
import { ConfirmModal } from './ConfirmModal.js';

/**
 * The user details page's phone actions, as the Chime guide names them: Assign phone number,
 * Edit telephony permissions, Unassign phone number. Each dialog calls its Chime operation and
 * stays open with the error inside it when the API refuses; `onDone` gets the outcome sentence.
 */
interface ActionProps {
  accountId: string;
  userId: string;
  /** how the page names the user (email or name) */
  who: string;
  onCancel: () => void;
  onDone: (outcome: string) => void;
}

/** Unassigned Business Calling numbers are the ones a user can be given. */
const PAGE_OF_NUMBERS = 99;

/** Assign phone number: one of the unassigned inventory, found by typing part of it. */
export function AssignPhoneNumber(props: ActionProps) {
  const [options, setOptions] = useState<SelectProps.Option[]>([]);
  const [nextToken, setNextToken] = useState<string>();
  const [status, setStatus] = useState<SelectProps['statusType']>('loading');
  const [chosen, setChosen] = useState<SelectProps.Option | null>(null);
  const [error, setError] = useState<string>();

  const loadMore = async (token?: string) => {
    setStatus('loading');
    try {
      const page = await phones.listPhoneNumbers({
        status: 'Unassigned',
        productType: 'BusinessCalling',
        maxResults: PAGE_OF_NUMBERS,
        nextToken: token,
      });
      setOptions((o) => [
        ...(token ? o : []),
        ...page.items.map((n) => ({ value: n.E164PhoneNumber, label: n.E164PhoneNumber })),
      ]);
      setNextToken(page.nextToken);
      setStatus(page.nextToken ? 'pending' : 'finished');
    } catch (e) {
      setStatus('error');
      setError(explain('list the unassigned phone numbers', e));
    }
  };
  useEffect(() => void loadMore(), []);

  const assign = async () => {
    const e164 = chosen!.value!;
    try {
      await phones.associatePhoneNumberWithUser(props.accountId, props.userId, e164);
    } catch (e) {
      setError(
        explain(`assign ${e164}`, e, {
          BadRequest: 'An invited user accepts the invitation first; a suspended one is unsuspended first.',
          Conflict: 'Cancel, refresh the page and choose again: the user or the number changed meanwhile.',
        }),
      );
      throw e;
    }
    props.onDone(
      `Phone number ${e164} assigned to ${props.who}. Calling and SMS permissions are off: choose Edit telephony permissions to turn them on. The user signs out and back in to use the number.`,
    );
  };

  return (
    <ConfirmModal
      title="Assign phone number"
      action="Assign"
      ready={chosen !== null}
      onCancel={props.onCancel}
      onConfirm={assign}
      error={error}
    >
      <FormField
        label="Phone number"
        description={`An unassigned Business Calling number from the inventory, for ${props.who}.`}
      >
        <Select
          selectedOption={chosen}
          onChange={(e) => setChosen(e.detail.selectedOption)}
          options={options}
          placeholder="Choose a phone number"
          filteringType="auto"
          filteringPlaceholder="Find a phone number"
          filteringAriaLabel="Find a phone number"
          statusType={status}
          loadingText="Loading phone numbers"
          finishedText="End of the unassigned numbers"
          errorText="The phone numbers could not be listed"
          recoveryText="Retry"
          empty="No unassigned numbers: provision phone numbers first."
          onLoadItems={(e) => {
            if (e.detail.firstPage && !e.detail.samePage) return;
            if (nextToken || status === 'error') void loadMore(nextToken);
          }}
        />
      </FormField>
    </ConfirmModal>
  );
}

export const PERMISSIONS: Array<{
  key: keyof Telephony;
  label: string;
  spoken: string;
  description: string;
}> = [
  {
    key: 'InboundCalling',
    label: 'Inbound calling',
    spoken: 'inbound calling',
    description: 'Take calls to their phone number.',
  },
  {
    key: 'OutboundCalling',
    label: 'Outbound calling',
    spoken: 'outbound calling',
    description: 'Make calls from their phone number.',
  },
  { key: 'SMS', label: 'SMS', spoken: 'SMS', description: 'Send and receive text messages.' },
];

/** "inbound calling on, outbound calling off, SMS on" */
export const describeTelephony = (t: Telephony) =>
  PERMISSIONS.map((p) => `${p.spoken} ${t[p.key] ? 'on' : 'off'}`).join(', ');

/** Edit telephony permissions: the three switches, saved together as Chime requires. */
export function EditTelephonyPermissions(props: ActionProps & { current: Telephony }) {
  const [telephony, setTelephony] = useState(props.current);
  const [error, setError] = useState<string>();
  const save = async () => {
    try {
      await phones.updateUserSettings(props.accountId, props.userId, telephony);
    } catch (e) {
      setError(explain('save the telephony permissions', e));
      throw e;
    }
    props.onDone(
      `Telephony permissions saved for ${props.who}: ${describeTelephony(telephony)}. The user signs out and back in for the change to apply.`,
    );
  };
  return (
    <ConfirmModal
      title="Edit telephony permissions"
      action="Save"
      ready
      onCancel={props.onCancel}
      onConfirm={save}
      error={error}
    >
      <SpaceBetween size="s">
        {PERMISSIONS.map((p) => (
          <Checkbox
            key={p.key}
            checked={telephony[p.key]}
            description={p.description}
            onChange={(e) => setTelephony((t) => ({ ...t, [p.key]: e.detail.checked }))}
          >
            {p.label}
          </Checkbox>
        ))}
      </SpaceBetween>
    </ConfirmModal>
  );
}

/** Unassign phone number, behind the guide's check box (selected; clearing it stops the action). */
export function UnassignPhoneNumber(props: ActionProps & { e164: string }) {
  const [confirmed, setConfirmed] = useState(true);
  const [error, setError] = useState<string>();
  const unassign = async () => {
    try {
      await phones.disassociatePhoneNumberFromUser(props.accountId, props.userId);
    } catch (e) {
      setError(explain(`unassign ${props.e164}`, e));
      throw e;
    }
    props.onDone(
      `Phone number ${props.e164} unassigned from ${props.who}. It is back in the inventory as Unassigned.`,
    );
  };
  return (
    <ConfirmModal
      title="Unassign phone number"
      action="Unassign"
      ready={confirmed}
      onCancel={props.onCancel}
      onConfirm={unassign}
      error={error}
    >
      <SpaceBetween size="s">
        <Box variant="p">
          {props.who} can no longer call, take calls or text from {props.e164}. The number stays in the
          inventory and can be assigned again.
        </Box>
        <Checkbox checked={confirmed} onChange={(e) => setConfirmed(e.detail.checked)}>
          Unassign {props.e164} from {props.who}
        </Checkbox>
      </SpaceBetween>
    </ConfirmModal>
  );
}
