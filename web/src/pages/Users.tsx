import { useEffect, useState } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import ButtonDropdown from '@cloudscape-design/components/button-dropdown';
import Checkbox from '@cloudscape-design/components/checkbox';
import Flashbar from '@cloudscape-design/components/flashbar';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Pagination from '@cloudscape-design/components/pagination';
import RadioGroup from '@cloudscape-design/components/radio-group';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { chime, type Account, type User, type UserError } from '../api.js';
import { belfry, type License, type RegistrationStatus } from '../console-api.js';
import { isDirectoryAccount, managedReason } from '../identity-api.js';
import { BASE, followLink, navigate } from '../router.js';
import { useFlash } from '../flash.js';
import { ConfirmModal } from './ConfirmModal.js';
import { ExportUsers } from './ExportUsers.js';

const PAGE_SIZE = 50;
type Action = 'assign' | 'remove' | 'suspend' | 'unsuspend' | 'logout' | 'reset-pin';
const ALL: SelectProps.Option = { value: '', label: 'Any' };

const option = (value: string): SelectProps.Option => ({ value, label: value });
const STATUSES = ['Registered', 'Unregistered', 'Suspended'];
const TIERS = ['Pro', 'Basic'];

/** A filter given in the address (the overview's counts link here with ?status= or ?tier=). */
function initial(name: string, allowed: string[]): SelectProps.Option {
  const value = new URLSearchParams(window.location.search).get(name);
  return value && allowed.includes(value) ? option(value) : ALL;
}

/**
 * The Users page of an account: email, status and permissions filters applied by the server, pages
 * of 50, User actions on the selection, and the filtered list exported as CSV.
 */
export default function Users({ accountId }: { accountId: string }) {
  const [account, setAccount] = useState<Account>();
  const [users, setUsers] = useState<User[]>();
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  const [email, setEmail] = useState('');
  const [status, setStatus] = useState(() => initial('status', STATUSES));
  const [tier, setTier] = useState(() => initial('tier', TIERS));
  const [selected, setSelected] = useState<User[]>([]);
  const [action, setAction] = useState<Action>();
  const [license, setLicense] = useState<'Pro' | 'Basic'>('Pro');
  const [confirmed, setConfirmed] = useState(false);
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const { flash, say } = useFlash();

  const filters = {
    email: email.trim() || undefined,
    status: (status.value || undefined) as RegistrationStatus | undefined,
    license: (tier.value || undefined) as License | undefined,
  };
  const load = async (index = pageIndex, query = filters) => {
    setUsers(undefined);
    try {
      const page = await belfry.listUsers(accountId, {
        ...query,
        nextToken: index === 0 ? undefined : tokens[index],
        maxResults: PAGE_SIZE,
      });
      setUsers(page.Users);
      setTokens((t) => {
        const next = t.slice(0, index + 1);
        next[index + 1] = page.NextToken;
        return next;
      });
    } catch (e) {
      setUsers([]);
      say('error', `Could not list the users: ${(e as Error).message}`);
    }
  };
  useEffect(() => {
    chime.getAccount(accountId).then(
      (r) => setAccount(r.Account),
      (e: Error) => say('error', e.message),
    );
  }, [accountId]);
  useEffect(() => void load(0), [accountId]);

  const team = account?.AccountType === 'Team';
  // A directory account's tiers and suspensions follow the directory: the API refuses them here.
  const managed = isDirectoryAccount(account?.AccountType) ? managedReason(account?.AccountType) : undefined;
  const managedItem = (id: string, text: string) => ({
    id,
    text,
    ...(managed && { disabled: true, disabledReason: managed }),
  });
  const ids = selected.map((u) => u.UserId);
  const shown = users ?? [];
  /** A changed status or permissions filter: the list starts again at its first page. */
  const refilter = (next: Partial<typeof filters>) => {
    setPageIndex(0);
    void load(0, { ...filters, ...next });
  };

  /** Shows a batch's outcome: the count done, and each failed user's sentence on their row. */
  const report = (done: string, errors: UserError[]) => {
    const byUser = Object.fromEntries(
      errors.map((e) => [e.UserId ?? '', e.ErrorMessage ?? e.ErrorCode ?? 'failed']),
    );
    setRowErrors(byUser);
    const ok = ids.length - errors.length;
    if (errors.length === 0) say('success', `${done} for ${ok} user${ok === 1 ? '' : 's'}.`);
    else
      say(
        'warning',
        `${done} for ${ok} of ${ids.length} users. The others show why in the Problem column; correct it and try again.`,
      );
  };

  const perform = async () => {
    try {
      if (action === 'assign')
        report(
          `${license} permissions assigned`,
          (await chime.assignPermissions(accountId, ids, license)).UserErrors,
        );
      if (action === 'remove')
        report('Removed from the account', (await chime.suspend(accountId, ids)).UserErrors);
      if (action === 'suspend') report('Suspended', (await chime.suspend(accountId, ids)).UserErrors);
      if (action === 'unsuspend') report('Unsuspended', (await chime.unsuspend(accountId, ids)).UserErrors);
      if (action === 'logout' || action === 'reset-pin') {
        const errors: UserError[] = [];
        for (const id of ids)
          await (action === 'logout' ? chime.logOut(accountId, id) : chime.resetPin(accountId, id)).catch(
            (e: Error) => errors.push({ UserId: id, ErrorMessage: e.message }),
          );
        report(action === 'logout' ? 'Logged out' : 'Personal PIN reset', errors);
      }
      setAction(undefined);
      setSelected([]);
      await load();
    } catch (e) {
      say('error', (e as Error).message);
      throw e;
    }
  };

  const open = (next: Action) => {
    setConfirmed(false);
    setLicense('Pro');
    setAction(next);
  };
  const plural = `${ids.length} user${ids.length === 1 ? '' : 's'}`;

  return (
    <SpaceBetween size="m">
      <Flashbar items={flash} />
      {managed && (
        <Alert type="info" header="Permissions and suspensions come from the directory">
          {managed}
        </Alert>
      )}
      <Table
        variant="full-page"
        items={shown}
        loading={users === undefined}
        loadingText="Loading users"
        selectionType="multi"
        selectedItems={selected}
        onSelectionChange={(e) => setSelected(e.detail.selectedItems)}
        trackBy="UserId"
        ariaLabels={{
          tableLabel: 'Users',
          selectionGroupLabel: 'Select users',
          itemSelectionLabel: (_s, u) => `Select ${u.PrimaryEmail ?? u.UserId}`,
          allItemsSelectionLabel: () => 'Select all users on this page',
        }}
        header={
          <Header
            variant="h1"
            description={account ? `${account.Name} (${account.AccountType})` : undefined}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <ExportUsers accountId={accountId} filters={filters} onError={(m) => say('error', m)} />
                <ButtonDropdown
                  disabled={ids.length === 0}
                  onItemClick={(e) => open(e.detail.id as Action)}
                  items={[
                    managedItem('assign', 'Assign permissions'),
                    ...(team
                      ? [{ id: 'remove', text: 'Remove user' }]
                      : [managedItem('suspend', 'Suspend user'), managedItem('unsuspend', 'Unsuspend user')]),
                    { id: 'logout', text: 'Log out' },
                    { id: 'reset-pin', text: 'Reset personal PIN' },
                  ]}
                >
                  User actions
                </ButtonDropdown>
                {team && (
                  <Button
                    variant="primary"
                    onClick={() => navigate(`/accounts/${encodeURIComponent(accountId)}/users/invite`)}
                  >
                    Invite users
                  </Button>
                )}
              </SpaceBetween>
            }
          >
            Users
          </Header>
        }
        filter={
          <SpaceBetween direction="horizontal" size="xs">
            <form
              onSubmit={(e) => {
                e.preventDefault();
                setPageIndex(0);
                void load(0);
              }}
            >
              <TextFilter
                filteringText={email}
                filteringPlaceholder="Find users by email"
                filteringAriaLabel="Find users by email"
                onChange={(e) => setEmail(e.detail.filteringText)}
                onDelayedChange={() => {
                  setPageIndex(0);
                  void load(0);
                }}
              />
            </form>
            {/* Fixed widths: the horizontal row would otherwise squeeze "Permissions" onto two lines. */}
            <div style={{ minWidth: '12rem' }}>
              <Select
                selectedOption={status}
                onChange={(e) => {
                  setStatus(e.detail.selectedOption);
                  refilter({ status: (e.detail.selectedOption.value || undefined) as RegistrationStatus });
                }}
                ariaLabel="Filter by status"
                inlineLabelText="Status"
                options={[ALL, ...STATUSES.map(option)]}
              />
            </div>
            <div style={{ minWidth: '12rem' }}>
              <Select
                selectedOption={tier}
                onChange={(e) => {
                  setTier(e.detail.selectedOption);
                  refilter({ license: (e.detail.selectedOption.value || undefined) as License });
                }}
                ariaLabel="Filter by permissions"
                inlineLabelText="Permissions"
                options={[ALL, ...TIERS.map(option)]}
              />
            </div>
          </SpaceBetween>
        }
        pagination={
          <Pagination
            currentPageIndex={pageIndex + 1}
            pagesCount={tokens[pageIndex + 1] ? pageIndex + 2 : pageIndex + 1}
            openEnd={Boolean(tokens[pageIndex + 1])}
            onChange={(e) => {
              const i = e.detail.currentPageIndex - 1;
              setPageIndex(i);
              void load(i);
            }}
            ariaLabels={{
              nextPageLabel: 'Next page',
              previousPageLabel: 'Previous page',
              pageLabel: (n) => `Page ${n}`,
            }}
          />
        }
        empty="No users match. Invite users, or change the search and filters."
        columnDefinitions={[
          {
            id: 'email',
            header: 'Email',
            cell: (u) => (
              <Link
                href={`${BASE}/accounts/${encodeURIComponent(accountId)}/users/${encodeURIComponent(u.UserId)}`}
                onFollow={followLink}
              >
                {u.PrimaryEmail ?? u.UserId}
              </Link>
            ),
          },
          { id: 'name', header: 'Name', cell: (u) => u.DisplayName ?? '' },
          { id: 'status', header: 'Status', cell: (u) => u.UserRegistrationStatus ?? '' },
          { id: 'invitation', header: 'Invitation', cell: (u) => u.UserInvitationStatus ?? '' },
          { id: 'tier', header: 'Permissions', cell: (u) => u.LicenseType ?? '' },
          {
            id: 'problem',
            header: 'Problem',
            cell: (u) =>
              rowErrors[u.UserId] ? (
                <StatusIndicator type="error">{rowErrors[u.UserId]}</StatusIndicator>
              ) : (
                ''
              ),
          },
        ]}
      />
      {action === 'assign' && (
        <ConfirmModal
          title="Assign permissions"
          action="Assign"
          ready
          onCancel={() => setAction(undefined)}
          onConfirm={perform}
        >
          <RadioGroup
            ariaLabel="Permissions"
            value={license}
            onChange={(e) => setLicense(e.detail.value as 'Pro' | 'Basic')}
            items={[
              { value: 'Pro', label: 'Pro', description: 'May host meetings, attend them and chat.' },
              { value: 'Basic', label: 'Basic', description: 'May attend meetings and chat, but not host.' },
            ]}
          />
        </ConfirmModal>
      )}
      {action === 'remove' && (
        <ConfirmModal
          title="Remove user"
          action="Remove"
          ready
          onCancel={() => setAction(undefined)}
          onConfirm={perform}
        >
          Remove {plural} from this Team account? They can still sign in, but are no longer paid members, and
          lose the team's contact search. Adding them back is a new invitation.
        </ConfirmModal>
      )}
      {action === 'suspend' && (
        <ConfirmModal
          title="Suspend user"
          action="Suspend"
          ready={confirmed}
          onCancel={() => setAction(undefined)}
          onConfirm={perform}
        >
          <SpaceBetween size="s">
            <span>
              Suspended users are signed out everywhere at once and cannot sign in until unsuspended.
            </span>
            <Checkbox checked={confirmed} onChange={(e) => setConfirmed(e.detail.checked)}>
              Suspend {plural}
            </Checkbox>
          </SpaceBetween>
        </ConfirmModal>
      )}
      {(action === 'unsuspend' || action === 'logout' || action === 'reset-pin') && (
        <ConfirmModal
          title={
            { unsuspend: 'Unsuspend user', logout: 'Log out', 'reset-pin': 'Reset personal PIN' }[action]
          }
          action={{ unsuspend: 'Unsuspend', logout: 'Log out', 'reset-pin': 'Reset' }[action]}
          ready
          onCancel={() => setAction(undefined)}
          onConfirm={perform}
        >
          {
            {
              unsuspend: `Let ${plural} sign in again?`,
              logout: `End every session of ${plural}? They stay members and may sign in again.`,
              'reset-pin': `Give ${plural} a new personal meeting PIN?`,
            }[action]
          }
        </ConfirmModal>
      )}
    </SpaceBetween>
  );
}
