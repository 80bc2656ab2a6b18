import { useState, type ReactNode } from 'react';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';

/** A dialog whose action shows progress and stays open (with the error shown by its page) on failure. */
export function ConfirmModal(props: {
  title: string;
  action: string;
  ready: boolean;
  onCancel: () => void;
  onConfirm: () => Promise<unknown>;
  children: ReactNode;
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
      {props.children}
    </Modal>
  );
}
