import { useEffect, useState } from 'react';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Table from '@cloudscape-design/components/table';
import { ApiError, chime, type Account } from '../api.js';

/**
 * Deleted accounts, kept restorable for 90 days (an operator's view: an administrator whose
 * policy cannot list them does not see this table). `version` reloads it after a deletion.
 */
export function DisabledAccounts(props: {
  version: number;
  onRestored: (message: string) => void;
  onError: (message: string) => void;
}) {
  const [accounts, setAccounts] = useState<Account[]>();
  const [hidden, setHidden] = useState(false);
  const [busy, setBusy] = useState<string>();
  const { onError } = props;

  useEffect(() => {
    chime.listDisabledAccounts().then(
      (r) => setAccounts(r.Accounts),
      (e: Error) => (e instanceof ApiError && e.status === 403 ? setHidden(true) : onError(e.message)),
    );
  }, [props.version, onError]);
  if (hidden) return null;

  const restore = async (account: Account) => {
    setBusy(account.AccountId);
    try {
      await chime.restoreAccount(account.AccountId);
      setAccounts((all) => all?.filter((a) => a.AccountId !== account.AccountId));
      props.onRestored(`Account ${account.Name} restored.`);
    } catch (e) {
      props.onError((e as Error).message);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Table
      items={accounts ?? []}
      loading={accounts === undefined}
      loadingText="Loading disabled accounts"
      trackBy="AccountId"
      ariaLabels={{ tableLabel: 'Disabled accounts' }}
      header={
        <Header
          variant="h2"
          description="Deleted accounts can be restored for 90 days, then they are purged."
        >
          Disabled accounts
        </Header>
      }
      empty="No disabled accounts."
      columnDefinitions={[
        { id: 'name', header: 'Account name', cell: (a) => a.Name },
        { id: 'id', header: 'Account ID', cell: (a) => a.AccountId },
        {
          id: 'restore',
          header: 'Action',
          cell: (a) => (
            <Button
              ariaLabel={`Restore ${a.Name}`}
              loading={busy === a.AccountId}
              onClick={() => void restore(a)}
            >
              Restore
            </Button>
          ),
        },
      ]}
    />
  );
}
