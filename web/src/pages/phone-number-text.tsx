import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';

/** How the console names Chime's product types. */
export function productTypeLabel(productType: string | undefined): string {
  if (productType === 'BusinessCalling') return 'Business Calling';
  if (productType === 'VoiceConnector') return 'Voice Connector';
  if (productType === 'SipMediaApplicationDialIn') return 'SIP media application dial-in';
  return productType ?? '-';
}

const STATUS_LOOK: Record<string, StatusIndicatorProps.Type> = {
  Unassigned: 'stopped',
  Assigned: 'success',
  AcquireInProgress: 'in-progress',
  ReleaseInProgress: 'in-progress',
  DeleteInProgress: 'pending',
  AcquireFailed: 'error',
  ReleaseFailed: 'error',
  DeleteFailed: 'error',
  // order and ordered-number statuses
  Processing: 'in-progress',
  Successful: 'success',
  Acquired: 'success',
  Partial: 'warning',
  Failed: 'error',
};

/** A phone number's (or an order's) status, with the look of what it means. */
export function PhoneNumberStatusIndicator({ status }: { status: string | undefined }) {
  return <StatusIndicator type={STATUS_LOOK[status ?? ''] ?? 'info'}>{status ?? '-'}</StatusIndicator>;
}
