import { useEffect, useState } from 'react';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import DatePicker from '@cloudscape-design/components/date-picker';
import Flashbar from '@cloudscape-design/components/flashbar';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Pagination from '@cloudscape-design/components/pagination';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { belfry, type AuditEvent, type AuditQuery } from '../console-api.js';
import { isEmailAddress } from '../email.js';
import { useFlash } from '../flash.js';
import { AuditExport } from './AuditExport.js';
import { AuditOutcome } from './audit-text.js';

const PAGE_SIZE = 50;
type Filters = { actor: string; operation: string; user: string; from: string; to: string };
const NONE: Filters = { actor: '', operation: '', user: '', from: '', to: '' };
type Query = Omit<AuditQuery, 'maxResults' | 'nextToken'>;

/** Midnight at the start of a day (YYYY-MM-DD) in the browser's time zone, as an ISO time. */
const startOfDay = (day: string, plusDays = 0) => {
  const at = new Date(`${day}T00:00:00`);
  at.setDate(at.getDate() + plusDays);
  return at.toISOString();
};

/**
 * What the API is asked for the filters as typed: a user given by email is looked up to its ID
 * (ListUsers by email), and the "to" day is included whole (EndTime is exclusive).
 */
async function toQuery(accountId: string | undefined, f: Filters): Promise<Query> {
  let userId = f.user.trim() || undefined;
  if (userId && isEmailAddress(userId) && accountId === undefined)
    throw new Error(
      `Give the user's ID here: an email address names a user within one account. To find ${userId} by email, open their account's audit log.`,
    );
  if (userId && isEmailAddress(userId) && accountId !== undefined) {
    const { Users } = await belfry.listUsers(accountId, { email: userId, maxResults: 1 });
    if (!Users[0]) throw new Error(`No user of this account has the email ${userId}.`);
    userId = Users[0].UserId;
  }
  return {
    principal: f.actor.trim() || undefined,
    operation: f.operation.trim() || undefined,
    userId,
    startTime: f.from ? startOfDay(f.from) : undefined,
    endTime: f.to ? startOfDay(f.to, 1) : undefined,
  };
}

/**
 * The account's audit log: who did what, when, from where, with what outcome; filtered, paged,
 * exported. Without an account, the installation-wide log (every account's events and the
 * installation's own), for administrators not limited to one account.
 */
export default function AuditLog({ accountId }: { accountId?: string }) {
  const [filters, setFilters] = useState(NONE);
  const [query, setQuery] = useState<Query>();
  const [events, setEvents] = useState<AuditEvent[]>();
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  const { flash, say, clear } = useFlash();
  const sayError = (content: string) => say('error', content);

  const load = async (q: Query, index: number, known = tokens) => {
    setEvents(undefined);
    try {
      const page = await belfry.listAuditEvents(accountId, {
        ...q,
        nextToken: known[index],
        maxResults: PAGE_SIZE,
      });
      setEvents(page.AuditEvents);
      setTokens([...known.slice(0, index + 1), page.NextToken]);
      setPageIndex(index);
    } catch (e) {
      setEvents([]);
      sayError(`Could not list the events: ${(e as Error).message}`);
    }
  };
  const search = async (f: Filters) => {
    clear();
    try {
      const q = await toQuery(accountId, f);
      setQuery(q);
      await load(q, 0, [undefined]);
    } catch (e) {
      setEvents([]);
      sayError((e as Error).message);
    }
  };
  useEffect(() => void search(NONE), [accountId]);

  const set = (key: keyof Filters) => (e: { detail: { value: string } }) =>
    setFilters({ ...filters, [key]: e.detail.value });
  const dateStrings = {
    previousMonthAriaLabel: 'Previous month',
    nextMonthAriaLabel: 'Next month',
    todayAriaLabel: 'Today',
    openCalendarAriaLabel: (d: string | null) => (d ? `Choose a date, selected ${d}` : 'Choose a date'),
  };

  return (
    <SpaceBetween size="m">
      <Flashbar items={flash} />
      <Table
        variant="full-page"
        items={events ?? []}
        loading={events === undefined}
        loadingText="Loading events"
        trackBy="EventId"
        wrapLines
        ariaLabels={{ tableLabel: 'Audit events' }}
        header={
          <Header
            variant="h1"
            description={
              accountId === undefined
                ? 'Every change in every account and to the installation itself, and every refused attempt, newest first.'
                : 'Every change to the account, and every refused attempt, newest first.'
            }
            actions={<AuditExport accountId={accountId} query={query} onError={sayError} />}
          >
            {accountId === undefined ? 'Audit log (all accounts)' : 'Audit log'}
          </Header>
        }
        filter={
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void search(filters);
            }}
          >
            <SpaceBetween size="s">
              <ColumnLayout columns={5}>
                <FormField label="Actor" controlId="audit-actor" description="As the log names them">
                  <Input
                    controlId="audit-actor"
                    value={filters.actor}
                    onChange={set('actor')}
                    placeholder="console/ann@example.com"
                  />
                </FormField>
                <FormField label="Operation" controlId="audit-operation" description="Its API name">
                  <Input
                    controlId="audit-operation"
                    value={filters.operation}
                    onChange={set('operation')}
                    placeholder="UpdateUser"
                  />
                </FormField>
                <FormField
                  label="User"
                  controlId="audit-user"
                  description={accountId === undefined ? 'User ID' : 'Email or user ID'}
                >
                  <Input controlId="audit-user" value={filters.user} onChange={set('user')} />
                </FormField>
                <FormField label="From" controlId="audit-from" description="Your time zone">
                  <DatePicker
                    controlId="audit-from"
                    value={filters.from}
                    onChange={set('from')}
                    placeholder="YYYY/MM/DD"
                    i18nStrings={dateStrings}
                  />
                </FormField>
                <FormField label="To" controlId="audit-to" description="The whole day">
                  <DatePicker
                    controlId="audit-to"
                    value={filters.to}
                    onChange={set('to')}
                    placeholder="YYYY/MM/DD"
                    i18nStrings={dateStrings}
                  />
                </FormField>
              </ColumnLayout>
              <SpaceBetween direction="horizontal" size="xs">
                <Button variant="primary" formAction="submit">
                  Search
                </Button>
                <Button
                  formAction="none"
                  onClick={() => {
                    setFilters(NONE);
                    void search(NONE);
                  }}
                >
                  Clear filters
                </Button>
              </SpaceBetween>
            </SpaceBetween>
          </form>
        }
        pagination={
          <Pagination
            currentPageIndex={pageIndex + 1}
            pagesCount={tokens[pageIndex + 1] ? pageIndex + 2 : pageIndex + 1}
            openEnd={Boolean(tokens[pageIndex + 1])}
            onChange={(e) => query && void load(query, e.detail.currentPageIndex - 1)}
            ariaLabels={{
              nextPageLabel: 'Next page',
              previousPageLabel: 'Previous page',
              pageLabel: (n) => `Page ${n}`,
            }}
          />
        }
        empty="No events match. Change the filters."
        columnDefinitions={[
          { id: 'time', header: 'Time', cell: (e) => e.EventTime },
          { id: 'operation', header: 'Operation', cell: (e) => e.Operation },
          {
            id: 'outcome',
            header: 'Outcome',
            cell: (e) => <AuditOutcome event={e} />,
          },
          { id: 'by', header: 'Actor', cell: (e) => e.Principal },
          ...(accountId === undefined
            ? [{ id: 'account', header: 'Account', cell: (e: AuditEvent) => e.AccountId ?? 'Installation' }]
            : []),
          {
            id: 'target',
            header: 'Target',
            cell: (e) => [e.TargetType, e.TargetId].filter(Boolean).join(' '),
          },
          { id: 'from', header: 'Source IP address', cell: (e) => e.SourceIpAddress ?? '' },
          {
            id: 'details',
            header: 'Details',
            cell: (e) => (e.Details === undefined ? '' : JSON.stringify(e.Details)),
          },
        ]}
      />
    </SpaceBetween>
  );
}
