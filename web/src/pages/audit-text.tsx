import StatusIndicator from '@cloudscape-design/components/status-indicator';
import type { AuditEvent } from '../console-api.js';

/** An event's outcome as the audit tables show it: Success, or Failure with its error code. */
export function AuditOutcome({ event }: { event: AuditEvent }) {
  return event.Outcome === 'Success' ? (
    <StatusIndicator type="success">Success</StatusIndicator>
  ) : (
    <StatusIndicator type="error">Failure{event.ErrorCode ? ` (${event.ErrorCode})` : ''}</StatusIndicator>
  );
}
