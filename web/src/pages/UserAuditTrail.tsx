import { useCallback } from 'react';
import Header from '@cloudscape-design/components/header';
import Table from '@cloudscape-design/components/table';
import { belfry, type AuditEvent } from '../console-api.js';
import { explain } from '../feedback.js';
import { accountHref } from '../navigation.js';
import { useTokenPages } from '../paging.js';
import { AuditOutcome } from './audit-text.js';

const PAGE_SIZE = 20;

/**
 * The user's audit trail on their details page: what was done to them and by whom, newest first,
 * 20 a page (ListAuditEvents with the user's ID). `version` changes when the user is read again
 * after an action, so the trail shows that action too.
 */
export function UserAuditTrail(props: { accountId: string; userId: string; version: unknown }) {
  const { accountId, userId, version } = props;
  const fetchPage = useCallback(
    async (nextToken?: string) => {
      void version;
      const page = await belfry.listAuditEvents(accountId, {
        userId,
        maxResults: PAGE_SIZE,
        ...(nextToken && { nextToken }),
      });
      return { items: page.AuditEvents, ...(page.NextToken && { nextToken: page.NextToken }) };
    },
    [accountId, userId, version],
  );
  const pages = useTokenPages<AuditEvent>(fetchPage);
  return (
    <Table
      items={pages.items ?? []}
      loading={pages.items === undefined}
      loadingText="Loading the audit trail"
      trackBy="EventId"
      wrapLines
      ariaLabels={{ tableLabel: 'Audit trail of the user' }}
      pagination={pages.pagination}
      header={
        <Header
          variant="h2"
          description={
            <>
              What was done to this user and by whom, newest first. The account&apos;s{' '}
              <a href={accountHref(accountId, 'audit-log')}>Audit log</a> filters and exports it.
            </>
          }
        >
          Audit trail
        </Header>
      }
      empty={pages.error ? explain('read the audit trail', pages.error) : 'No events for this user yet.'}
      columnDefinitions={[
        { id: 'time', header: 'Time', cell: (e) => e.EventTime },
        { id: 'operation', header: 'Operation', cell: (e) => e.Operation },
        { id: 'outcome', header: 'Outcome', cell: (e) => <AuditOutcome event={e} /> },
        { id: 'by', header: 'Actor', cell: (e) => e.Principal },
        {
          id: 'details',
          header: 'Details',
          cell: (e) => (e.Details === undefined ? '' : JSON.stringify(e.Details)),
        },
      ]}
    />
  );
}
