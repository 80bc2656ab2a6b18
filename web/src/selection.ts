import type { TableProps } from '@cloudscape-design/components/table';

type Chosen<T> = Pick<TableProps<T>, 'selectionType' | 'selectedItems' | 'onSelectionChange' | 'ariaLabels'>;
interface Named<T> {
  label: string;
  noun: string;
  name: (item: T) => string;
}

/**
 * The props of a table whose rows are chosen with a box or radio button named after its row
 * ("Select +12065550100"), so a screen reader (and a test) finds it by that name.
 */
function selection<T>(
  type: 'single' | 'multi',
  selected: T[],
  setSelected: (items: T[]) => void,
  table: Named<T>,
): Chosen<T> {
  return {
    selectionType: type,
    selectedItems: selected,
    onSelectionChange: (e) => setSelected(e.detail.selectedItems),
    ariaLabels: {
      tableLabel: table.label,
      selectionGroupLabel: `Select ${table.noun}`,
      itemSelectionLabel: (_s, item) => `Select ${table.name(item)}`,
      ...(type === 'multi' && { allItemsSelectionLabel: () => `Select all ${table.noun} on this page` }),
    },
  };
}

/** Rows chosen with check boxes. */
export const multiSelection = <T>(selected: T[], setSelected: (items: T[]) => void, table: Named<T>) =>
  selection('multi', selected, setSelected, table);

/** One row chosen with a radio button ("Select okta"). */
export const singleSelection = <T>(selected: T[], setSelected: (items: T[]) => void, table: Named<T>) =>
  selection('single', selected, setSelected, table);
