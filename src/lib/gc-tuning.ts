import { setFlagsFromString } from 'node:v8';

/**
 * Imported first by the server's entry points, before anything allocates much.
 *
 * V8 "pretenures" an allocation site (allocates its objects straight in the old generation) once
 * enough of them survive a young-generation collection. Rows that PostgreSQL's driver is still
 * parsing when a collection starts survive it, so after a few pages of users the driver's row
 * objects went to the old generation for good: every young collection then took 7 to 10 ms
 * instead of one, and a page of users a client fetched paid it at the 99th percentile (11–12 ms
 * against 5–8 measured with bench/). Belfry's objects live for one request; none gains from it.
 */
setFlagsFromString('--no-allocation-site-pretenuring');
