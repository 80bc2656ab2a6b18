import type { AnyOperationName, ChimeOperation } from '../context.js';
import * as accounts from './accounts.js';
import * as appClients from './app-clients.js';
import * as appWebhooks from './app-webhooks.js';
import * as audit from './audit.js';
import * as directory from './directory.js';
import * as domains from './domains.js';
import * as phoneNumbers from './phone-numbers.js';
import * as scim from './scim.js';
import * as usage from './usage.js';
import * as users from './users.js';

/** Every implemented operation by name; a model operation missing here answers "not supported". */
export const handlers: { [N in AnyOperationName]?: ChimeOperation<N> } = {
  ...accounts,
  ...users,
  ...audit,
  ...phoneNumbers,
  ...appClients,
  ...appWebhooks,
  ...domains,
  ...directory,
  ...scim,
  ...usage,
};
