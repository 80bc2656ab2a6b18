import { useCallback, useEffect, useMemo, useState } from 'react';
import Button from '@cloudscape-design/components/button';
import Flashbar, { type FlashbarProps } from '@cloudscape-design/components/flashbar';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { chime, type Account } from '../api.js';
import { BASE, followLink } from '../router.js';
import { ConfirmModal } from './ConfirmModal.js';
import { DisabledAccounts } from './DisabledAccounts.js';

type Dialog =
  { kind: 'create' } | { kind: 'rename'; account: Account } | { kind: 'delete'; account: Account };

/** The Accounts page: list, search, create, rename, delete (typing the name to confirm). */
export default function Accounts() {
  const [accounts, setAccounts] = useState<Account[]>();
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<Account[]>([]);
  const [dialog, setDialog] = useState<Dialog>();
  const [name, setName] = useState('');
  const [flash, setFlash] = useState<FlashbarProps.MessageDefinition[]>([]);
  const [version, setVersion] = useState(0);

  const load = () =>
    chime.listAccounts().then(
      (r) => setAccounts(r.Accounts),
      (e: Error) => say('error', `Could not list the accounts: ${e.message}`),
    );
  useEffect(() => void load(), []);
  const say = useCallback(
    (type: 'success' | 'error', content: string) =>
      setFlash([{ type, content, dismissible: true, onDismiss: () => setFlash([]), id: String(Date.now()) }]),
    [],
  );
  const sayError = useCallback((content: string) => say('error', content), [say]);

  const shown = useMemo(
    () =>
      (accounts ?? []).filter(
        (a) => a.Name.toLowerCase().includes(filter.toLowerCase()) || a.AccountId.includes(filter),
      ),
    [accounts, filter],
  );
  const one = selected[0];

  const run = async (action: () => Promise<string>) => {
    try {
      say('success', await action());
      setDialog(undefined);
      setSelected([]);
      setVersion((v) => v + 1);
      await load();
    } catch (e) {
      say('error', (e as Error).message);
      throw e;
    }
  };

  return (
    <SpaceBetween size="m">
      <Flashbar items={flash} />
      <Table
        variant="full-page"
        items={shown}
        loading={accounts === undefined}
        loadingText="Loading accounts"
        selectionType="single"
        selectedItems={selected}
        onSelectionChange={(e) => setSelected(e.detail.selectedItems)}
        trackBy="AccountId"
        ariaLabels={{
          tableLabel: 'Accounts',
          selectionGroupLabel: 'Select an account',
          itemSelectionLabel: (_s, a) => `Select ${a.Name}`,
          allItemsSelectionLabel: () => 'Select all accounts',
        }}
        header={
          <Header
            variant="h1"
            counter={accounts ? `(${accounts.length})` : undefined}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button
                  disabled={!one}
                  onClick={() => {
                    setName(one!.Name);
                    setDialog({ kind: 'rename', account: one! });
                  }}
                >
                  Rename
                </Button>
                <Button
                  disabled={!one}
                  onClick={() => {
                    setName('');
                    setDialog({ kind: 'delete', account: one! });
                  }}
                >
                  Delete
                </Button>
                <Button
                  variant="primary"
                  onClick={() => {
                    setName('');
                    setDialog({ kind: 'create' });
                  }}
                >
                  Create account
                </Button>
              </SpaceBetween>
            }
          >
            Accounts
          </Header>
        }
        filter={
          <TextFilter
            filteringText={filter}
            filteringPlaceholder="Find accounts by name or ID"
            filteringAriaLabel="Find accounts"
            onChange={(e) => setFilter(e.detail.filteringText)}
          />
        }
        empty="No accounts. Choose Create account to make one."
        columnDefinitions={[
          {
            id: 'name',
            header: 'Account name',
            cell: (a) => (
              <Link href={`${BASE}/accounts/${encodeURIComponent(a.AccountId)}`} onFollow={followLink}>
                {a.Name}
              </Link>
            ),
          },
          { id: 'type', header: 'Type', cell: (a) => a.AccountType },
          { id: 'license', header: 'Default permissions', cell: (a) => a.DefaultLicense ?? '' },
          { id: 'id', header: 'Account ID', cell: (a) => a.AccountId },
        ]}
      />
      {(dialog?.kind === 'create' || dialog?.kind === 'rename') && (
        <ConfirmModal
          title={dialog.kind === 'create' ? 'Create account' : 'Rename account'}
          action={dialog.kind === 'create' ? 'Create account' : 'Rename'}
          ready={name.trim() !== ''}
          onCancel={() => setDialog(undefined)}
          onConfirm={() =>
            run(async () => {
              if (dialog.kind === 'create') {
                const { Account } = await chime.createAccount(name);
                return `Account ${Account.Name} created. Choose its name to invite users.`;
              }
              await chime.renameAccount(dialog.account.AccountId, name);
              return `Account renamed to ${name}. Later invitation emails use the new name.`;
            })
          }
        >
          <FormField label="Account name" description="1 to 100 characters." controlId="account-name">
            <Input controlId="account-name" value={name} onChange={(e) => setName(e.detail.value)} />
          </FormField>
        </ConfirmModal>
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmModal
          title="Delete account"
          action="Delete"
          ready={name === dialog.account.Name}
          onCancel={() => setDialog(undefined)}
          onConfirm={() =>
            run(async () => {
              await chime.deleteAccount(dialog.account.AccountId);
              return `Account ${dialog.account.Name} deleted. An operator can restore it for 90 days.`;
            })
          }
        >
          <SpaceBetween size="s">
            <span>
              Deleting <b>{dialog.account.Name}</b> suspends it. A Team account must have no members left; an
              Enterprise account must have released its domains.
            </span>
            <FormField
              label={`To confirm, type the account's name (${dialog.account.Name})`}
              controlId="confirm-name"
            >
              <Input controlId="confirm-name" value={name} onChange={(e) => setName(e.detail.value)} />
            </FormField>
          </SpaceBetween>
        </ConfirmModal>
      )}
      <DisabledAccounts
        version={version}
        onRestored={(message) => {
          say('success', message);
          void load();
        }}
        onError={sayError}
      />
    </SpaceBetween>
  );
}
