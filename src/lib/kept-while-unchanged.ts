/**
 * Values read from the database and kept while its change marker holds (OpenDatabase's
 * changeMarker: SQLite's data_version with this connection's writes; PostgreSQL's notifications
 * from the triggers of migrations 0022 and 0023), so a read on every request (the calling app,
 * the signing keys' version) is made once rather than each time, and a change made by another
 * instance or the CLI is read as soon as it commits. Nothing is kept while the marker is
 * undefined (nothing is known then); a value is kept only if the marker did not move while it
 * was read (a write that committed meanwhile may have been missed), and for `keptMs` at most,
 * in case notifications stop without the connection saying so.
 */
export function keptWhileUnchanged<V>(
  changeMarker: (() => string | undefined) | undefined,
  {
    keptMs = 10_000,
    maxEntries = 1000,
    keeps = (_value: V) => true,
  }: {
    keptMs?: number;
    maxEntries?: number;
    /** which values are worth keeping */ keeps?: (value: V) => boolean;
  } = {},
) {
  const kept = new Map<string, { value: V; readAt: number }>();
  let keptAt: string | undefined;
  // This instance's own writes, counted in the marker: they must not wait for a notification.
  let ownWrites = 0;
  const marker = () => {
    const database = changeMarker?.();
    return database === undefined ? undefined : `${database}/${ownWrites}`;
  };
  return {
    async get(key: string, read: () => Promise<V>): Promise<V> {
      const before = marker();
      if (before !== undefined) {
        if (before !== keptAt) {
          kept.clear();
          keptAt = before;
        }
        const hit = kept.get(key);
        if (hit && Date.now() - hit.readAt < keptMs) return hit.value;
      }
      const readAt = Date.now();
      const value = await read();
      const unmoved = before !== undefined && before === keptAt && marker() === before;
      if (unmoved && kept.size < maxEntries && keeps(value)) kept.set(key, { value, readAt });
      return value;
    },

    /** This instance wrote what the values are read from (call once the write has committed). */
    changed(): void {
      ownWrites++;
    },
  };
}
