import type { TableProps } from '@cloudscape-design/components/table';

/**
 * The props of a table whose rows are chosen with check boxes, each box named after its row
 * ("Select +12065550100"), so a screen reader (and a test) finds it by that name.
 */
export function multiSelection<T>(
  selected: T[],
  setSelected: (items: T[]) => void,
  table: { label: string; noun: string; name: (item: T) => string },
): Pick<TableProps<T>, 'selectionType' | 'selectedItems' | 'onSelectionChange' | 'ariaLabels'> {
  return {
    selectionType: 'multi',
    selectedItems: selected,
    onSelectionChange: (e) => setSelected(e.detail.selectedItems),
    ariaLabels: {
      tableLabel: table.label,
      selectionGroupLabel: `Select ${table.noun}`,
      itemSelectionLabel: (_s, item) => `Select ${table.name(item)}`,
      allItemsSelectionLabel: () => `Select all ${table.noun} on this page`,
    },
  };
}
