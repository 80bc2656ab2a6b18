import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import { Copyable } from './Copyable.js';

/** A secret in the one answer that carries it: Belfry keeps it sealed and never shows it again. */
export function ShownOnce(props: {
  header: string;
  items: { label: string; value: string }[];
  onDismiss: () => void;
}) {
  return (
    <Alert
      type="success"
      header={props.header}
      dismissible
      i18nStrings={{ dismissAriaLabel: 'Dismiss' }}
      onDismiss={props.onDismiss}
    >
      <Box margin={{ bottom: 's' }}>Copy the secret now: it is shown only this once.</Box>
      <KeyValuePairs
        columns={props.items.length}
        items={props.items.map((i) => ({
          label: i.label,
          value: <Copyable label={i.label} value={i.value} />,
        }))}
      />
    </Alert>
  );
}
