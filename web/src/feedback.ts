import { useCallback, useState } from 'react';
import type { FlashbarProps } from '@cloudscape-design/components/flashbar';
import { ApiError } from './api.js';

/** What to do next after the API refused, by its Chime error code. */
const NEXT_STEP: Record<string, string> = {
  BadRequest: 'Correct it and try again.',
  Conflict: 'Refresh the page to see the current state, then try again.',
  NotFound: 'It may have just been removed: refresh the page.',
  Forbidden: 'Ask an administrator with FullAccess (or one for this account) to do it.',
  AccessDenied: 'Ask an administrator with FullAccess (or one for this account) to do it.',
  ResourceLimitExceeded: 'Free some of what the limit counts first, then try again.',
  PreconditionFailed: 'Refresh the page and try again.',
  Throttled: 'Wait a moment and try again.',
  ServiceFailure: 'Try again; if it fails again, give the time of the failure to the operator.',
  ServiceUnavailable: 'Wait a moment and try again.',
};

const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/**
 * An error as one or two sentences: what failed, why (the API's own message) and, where the code
 * says what helps, the next step. `what` reads as "Could not <what>"; `steps` gives an action's own
 * next step for a code, where it knows better than the general one.
 */
export function explain(what: string, error: unknown, steps: Record<string, string> = {}): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : '';
  const next = code === 'Network' ? '' : (steps[code] ?? NEXT_STEP[code] ?? 'Try again.');
  return `Could not ${what}: ${sentence(message)}${next ? ` ${next}` : ''}`;
}

/** One flash message at a time: a page's progress ('in-progress', with a spinner) and then its outcome. */
export function useFlash() {
  const [items, setItems] = useState<FlashbarProps.MessageDefinition[]>([]);
  const say = useCallback(
    (type: FlashbarProps.Type, content: string) =>
      setItems([
        {
          type,
          loading: type === 'in-progress',
          content,
          dismissible: type !== 'in-progress',
          dismissLabel: 'Dismiss',
          onDismiss: () => setItems([]),
          id: String(Date.now()),
        },
      ]),
    [],
  );
  return { items, say, clear: useCallback(() => setItems([]), []) };
}
