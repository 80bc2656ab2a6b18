import { useCallback, useState } from 'react';
import Button from '@cloudscape-design/components/button';
import Flashbar from '@cloudscape-design/components/flashbar';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { explain } from '../feedback.js';
import { useListing } from '../paging.js';
import { phones } from '../telephony-api.js';
import { productTypeLabel } from './phone-number-text.js';

const QUEUE_DAYS = 7;
const releaseDate = (deleted?: string) =>
  deleted ? new Date(Date.parse(deleted) + QUEUE_DAYS * 86_400_000).toISOString() : '-';

/** The Deletion queue tab: deleted numbers wait here 7 days before their release, and can be restored. */
export function DeletionQueue() {
  const [restoring, setRestoring] = useState<string>();
  const fetchPage = useCallback(
    (nextToken?: string) => phones.listPhoneNumbers({ status: 'DeleteInProgress', nextToken }),
    [],
  );
  const { pages, flash } = useListing(fetchPage, 'list the deletion queue');
  const { say } = flash;

  const restore = async (e164: string) => {
    setRestoring(e164);
    say('in-progress', `Restoring ${e164}…`);
    try {
      await phones.restorePhoneNumber(e164);
      say('success', `Phone number ${e164} restored to the inventory as Unassigned.`);
      await pages.reload();
    } catch (e) {
      say('error', explain(`restore ${e164}`, e));
    } finally {
      setRestoring(undefined);
    }
  };

  return (
    <SpaceBetween size="m">
      <Flashbar items={flash.items} />
      <Table
        items={pages.items ?? []}
        loading={pages.items === undefined}
        loadingText="Loading the deletion queue"
        trackBy="E164PhoneNumber"
        ariaLabels={{ tableLabel: 'Deletion queue' }}
        header={
          <Header
            variant="h2"
            description={`Deleted phone numbers stay here for ${QUEUE_DAYS} days, then are released to the carrier.`}
            actions={<Button iconName="refresh" ariaLabel="Refresh" onClick={() => void pages.reload()} />}
          >
            Deletion queue
          </Header>
        }
        pagination={pages.pagination}
        empty="The deletion queue is empty."
        columnDefinitions={[
          { id: 'number', header: 'Phone number', cell: (n) => n.E164PhoneNumber },
          { id: 'product', header: 'Product type', cell: (n) => productTypeLabel(n.ProductType) },
          { id: 'deleted', header: 'Deleted', cell: (n) => n.DeletionTimestamp ?? '-' },
          { id: 'release', header: 'Released after', cell: (n) => releaseDate(n.DeletionTimestamp) },
          {
            id: 'restore',
            header: 'Restore',
            cell: (n) => (
              <Button
                ariaLabel={`Restore ${n.E164PhoneNumber}`}
                loading={restoring === n.E164PhoneNumber}
                disabled={restoring !== undefined && restoring !== n.E164PhoneNumber}
                onClick={() => void restore(n.E164PhoneNumber)}
              >
                Restore
              </Button>
            ),
          },
        ]}
      />
    </SpaceBetween>
  );
}
