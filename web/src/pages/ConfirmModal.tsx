import { useState, type ReactNode } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';

/**
 * A dialog whose action shows progress and stays open on failure, with the error shown by its page
 * or, given as `error`, inside the dialog (where a page's message would sit behind it).
 */
export function ConfirmModal(props: {
  title: string;
  action: string;
  ready: boolean;
  onCancel: () => void;
  onConfirm: () => Promise<unknown>;
  children: ReactNode;
  error?: string | undefined;
}) {
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    await props.onConfirm().catch(() => undefined);
    setBusy(false);
  };
  return (
    <Modal
      visible
      header={props.title}
      onDismiss={props.onCancel}
      closeAriaLabel="Close"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={props.onCancel}>
              Cancel
            </Button>
            <Button variant="primary" disabled={!props.ready} loading={busy} onClick={() => void confirm()}>
              {props.action}
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        {props.children}
        {props.error && <Alert type="error">{props.error}</Alert>}
      </SpaceBetween>
    </Modal>
  );
}
