import type { DomainDeps } from '../deps.js';

/** What the SCIM area is built from: the domain's deps and where its resources live. */
export interface ScimDeps extends DomainDeps {
  /** `<BELFRY_PUBLIC_URL>/scim/v2`: the base of every `meta.location` and `$ref` */
  scimBaseUrl: string;
}
