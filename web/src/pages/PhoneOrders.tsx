import { useCallback } from 'react';
import Button from '@cloudscape-design/components/button';
import Flashbar from '@cloudscape-design/components/flashbar';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useListing } from '../paging.js';
import { BASE, followLink, navigate } from '../router.js';
import { phones } from '../telephony-api.js';
import { PhoneNumberStatusIndicator, productTypeLabel } from './phone-number-text.js';

export const orderPath = (id: string) => `/phone-numbers/orders/${encodeURIComponent(id)}`;

/** The Orders tab: every phone number order, newest first as the API lists them. */
export function PhoneOrders() {
  const fetchPage = useCallback((nextToken?: string) => phones.listPhoneNumberOrders(nextToken), []);
  const { pages, flash } = useListing(fetchPage, 'list the orders');

  return (
    <SpaceBetween size="m">
      <Flashbar items={flash.items} />
      <Table
        items={pages.items ?? []}
        loading={pages.items === undefined}
        loadingText="Loading orders"
        trackBy="PhoneNumberOrderId"
        ariaLabels={{ tableLabel: 'Orders' }}
        header={
          <Header
            variant="h2"
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button iconName="refresh" ariaLabel="Refresh" onClick={() => void pages.reload()} />
                <Button variant="primary" onClick={() => navigate('/phone-numbers/provision')}>
                  Provision phone numbers
                </Button>
              </SpaceBetween>
            }
          >
            Orders
          </Header>
        }
        pagination={pages.pagination}
        empty="No orders yet. Provision phone numbers to place one."
        columnDefinitions={[
          {
            id: 'id',
            header: 'Order ID',
            cell: (o) => (
              <Link href={BASE + orderPath(o.PhoneNumberOrderId)} onFollow={followLink}>
                {o.PhoneNumberOrderId}
              </Link>
            ),
          },
          { id: 'status', header: 'Status', cell: (o) => <PhoneNumberStatusIndicator status={o.Status} /> },
          { id: 'product', header: 'Product type', cell: (o) => productTypeLabel(o.ProductType) },
          { id: 'count', header: 'Phone numbers', cell: (o) => o.OrderedPhoneNumbers.length },
          { id: 'created', header: 'Created', cell: (o) => o.CreatedTimestamp ?? '-' },
          { id: 'updated', header: 'Updated', cell: (o) => o.UpdatedTimestamp ?? '-' },
        ]}
      />
    </SpaceBetween>
  );
}
