import { useCallback, useState } from 'react';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import Flashbar from '@cloudscape-design/components/flashbar';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import RadioGroup from '@cloudscape-design/components/radio-group';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { explain, useFlash } from '../feedback.js';
import { useTokenPages } from '../paging.js';
import { navigate } from '../router.js';
import { multiSelection } from '../selection.js';
import { phones, type AvailableQuery, type NumberType, type ProductType } from '../telephony-api.js';
import { orderPath } from './PhoneOrders.js';
import { productTypeLabel } from './phone-number-text.js';

const PRODUCT_TYPES: ProductType[] = ['BusinessCalling', 'VoiceConnector', 'SipMediaApplicationDialIn'];
const RESULTS_PER_PAGE = 50;

/** The search as typed: only the fields of the chosen number type are sent. */
function criteria(type: NumberType, fields: Record<string, string>): AvailableQuery {
  const trimmed = (key: string) => fields[key]?.trim() || undefined;
  if (type === 'TollFree') return { type, tollFreePrefix: trimmed('tollFreePrefix') };
  return { type, areaCode: trimmed('areaCode'), city: trimmed('city'), state: trimmed('state') };
}

/**
 * Provision phone numbers: search the carrier's available numbers (by area code, city and state,
 * or toll-free prefix), choose some, and order them (CreatePhoneNumberOrder); then the order's page.
 */
export default function ProvisionPhoneNumbers() {
  const [productType, setProductType] = useState<ProductType>('BusinessCalling');
  const [type, setType] = useState<NumberType>('Local');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [search, setSearch] = useState<AvailableQuery>();
  const [selected, setSelected] = useState<{ e164: string }[]>([]);
  const [ordering, setOrdering] = useState(false);
  const flash = useFlash();
  const { say } = flash;

  const fetchPage = useCallback(
    async (nextToken?: string) => {
      if (!search) return { items: [] };
      try {
        const page = await phones.searchAvailablePhoneNumbers({
          ...search,
          maxResults: RESULTS_PER_PAGE,
          nextToken,
        });
        if (page.items.length === 0) say('info', 'No available numbers match. Change the search.');
        return { ...page, items: page.items.map((e164) => ({ e164 })) };
      } catch (e) {
        say('error', explain('search the available phone numbers', e));
        throw e;
      }
    },
    [search, say],
  );
  const pages = useTokenPages(fetchPage);

  const field = (key: string, label: string, description?: string) => (
    <FormField label={label} description={description}>
      <Input
        value={fields[key] ?? ''}
        onChange={(e) => setFields((f) => ({ ...f, [key]: e.detail.value }))}
      />
    </FormField>
  );

  const order = async () => {
    setOrdering(true);
    flash.say('in-progress', `Ordering ${selected.length} phone number${selected.length === 1 ? '' : 's'}…`);
    try {
      const placed = await phones.createPhoneNumberOrder(
        productType,
        selected.map((s) => s.e164),
      );
      navigate(orderPath(placed.PhoneNumberOrderId));
    } catch (e) {
      flash.say('error', explain('order the phone numbers', e));
      setOrdering(false);
    }
  };

  const tollFreeAllowed = productType !== 'BusinessCalling';
  return (
    <SpaceBetween size="m">
      <Header
        variant="h1"
        description="Search the carrier's available numbers, choose the ones you want, and order them."
      >
        Provision phone numbers
      </Header>
      <Flashbar items={flash.items} />
      <Container header={<Header variant="h2">Search available numbers</Header>}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setSelected([]);
            setSearch(criteria(type, fields));
          }}
        >
          <SpaceBetween size="m">
            <ColumnLayout columns={2}>
              <FormField label="Product type">
                <RadioGroup
                  value={productType}
                  onChange={(e) => {
                    const next = e.detail.value as ProductType;
                    setProductType(next);
                    if (next === 'BusinessCalling') setType('Local');
                  }}
                  items={PRODUCT_TYPES.map((p) => ({ value: p, label: productTypeLabel(p) }))}
                />
              </FormField>
              <FormField
                label="Phone number type"
                description={tollFreeAllowed ? undefined : 'Business Calling numbers are local numbers.'}
              >
                <RadioGroup
                  value={type}
                  onChange={(e) => setType(e.detail.value as NumberType)}
                  items={[
                    { value: 'Local', label: 'Local' },
                    { value: 'TollFree', label: 'Toll-free', disabled: !tollFreeAllowed },
                  ]}
                />
              </FormField>
            </ColumnLayout>
            {type === 'Local' ? (
              <ColumnLayout columns={3}>
                {field('areaCode', 'Area code', 'For example 206.')}
                {field('city', 'City', 'A city needs its state.')}
                {field('state', 'State', 'Two letters, for example WA.')}
              </ColumnLayout>
            ) : (
              field('tollFreePrefix', 'Toll-free prefix', 'For example 800 or 888.')
            )}
            <Button formAction="submit" variant="normal">
              Search
            </Button>
          </SpaceBetween>
        </form>
      </Container>
      {search && (
        <Table
          items={pages.items ?? []}
          loading={pages.items === undefined}
          loadingText="Searching the carrier"
          trackBy="e164"
          {...multiSelection(selected, setSelected, {
            label: 'Available phone numbers',
            noun: 'phone numbers',
            name: (n) => n.e164,
          })}
          header={
            <Header
              variant="h2"
              counter={selected.length ? `(${selected.length} selected)` : undefined}
              actions={
                <Button
                  variant="primary"
                  disabled={selected.length === 0}
                  loading={ordering}
                  onClick={() => void order()}
                >
                  Provision
                </Button>
              }
            >
              Available phone numbers
            </Header>
          }
          pagination={pages.pagination}
          empty="No available numbers match. Change the search."
          columnDefinitions={[{ id: 'number', header: 'Phone number', cell: (n) => n.e164 }]}
        />
      )}
    </SpaceBetween>
  );
}
