import pg from 'pg';

/** The channel migration 0022's triggers notify on every write to access keys and principals. */
const CHANNEL = 'belfry_access_keys';
/** How long to wait before listening again after the connection was lost. */
const RETRY_MS = 1000;

export interface KeyChangeListener {
  /**
   * Moves on every notification and whenever listening starts again (what was said while no
   * one listened is unknown); undefined while not listening. The first call starts listening.
   */
  marker(): string | undefined;
  close(): Promise<void>;
}

/**
 * PostgreSQL's change marker for access keys: one connection of its own, outside the pool,
 * listening on the channel. Started on first use, so the CLI and the migrations never open it.
 */
export function listenForKeyChanges(url: string): KeyChangeListener {
  let heard = 0;
  let listening: pg.Client | undefined;
  let started = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const listen = async () => {
    const client = new pg.Client({ connectionString: url, keepAlive: true });
    let lost = false;
    // 'error' and 'end' both come when the server drops the connection: act on the first.
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (listening === client) listening = undefined;
      client.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void listen(), RETRY_MS).unref();
    };
    client.on('error', onLost);
    client.on('end', onLost);
    client.on('notification', () => heard++);
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
    } catch {
      onLost();
      return;
    }
    if (closed || lost) return void client.end().catch(() => undefined);
    heard++;
    listening = client;
  };

  return {
    marker() {
      if (!started && !closed) {
        started = true;
        void listen();
      }
      return listening === undefined ? undefined : String(heard);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const client = listening;
      listening = undefined;
      await client?.end().catch(() => undefined);
    },
  };
}
