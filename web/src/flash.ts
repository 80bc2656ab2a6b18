import { useCallback, useState } from 'react';
import type { FlashbarProps } from '@cloudscape-design/components/flashbar';

/** A page's one message at a time, above its content: `say` replaces it, Dismiss (or `clear`) removes it. */
export function useFlash() {
  const [flash, setFlash] = useState<FlashbarProps.MessageDefinition[]>([]);
  const clear = useCallback(() => setFlash([]), []);
  const say = useCallback(
    (type: 'success' | 'error' | 'warning', content: string) =>
      setFlash([
        {
          type,
          content,
          dismissible: true,
          dismissLabel: 'Dismiss',
          onDismiss: clear,
          id: String(Date.now()),
        },
      ]),
    [clear],
  );
  return { flash, say, clear };
}
