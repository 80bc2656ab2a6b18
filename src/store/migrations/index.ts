import type { Migration } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-phone-numbers.js';
import * as m0003 from './0003-invitation-delivery.js';
import * as m0004 from './0004-identities.js';
import * as m0005 from './0005-one-registered-membership.js';
import * as m0006 from './0006-oidc.js';
import * as m0007 from './0007-app-webhooks.js';
import * as m0008 from './0008-claimed-domains.js';
import * as m0009 from './0009-free-orphaned-numbers.js';
import * as m0011 from './0011-revoke-clear-oidc-values.js';
import * as m0013 from './0013-domain-verified-by.js';
import * as m0014 from './0014-api-instances.js';
import * as m0015 from './0015-directories.js';
import * as m0016 from './0016-console-admins.js';
import * as m0017 from './0017-scim-and-idp.js';
import * as m0018 from './0018-pro-periods.js';
import * as m0019 from './0019-usage.js';
import * as m0020 from './0020-member-filter-indexes.js';
import * as m0021 from './0021-signing-algorithms.js';
import * as m0022 from './0022-access-key-notifications.js';
import * as m0023 from './0023-app-client-notifications.js';

/** Every migration in order. Listed statically so the app needs no file-system lookup. */
export const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-phone-numbers': m0002,
  '0003-invitation-delivery': m0003,
  '0004-identities': m0004,
  '0005-one-registered-membership': m0005,
  '0006-oidc': m0006,
  '0007-app-webhooks': m0007,
  '0008-claimed-domains': m0008,
  '0009-free-orphaned-numbers': m0009,
  '0011-revoke-clear-oidc-values': m0011,
  '0013-domain-verified-by': m0013,
  '0014-api-instances': m0014,
  '0015-directories': m0015,
  '0016-console-admins': m0016,
  '0017-scim-and-idp': m0017,
  '0018-pro-periods': m0018,
  '0019-usage': m0019,
  '0020-member-filter-indexes': m0020,
  '0021-signing-algorithms': m0021,
  '0022-access-key-notifications': m0022,
  '0023-app-client-notifications': m0023,
};
