import { useCallback, useEffect, useState } from 'react';
import { useReadOnlyReason } from '../../administrator.js';
import { useTokenPages } from '../../paging.js';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { explain } from '../../feedback.js';
import { identity, type Run, type RunCounts } from '../../identity-api.js';
import { ConfirmModal } from '../ConfirmModal.js';

const STATUS: Record<Run['Status'], StatusIndicatorProps.Type> = {
  Queued: 'pending',
  Running: 'in-progress',
  Applied: 'success',
  Dry: 'info',
  Held: 'warning',
  Failed: 'error',
  Approved: 'success',
  Rejected: 'stopped',
};

const COUNTS: (keyof RunCounts)[] = [
  'Created',
  'TierChanged',
  'Suspended',
  'Restored',
  'Updated',
  'Skipped',
  'Unchanged',
];
const COUNT_LABEL: Record<keyof RunCounts, string> = {
  Created: 'Created',
  TierChanged: 'Tier changed',
  Suspended: 'Suspended',
  Restored: 'Restored',
  Updated: 'Updated',
  Skipped: 'Skipped',
  Unchanged: 'Unchanged',
};

/** A run's counts in words, the zeros left out: "3 created, 1 suspended". */
const countsInWords = (c: RunCounts) =>
  COUNTS.filter((k) => k !== 'Unchanged' && c[k] > 0)
    .map((k) => `${c[k]} ${COUNT_LABEL[k].toLowerCase()}`)
    .join(', ') || 'No changes';

/** Sync runs: Sync now or a dry run, the latest runs, each run's report, and held runs to decide. */
export function DirectoryRuns(props: {
  accountId: string;
  onSaid: (type: 'success' | 'error' | 'warning', message: string) => void;
}) {
  const { accountId, onSaid } = props;
  const [open, setOpen] = useState<Run>();
  const [decide, setDecide] = useState<{ run: Run; approve: boolean }>();
  const [decideError, setDecideError] = useState<string>();
  const [starting, setStarting] = useState<'sync' | 'dry'>();
  const readOnly = useReadOnlyReason();

  // The runs page on the server, 20 a page, newest first.
  const fetchPage = useCallback(
    async (nextToken?: string) => {
      const page = await identity.listRuns(accountId, nextToken);
      return { items: page.Runs, ...(page.NextToken && { nextToken: page.NextToken }) };
    },
    [accountId],
  );
  const pages = useTokenPages(fetchPage);
  const runs = pages.items;
  const load = pages.reload;
  useEffect(() => {
    if (pages.error) onSaid('error', explain('list the sync runs', pages.error));
  }, [pages.error, onSaid]);

  const start = async (dry: boolean) => {
    setStarting(dry ? 'dry' : 'sync');
    try {
      await identity.sync(accountId, dry);
      onSaid(
        'success',
        dry
          ? 'Dry run started: it reports what a sync would change, and changes nothing.'
          : 'Sync started. Its report appears below when it finishes.',
      );
      await load();
    } catch (e) {
      onSaid('error', explain(dry ? 'start the dry run' : 'start the sync', e));
    } finally {
      setStarting(undefined);
    }
  };
  const report = (run: Run) => {
    setOpen(run);
    identity.getRun(run.RunId).then(
      (r) => setOpen(r.Run),
      (e) => onSaid('error', explain('read the run report', e)),
    );
  };
  const decided = async (run: Run, approve: boolean) => {
    try {
      await (approve ? identity.approveRun(run.RunId) : identity.rejectRun(run.RunId));
      setDecide(undefined);
      onSaid(
        'success',
        approve ? 'Run approved: its changes are being applied.' : 'Run rejected: nothing of it is applied.',
      );
      await load();
    } catch (e) {
      setDecideError(explain(approve ? 'approve the run' : 'reject the run', e));
      throw e;
    }
  };

  return (
    <>
      <Table
        items={runs ?? []}
        wrapLines
        loading={runs === undefined}
        loadingText="Loading sync runs"
        trackBy="RunId"
        ariaLabels={{ tableLabel: 'Sync runs' }}
        pagination={pages.pagination}
        header={
          <Header
            variant="h2"
            description="A held run changes too much at once: it waits for an administrator to approve or reject it."
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button onClick={() => void load()} iconName="refresh" ariaLabel="Refresh the runs" />
                <Button
                  loading={starting === 'dry'}
                  disabled={Boolean(readOnly)}
                  disabledReason={readOnly}
                  onClick={() => void start(true)}
                >
                  Dry run
                </Button>
                <Button
                  variant="primary"
                  loading={starting === 'sync'}
                  disabled={Boolean(readOnly)}
                  disabledReason={readOnly}
                  onClick={() => void start(false)}
                >
                  Sync now
                </Button>
              </SpaceBetween>
            }
          >
            Sync runs
          </Header>
        }
        empty="No runs yet."
        columnDefinitions={[
          { id: 'created', header: 'Started', cell: (r) => r.StartedTimestamp ?? r.CreatedTimestamp },
          {
            id: 'status',
            header: 'Status',
            minWidth: 120,
            cell: (r) => <StatusIndicator type={STATUS[r.Status]}>{r.Status}</StatusIndicator>,
          },
          {
            id: 'kind',
            header: 'Kind',
            cell: (r) => `${r.Kind}${r.DryRun ? ' (dry run)' : ''}, ${r.Trigger}`,
          },
          { id: 'counts', header: 'Changes', cell: (r) => countsInWords(r.Counts) },
          { id: 'reason', header: 'Reason', cell: (r) => r.Reason ?? '' },
          {
            id: 'actions',
            header: 'Actions',
            cell: (r) => (
              <SpaceBetween direction="horizontal" size="xs">
                <Button
                  variant="inline-link"
                  ariaLabel={`Report of the run of ${r.CreatedTimestamp}`}
                  onClick={() => report(r)}
                >
                  Report
                </Button>
                {r.Status === 'Held' && (
                  <>
                    <Button
                      variant="inline-link"
                      disabled={Boolean(readOnly)}
                      disabledReason={readOnly}
                      onClick={() => (setDecideError(undefined), setDecide({ run: r, approve: true }))}
                    >
                      Approve
                    </Button>
                    <Button
                      variant="inline-link"
                      disabled={Boolean(readOnly)}
                      disabledReason={readOnly}
                      onClick={() => (setDecideError(undefined), setDecide({ run: r, approve: false }))}
                    >
                      Reject
                    </Button>
                  </>
                )}
              </SpaceBetween>
            ),
          },
        ]}
      />
      {open && <RunReport run={open} onClose={() => setOpen(undefined)} />}
      {decide && (
        <ConfirmModal
          title={decide.approve ? 'Approve the held run' : 'Reject the held run'}
          action={decide.approve ? 'Approve' : 'Reject'}
          ready
          onCancel={() => setDecide(undefined)}
          onConfirm={() => decided(decide.run, decide.approve)}
          error={decideError}
        >
          {decide.approve
            ? `Apply this run's changes now (${countsInWords(decide.run.Counts)})? ${decide.run.Reason ?? ''}`
            : 'Reject this run? Nothing of it is applied; the next run plans again from the directory as it is then.'}
        </ConfirmModal>
      )}
    </>
  );
}

/** One run's report: what it was, its counts, and each change with its reason. */
function RunReport({ run, onClose }: { run: Run; onClose: () => void }) {
  return (
    <Modal visible size="large" header="Run report" onDismiss={onClose} closeAriaLabel="Close">
      <SpaceBetween size="m">
        <KeyValuePairs
          columns={3}
          items={[
            { label: 'Status', value: run.Status },
            { label: 'Kind', value: `${run.Kind}${run.KindReason ? ` (${run.KindReason})` : ''}` },
            { label: 'Started by', value: run.Trigger },
            { label: 'Dry run', value: run.DryRun ? 'Yes: nothing was changed' : 'No' },
            { label: 'Finished', value: run.FinishedTimestamp ?? 'Not yet' },
            ...(run.DecidedBy
              ? [{ label: 'Decided by', value: `${run.DecidedBy}, ${run.DecidedTimestamp}` }]
              : []),
            ...(run.Reason ? [{ label: 'Reason', value: run.Reason }] : []),
            ...COUNTS.map((k) => ({ label: COUNT_LABEL[k], value: String(run.Counts[k]) })),
          ]}
        />
        {run.Items === undefined ? (
          <Spinner />
        ) : run.Items.length === 0 ? (
          <Box>No user changed.</Box>
        ) : (
          <Table
            variant="embedded"
            wrapLines
            ariaLabels={{ tableLabel: 'Changes of the run' }}
            items={run.Items}
            columnDefinitions={[
              { id: 'action', header: 'Change', cell: (i) => i.Action },
              { id: 'who', header: 'User', cell: (i) => i.PrimaryEmail ?? i.UserId ?? i.ObjectGuid },
              {
                id: 'from-to',
                header: 'From → to',
                cell: (i) => (i.From || i.To ? `${i.From ?? '-'} → ${i.To ?? '-'}` : ''),
              },
              { id: 'reason', header: 'Why', cell: (i) => i.Reason },
            ]}
          />
        )}
      </SpaceBetween>
    </Modal>
  );
}
