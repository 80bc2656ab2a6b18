import { useState } from 'react';
import ButtonDropdown from '@cloudscape-design/components/button-dropdown';
import { allPages, belfry, type AuditEvent, type AuditQuery } from '../console-api.js';
import { toCsv } from '../csv.js';
import { download } from '../download.js';

const EXPORT_PAGE = 200;

const COLUMNS: { header: string; value: (e: AuditEvent) => unknown }[] = [
  { header: 'Time', value: (e) => e.EventTime },
  { header: 'Operation', value: (e) => e.Operation },
  { header: 'Outcome', value: (e) => e.Outcome },
  { header: 'Error code', value: (e) => e.ErrorCode },
  { header: 'Principal', value: (e) => e.Principal },
  { header: 'Account ID', value: (e) => e.AccountId },
  { header: 'Target type', value: (e) => e.TargetType },
  { header: 'Target ID', value: (e) => e.TargetId },
  { header: 'User ID', value: (e) => e.UserId },
  { header: 'Source IP address', value: (e) => e.SourceIpAddress },
  { header: 'Request ID', value: (e) => e.RequestId },
  { header: 'Details', value: (e) => (e.Details === undefined ? '' : JSON.stringify(e.Details)) },
  { header: 'Event ID', value: (e) => e.EventId },
];

/** Every event the filters match (all pages), as CSV with a header row or as a JSON array. */
export function AuditExport(props: {
  /** the account whose trail is exported; undefined for the installation-wide log */
  accountId: string | undefined;
  query: Omit<AuditQuery, 'maxResults' | 'nextToken'> | undefined;
  onError: (message: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const run = async (format: 'csv' | 'json') => {
    if (!props.query) return;
    setBusy(true);
    try {
      const events = await allPages(async (nextToken) => {
        const page = await belfry.listAuditEvents(props.accountId, {
          ...props.query,
          nextToken,
          maxResults: EXPORT_PAGE,
        });
        return { items: page.AuditEvents, nextToken: page.NextToken };
      });
      const name = `audit-${props.accountId ?? 'all-accounts'}-${new Date().toISOString().slice(0, 10)}`;
      if (format === 'csv') download(`${name}.csv`, toCsv(COLUMNS, events), 'text/csv');
      else download(`${name}.json`, `${JSON.stringify(events, null, 2)}\n`, 'application/json');
    } catch (e) {
      props.onError(`Could not export the events: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <ButtonDropdown
      loading={busy}
      disabled={!props.query}
      onItemClick={(e) => void run(e.detail.id as 'csv' | 'json')}
      items={[
        { id: 'csv', text: 'Export CSV' },
        { id: 'json', text: 'Export JSON' },
      ]}
    >
      Export
    </ButtonDropdown>
  );
}
