import { useState } from 'react';
import Alert from '@cloudscape-design/components/alert';
import AttributeEditor from '@cloudscape-design/components/attribute-editor';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { explain } from '../../feedback.js';
import { identity, type GroupTier, type TierPreview } from '../../identity-api.js';

const DEFAULT_TIER = { value: '', label: "The account's default permissions" };
const TIERS = [DEFAULT_TIER, { value: 'Pro', label: 'Pro' }, { value: 'Basic', label: 'Basic' }];

const cleaned = (rows: GroupTier[]): GroupTier[] =>
  rows
    .filter((r) => r.GroupName.trim() !== '')
    .map((r) => ({ GroupName: r.GroupName.trim(), ...(r.Tier && { Tier: r.Tier }) }));

/**
 * Groups and tiers: which directory groups give which permissions (a member of none cannot sign
 * in). Preview changes asks Belfry what the mapping would do (PutDirectoryGroupTiers with DryRun);
 * Save sends the same mapping for real, and only after its preview.
 */
export function GroupTiers(props: {
  accountId: string;
  groups: GroupTier[];
  onSaved: (outcome: string) => void;
  onError: (message: string) => void;
}) {
  const [rows, setRows] = useState<GroupTier[]>(props.groups);
  const [preview, setPreview] = useState<{ of: string; answer: TierPreview }>();
  const [busy, setBusy] = useState<'preview' | 'save'>();
  const key = JSON.stringify(cleaned(rows));
  const previewed = preview?.of === key;

  const change = (next: GroupTier[]) => setRows(next);
  const ask = async (dryRun: boolean) => {
    setBusy(dryRun ? 'preview' : 'save');
    try {
      const answer = await identity.putGroups(props.accountId, cleaned(rows), dryRun);
      if (dryRun) setPreview({ of: key, answer: answer.Preview });
      else {
        setPreview(undefined);
        props.onSaved(
          `Groups and tiers saved.${answer.RunId ? ' A sync run applies them to the users now.' : ''}`,
        );
      }
    } catch (e) {
      props.onError(explain(dryRun ? 'preview the changes' : 'save the groups and tiers', e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Container
      header={
        <Header
          variant="h2"
          description="Members of a mapped group get its permissions (Pro wins over Basic). Anyone in no mapped group cannot sign in."
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button loading={busy === 'preview'} onClick={() => void ask(true)}>
                Preview changes
              </Button>
              <Button
                variant="primary"
                disabled={!previewed}
                loading={busy === 'save'}
                onClick={() => void ask(false)}
              >
                Save
              </Button>
            </SpaceBetween>
          }
        >
          Groups and tiers
        </Header>
      }
    >
      <SpaceBetween size="m">
        <AttributeEditor
          items={rows}
          addButtonText="Add group"
          removeButtonText="Remove"
          empty="No groups mapped: nobody can sign in through the directory."
          onAddButtonClick={() => change([...rows, { GroupName: '', Tier: 'Pro' }])}
          onRemoveButtonClick={(e) => change(rows.filter((_r, i) => i !== e.detail.itemIndex))}
          definition={[
            {
              label: 'Group',
              control: (row, i) => (
                <Input
                  ariaLabel={`Group ${i + 1}`}
                  value={row.GroupName}
                  onChange={(e) =>
                    change(rows.map((r, j) => (j === i ? { ...r, GroupName: e.detail.value } : r)))
                  }
                />
              ),
            },
            {
              label: 'Tier',
              control: (row, i) => (
                <Select
                  ariaLabel={`Tier of group ${i + 1}`}
                  selectedOption={TIERS.find((t) => t.value === (row.Tier ?? '')) ?? DEFAULT_TIER}
                  options={TIERS}
                  onChange={(e) => {
                    const tier = e.detail.selectedOption.value as GroupTier['Tier'] | '';
                    change(
                      rows.map((r, j) =>
                        j === i ? { GroupName: r.GroupName, ...(tier && { Tier: tier }) } : r,
                      ),
                    );
                  }}
                />
              ),
            },
          ]}
        />
        {!previewed && <Box color="text-status-inactive">Preview the changes to save them.</Box>}
        {preview && previewed && <PreviewReport preview={preview.answer} />}
      </SpaceBetween>
    </Container>
  );
}

/** What the mapping would do, as PutDirectoryGroupTiers' dry run answers it. */
function PreviewReport({ preview }: { preview: TierPreview }) {
  const none = preview.TierChanges + preview.LoseSignIn + preview.GainSignIn === 0;
  return (
    <Alert type={preview.LoseSignIn > 0 ? 'warning' : 'info'} header="Preview of the changes">
      <SpaceBetween size="s">
        {none ? (
          <Box>Saving changes no one's permissions or sign-in.</Box>
        ) : (
          <KeyValuePairs
            columns={3}
            items={[
              { label: 'Tier changes', value: String(preview.TierChanges) },
              { label: 'Lose sign-in', value: String(preview.LoseSignIn) },
              { label: 'Gain sign-in', value: String(preview.GainSignIn) },
            ]}
          />
        )}
        {preview.Examples.length > 0 && (
          <Table
            variant="embedded"
            ariaLabels={{ tableLabel: 'Examples of the changes' }}
            items={preview.Examples}
            columnDefinitions={[
              { id: 'who', header: 'User', cell: (x) => x.PrimaryEmail ?? x.UserId ?? '-' },
              { id: 'from', header: 'From', cell: (x) => x.From ?? 'No sign-in' },
              { id: 'to', header: 'To', cell: (x) => x.To ?? 'No sign-in' },
            ]}
          />
        )}
      </SpaceBetween>
    </Alert>
  );
}
