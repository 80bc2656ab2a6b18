import { useState } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import FileUpload from '@cloudscape-design/components/file-upload';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { chime } from '../api.js';
import { addressesOf, precheck, type Row } from '../csv-addresses.js';
import { INVITE_BATCH } from '../email.js';

type Outcome = NonNullable<Row['outcome']>;

/**
 * Invites the rows in calls of at most INVITE_BATCH addresses. InviteUsers refuses a whole call
 * for one address it will not take, so a refused call is sent again one address at a time: each
 * line then shows its own answer.
 */
async function inviteRows(accountId: string, rows: Row[], onProgress: (done: Map<string, Outcome>) => void) {
  const done = new Map<string, Outcome>();
  const record = (invites: { EmailAddress?: string; Status?: string }[]) => {
    for (const i of invites)
      done.set(
        (i.EmailAddress ?? '').toLowerCase(),
        i.Status === 'Accepted'
          ? { type: 'info', text: 'Already a member' }
          : { type: 'success', text: 'Invited' },
      );
  };
  for (let start = 0; start < rows.length; start += INVITE_BATCH) {
    const batch = rows.slice(start, start + INVITE_BATCH).map((r) => r.email);
    try {
      record((await chime.inviteUsers(accountId, batch)).Invites as { EmailAddress?: string }[]);
    } catch {
      for (const email of batch)
        await chime.inviteUsers(accountId, [email]).then(
          (r) => record(r.Invites as { EmailAddress?: string }[]),
          (e: Error) => done.set(email.toLowerCase(), { type: 'error', text: e.message }),
        );
    }
    onProgress(new Map(done));
  }
  return done;
}

/** Invite users from a CSV file: one address a line, each line's outcome shown beside it. */
export function InviteFromCsv({ accountId }: { accountId: string }) {
  const [files, setFiles] = useState<File[]>([]);
  const [rows, setRows] = useState<Row[]>([]);
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [summary, setSummary] = useState<string>();

  const choose = async (chosen: File[]) => {
    setFiles(chosen);
    setSummary(undefined);
    const file = chosen[0];
    if (!file) return void setRows([]);
    const read = addressesOf(await file.text());
    setProblem(read.problem ?? (read.rows.length === 0 ? 'The file lists no addresses.' : undefined));
    setRows(precheck(read.rows));
  };

  const send = async () => {
    setBusy(true);
    const pending = rows.filter((r) => !r.outcome);
    const show = (done: Map<string, Outcome>) =>
      setRows((all) =>
        all.map((r) =>
          r.outcome || !done.has(r.email.toLowerCase())
            ? r
            : { ...r, outcome: done.get(r.email.toLowerCase()) },
        ),
      );
    const done = await inviteRows(accountId, pending, show);
    show(done);
    const invited = [...done.values()].filter((o) => o.type === 'success').length;
    const failed = [...done.values()].filter((o) => o.type === 'error').length;
    setSummary(`${invited} invited, ${failed} refused, ${rows.length - pending.length} not sent.`);
    setBusy(false);
  };

  const toSend = rows.filter((r) => !r.outcome).length;
  return (
    <Container
      header={
        <Header
          variant="h2"
          description={`A CSV file with a column headed "email": each address is invited, ${INVITE_BATCH} at a time.`}
          actions={
            <Button
              disabled={toSend === 0 || busy || summary !== undefined}
              loading={busy}
              onClick={() => void send()}
            >
              Invite {toSend} user{toSend === 1 ? '' : 's'} from the file
            </Button>
          }
        >
          Invite users from a CSV file
        </Header>
      }
    >
      <SpaceBetween size="m">
        <FormField label="CSV file" errorText={problem} constraintText="UTF-8 text, one address a line.">
          <FileUpload
            value={files}
            accept=".csv,text/csv,text/plain"
            onChange={(e) => void choose(e.detail.value)}
            i18nStrings={{
              uploadButtonText: () => 'Choose file',
              dropzoneText: () => 'Drop a CSV file here',
              removeFileAriaLabel: (_i, name) => `Remove ${name}`,
              errorIconAriaLabel: 'Error',
            }}
          />
        </FormField>
        {summary && <Alert type="info">{summary}</Alert>}
        {rows.length > 0 && (
          <Table
            variant="embedded"
            items={rows}
            trackBy="line"
            ariaLabels={{ tableLabel: 'Addresses in the file' }}
            columnDefinitions={[
              { id: 'line', header: 'Line', cell: (r) => r.line },
              { id: 'email', header: 'Email', cell: (r) => r.email },
              {
                id: 'outcome',
                header: 'Outcome',
                cell: (r) =>
                  r.outcome ? (
                    <StatusIndicator type={r.outcome.type}>{r.outcome.text}</StatusIndicator>
                  ) : (
                    <StatusIndicator type="pending">To invite</StatusIndicator>
                  ),
              },
            ]}
          />
        )}
      </SpaceBetween>
    </Container>
  );
}
