import type { AdminDeps } from './deps.js';
import { createAdminManagement } from './management.js';
import { createConsoleSessions } from './sessions.js';

/** Console administrators: managing them (the operator) and their sign-in and sessions. */
export function createConsoleAdmins(deps: AdminDeps) {
  const management = createAdminManagement(deps);
  return { ...management, ...createConsoleSessions(deps, management) };
}

export type ConsoleAdmins = ReturnType<typeof createConsoleAdmins>;
