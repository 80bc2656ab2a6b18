/**
 * The seam between Belfry's phone-number inventory and whoever actually owns the numbers. Search and
 * ordering (SearchAvailablePhoneNumbers, CreatePhoneNumberOrder, the release after the deletion queue)
 * go through a `Carrier`; the built-in one is simulated (simulated-carrier.ts) so Belfry can be tried
 * without a telephony contract, and real carriers plug in behind the same interface.
 *
 * A carrier knows nothing of accounts or of what the operator already owns: the domain keeps its own
 * inventory and filters owned numbers out of search results. Numbers cross this seam in E.164.
 */

/** Chime's `PhoneNumberType`. */
export type NumberType = 'Local' | 'TollFree';

/** SearchAvailablePhoneNumbers' filters, already validated by the domain (country defaults to US there). */
export interface SearchCriteria {
  /** ISO alpha-2 country code. */
  country: string;
  areaCode?: string;
  city?: string;
  /** Two-letter state or province code. */
  state?: string;
  tollFreePrefix?: string;
  type?: NumberType;
}

export interface Carrier {
  readonly name: string;
  /** countries and number types offered (for ListSupportedPhoneNumberCountries) */
  countries(): Array<{ country: string; types: NumberType[] }>;
  /** numbers that can be ordered, in a stable ascending order, after `after` (exclusive), at most `limit` */
  search(criteria: SearchCriteria, page: { after?: string; limit: number }): Promise<string[]>;
  /** acquires each number; a number the carrier does not have (or cannot sell) fails with a reason */
  acquire(e164s: string[]): Promise<Array<{ e164: string; acquired: boolean; reason?: string }>>;
  /** gives a number back to the carrier (after the deletion queue) */
  release(e164: string): Promise<void>;
}
