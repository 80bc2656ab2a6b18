import type { Actor } from '../../domain/access/actor.js';
import type { Services } from '../../services.js';
import type { OperationIO } from './generated/model.js';
import type { ExtensionIO } from './extensions.js';

export type AllOperations = OperationIO & ExtensionIO;
export type AnyOperationName = keyof AllOperations;

export interface OperationContext {
  services: Services;
  actor: Actor;
}

/** One handler per Chime operation, named after it: wire input in, wire output out. */
export type ChimeOperation<N extends AnyOperationName> = (
  input: AllOperations[N]['input'],
  context: OperationContext,
) => Promise<AllOperations[N]['output']>;
