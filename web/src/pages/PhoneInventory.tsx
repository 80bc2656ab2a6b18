import { useCallback, useState } from 'react';
import Button from '@cloudscape-design/components/button';
import ButtonDropdown from '@cloudscape-design/components/button-dropdown';
import Flashbar from '@cloudscape-design/components/flashbar';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { explain } from '../feedback.js';
import { useListing } from '../paging.js';
import { multiSelection } from '../selection.js';
import { BASE, followLink, navigate } from '../router.js';
import { phones, type PhoneNumber, type ProductType } from '../telephony-api.js';
import { ConfirmModal } from './ConfirmModal.js';
import { EditCallingName } from './EditCallingName.js';
import { PhoneNumberStatusIndicator, productTypeLabel } from './phone-number-text.js';

const ANY: SelectProps.Option = { value: '', label: 'Any' };
// The deletion queue (DeleteInProgress) has its own tab.
const STATUSES = [
  'Unassigned',
  'Assigned',
  'AcquireInProgress',
  'AcquireFailed',
  'ReleaseInProgress',
  'ReleaseFailed',
  'DeleteFailed',
];
const PRODUCT_TYPES: ProductType[] = ['BusinessCalling', 'VoiceConnector', 'SipMediaApplicationDialIn'];
/** A whole E.164 number is looked up on the server; part of one narrows the page shown. */
const WHOLE_NUMBER = /^\+?[1-9]\d{9,14}$/;

const digits = (text: string) => text.replace(/[^\d]/g, '');

/** Who holds a number: its user (linked to their details page) or its account. */
function AssignedTo({ n }: { n: PhoneNumber }) {
  const accountId = n.Associations?.find((a) => a.Name === 'AccountId')?.Value;
  const userId = n.Associations?.find((a) => a.Name === 'UserId')?.Value;
  if (!accountId || !userId)
    return <>{n.Associations?.map((a) => `${a.Name} ${a.Value}`).join(', ') || '-'}</>;
  return (
    <Link
      href={`${BASE}/accounts/${encodeURIComponent(accountId)}/users/${encodeURIComponent(userId)}`}
      onFollow={followLink}
    >
      User {userId}
    </Link>
  );
}

/** The Inventory tab: every number of the installation, filtered on the server and paged by NextToken. */
export function PhoneInventory() {
  const [status, setStatus] = useState(ANY);
  const [productType, setProductType] = useState(ANY);
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [selected, setSelected] = useState<PhoneNumber[]>([]);
  const [action, setAction] = useState<'delete' | 'calling-name'>();
  const [error, setError] = useState<string>();

  const whole = WHOLE_NUMBER.test(applied.trim()) ? applied.trim() : '';
  const fetchPage = useCallback(
    async (nextToken?: string) => {
      if (whole) {
        const e164 = whole.startsWith('+') ? whole : `+${whole}`;
        const found = await phones.getPhoneNumber(e164).then(
          (n) => [n],
          (e: { code?: string }) => {
            if (e.code === 'NotFound') return [];
            throw e;
          },
        );
        return { items: found };
      }
      return phones.listPhoneNumbers({
        status: status.value || undefined,
        productType: (productType.value || undefined) as ProductType | undefined,
        nextToken,
      });
    },
    [status, productType, whole],
  );
  const { pages, flash } = useListing(fetchPage, 'list the phone numbers');
  const part = digits(applied);
  const shown = (pages.items ?? []).filter((n) => !part || digits(n.E164PhoneNumber).includes(part));

  const open = (next: 'delete' | 'calling-name') => {
    setError(undefined);
    setAction(next);
  };
  const finish = async (type: 'success' | 'warning', text: string) => {
    setAction(undefined);
    setSelected([]);
    flash.say(type, text);
    await pages.reload();
  };

  const remove = async () => {
    const failed: string[] = [];
    for (const n of selected)
      await phones.deletePhoneNumber(n.E164PhoneNumber).catch((e) =>
        failed.push(
          explain(`delete ${n.E164PhoneNumber}`, e, {
            Conflict:
              "Only an unassigned number can be deleted: unassign it on its user's details page first.",
          }),
        ),
      );
    const done = selected.length - failed.length;
    if (failed.length === selected.length) {
      setError(failed.join(' '));
      throw new Error('nothing deleted');
    }
    await finish(
      failed.length ? 'warning' : 'success',
      `${done} phone number${done === 1 ? '' : 's'} moved to the deletion queue; restore them there within 7 days.${failed.length ? ` ${failed.join(' ')}` : ''}`,
    );
  };

  return (
    <SpaceBetween size="m">
      <Flashbar items={flash.items} />
      <Table
        items={shown}
        loading={pages.items === undefined}
        loadingText="Loading phone numbers"
        trackBy="E164PhoneNumber"
        {...multiSelection(selected, setSelected, {
          label: 'Inventory',
          noun: 'phone numbers',
          name: (n) => n.E164PhoneNumber,
        })}
        header={
          <Header
            variant="h2"
            counter={selected.length ? `(${selected.length} selected)` : undefined}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button iconName="refresh" ariaLabel="Refresh" onClick={() => void pages.reload()} />
                <ButtonDropdown
                  disabled={selected.length === 0}
                  onItemClick={(e) => open(e.detail.id as 'delete' | 'calling-name')}
                  items={[
                    { id: 'calling-name', text: 'Edit calling name', disabled: selected.length !== 1 },
                    { id: 'delete', text: 'Delete phone number' },
                  ]}
                >
                  Actions
                </ButtonDropdown>
                <Button variant="primary" onClick={() => navigate('/phone-numbers/provision')}>
                  Provision phone numbers
                </Button>
              </SpaceBetween>
            }
          >
            Inventory
          </Header>
        }
        filter={
          <SpaceBetween direction="horizontal" size="xs">
            <form
              onSubmit={(e) => {
                e.preventDefault();
                setApplied(search);
              }}
            >
              <TextFilter
                filteringText={search}
                filteringPlaceholder="Find phone numbers"
                filteringAriaLabel="Find phone numbers"
                filteringClearAriaLabel="Clear the search"
                countText={part && !whole ? `${shown.length} on this page` : undefined}
                onChange={(e) => setSearch(e.detail.filteringText)}
                onDelayedChange={(e) => setApplied(e.detail.filteringText)}
              />
            </form>
            <Select
              selectedOption={status}
              onChange={(e) => setStatus(e.detail.selectedOption)}
              ariaLabel="Filter by status"
              inlineLabelText="Status"
              options={[ANY, ...STATUSES.map((s) => ({ value: s, label: s }))]}
            />
            <Select
              selectedOption={productType}
              onChange={(e) => setProductType(e.detail.selectedOption)}
              ariaLabel="Filter by product type"
              inlineLabelText="Product type"
              options={[ANY, ...PRODUCT_TYPES.map((p) => ({ value: p, label: productTypeLabel(p) }))]}
            />
          </SpaceBetween>
        }
        pagination={pages.pagination}
        empty={
          part && !whole
            ? 'None on this page matches. Type the whole number to look it up in all the inventory.'
            : 'No phone numbers match. Provision phone numbers, or change the filters.'
        }
        columnDefinitions={[
          { id: 'number', header: 'Phone number', cell: (n) => n.E164PhoneNumber },
          { id: 'status', header: 'Status', cell: (n) => <PhoneNumberStatusIndicator status={n.Status} /> },
          { id: 'product', header: 'Product type', cell: (n) => productTypeLabel(n.ProductType) },
          { id: 'type', header: 'Type', cell: (n) => (n.Type === 'TollFree' ? 'Toll-free' : (n.Type ?? '')) },
          { id: 'assigned', header: 'Assigned to', cell: (n) => <AssignedTo n={n} /> },
          {
            id: 'calling-name',
            header: 'Calling name',
            cell: (n) =>
              n.CallingName
                ? `${n.CallingName}${n.CallingNameStatus === 'UpdateInProgress' ? ' (update in progress)' : ''}`
                : '-',
          },
        ]}
      />
      {action === 'delete' && (
        <ConfirmModal
          title="Delete phone number"
          action="Delete"
          ready
          onCancel={() => setAction(undefined)}
          onConfirm={remove}
          error={error}
        >
          Delete {selected.map((n) => n.E164PhoneNumber).join(', ')}? Deleted numbers wait 7 days in the
          deletion queue, where you can restore them; then they are released to the carrier. Only unassigned
          numbers can be deleted.
        </ConfirmModal>
      )}
      {action === 'calling-name' && selected[0] && (
        <EditCallingName
          number={selected[0]}
          onCancel={() => setAction(undefined)}
          onDone={(text) => void finish('success', text)}
        />
      )}
    </SpaceBetween>
  );
}
