import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Tabs from '@cloudscape-design/components/tabs';
import { navigate } from '../router.js';
import { CallingName } from './CallingName.js';
import { DeletionQueue } from './DeletionQueue.js';
import { PhoneInventory } from './PhoneInventory.js';
import { PhoneOrders } from './PhoneOrders.js';

export type PhoneTab = 'inventory' | 'orders' | 'deletion-queue' | 'calling-name';

const PATHS: Record<PhoneTab, string> = {
  inventory: '/phone-numbers',
  orders: '/phone-numbers/orders',
  'deletion-queue': '/phone-numbers/deletion-queue',
  'calling-name': '/phone-numbers/calling-name',
};

/** Phone number management: the installation's inventory, its orders, its deletion queue and calling name. */
export default function PhoneNumbers({ tab }: { tab: PhoneTab }) {
  return (
    <SpaceBetween size="m">
      <Header variant="h1" description="The phone numbers of this Belfry installation, and their orders.">
        Phone number management
      </Header>
      <Tabs
        activeTabId={tab}
        onChange={(e) => navigate(PATHS[e.detail.activeTabId as PhoneTab])}
        tabs={[
          { id: 'inventory', label: 'Inventory', content: <PhoneInventory /> },
          { id: 'orders', label: 'Orders', content: <PhoneOrders /> },
          {
            id: 'deletion-queue',
            label: 'Deletion queue',
            content: <DeletionQueue />,
          },
          {
            id: 'calling-name',
            label: 'Calling name',
            content: <CallingName />,
          },
        ]}
      />
    </SpaceBetween>
  );
}
