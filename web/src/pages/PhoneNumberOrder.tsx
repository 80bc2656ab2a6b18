import { useCallback, useEffect, useState } from 'react';
import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Table from '@cloudscape-design/components/table';
import { explain } from '../feedback.js';
import { navigate } from '../router.js';
import { phones, type PhoneNumberOrder as Order } from '../telephony-api.js';
import { PhoneNumberStatusIndicator, productTypeLabel } from './phone-number-text.js';

/** While an order is Processing its page asks again this often, at most this many times. */
const POLL_MS = 2000;
const MAX_POLLS = 60;

/** Order details: the order's status and each ordered number's, followed while the carrier works. */
export default function PhoneNumberOrder({ orderId }: { orderId: string }) {
  const [order, setOrder] = useState<Order>();
  const [error, setError] = useState<string>();
  const load = useCallback(
    () =>
      phones.getPhoneNumberOrder(orderId).then(
        (o) => {
          setOrder(o);
          setError(undefined);
          return o;
        },
        (e) => {
          setError(explain('read the order', e));
          return undefined;
        },
      ),
    [orderId],
  );
  useEffect(() => {
    let polls = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      const o = await load();
      polls += 1;
      if (!stopped && o?.Status === 'Processing' && polls < MAX_POLLS) timer = setTimeout(tick, POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [load]);

  const acquired = order?.OrderedPhoneNumbers.filter((n) => n.Status === 'Acquired').length ?? 0;
  return (
    <SpaceBetween size="m">
      <Header
        variant="h1"
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button iconName="refresh" ariaLabel="Refresh" onClick={() => void load()} />
            <Button onClick={() => navigate('/phone-numbers/orders')}>Orders</Button>
            <Button variant="primary" onClick={() => navigate('/phone-numbers')}>
              Inventory
            </Button>
          </SpaceBetween>
        }
      >
        Order details
      </Header>
      {error && <Alert type="error">{error}</Alert>}
      {!order && !error && <Spinner size="large" />}
      {order && (
        <>
          {order.Status === 'Processing' && (
            <Alert type="info">The carrier is processing the order; this page follows it.</Alert>
          )}
          {order.Status !== 'Processing' && (
            <Alert type={order.Status === 'Successful' ? 'success' : 'warning'}>
              {acquired} of {order.OrderedPhoneNumbers.length} phone numbers acquired; acquired numbers are in
              the inventory as Unassigned.
              {order.Status !== 'Successful' &&
                ' Search again for other numbers in place of the failed ones.'}
            </Alert>
          )}
          <Container header={<Header variant="h2">Order</Header>}>
            <KeyValuePairs
              columns={3}
              items={[
                { label: 'Order ID', value: order.PhoneNumberOrderId },
                { label: 'Status', value: <PhoneNumberStatusIndicator status={order.Status} /> },
                { label: 'Product type', value: productTypeLabel(order.ProductType) },
                { label: 'Created', value: order.CreatedTimestamp ?? '-' },
                { label: 'Updated', value: order.UpdatedTimestamp ?? '-' },
              ]}
            />
          </Container>
          <Table
            items={order.OrderedPhoneNumbers}
            trackBy="E164PhoneNumber"
            ariaLabels={{ tableLabel: 'Ordered phone numbers' }}
            header={<Header variant="h2">Ordered phone numbers</Header>}
            columnDefinitions={[
              { id: 'number', header: 'Phone number', cell: (n) => n.E164PhoneNumber },
              {
                id: 'status',
                header: 'Status',
                cell: (n) => <PhoneNumberStatusIndicator status={n.Status} />,
              },
            ]}
          />
        </>
      )}
    </SpaceBetween>
  );
}
