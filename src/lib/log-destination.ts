import { writeSync } from 'node:fs';

/** Log lines held while standard output is full, before newer ones are dropped (and counted). */
const MAX_QUEUED_BYTES = 1024 * 1024;
const RETRY_MS = 50;

export interface LogDestination {
  write(line: string): void;
  /** Writes what is queued, once, without waiting: the process may be exiting. */
  flushSync(): void;
}

/**
 * Where the server's log lines go: standard output, written so that nothing the reader does can
 * keep the server from running or from stopping. pino's own destination (sonic-boom) retries a
 * failed write in its exit flush until it succeeds, sleeping between tries: a pipe whose reader
 * is gone (EPIPE) or that nobody reads (EAGAIN, once full) held a stopping server forever. Here a
 * reader that is gone ends logging for good; a full pipe queues lines up to a bound, then drops
 * them and says how many once it drains; and the exit flush tries each queued line once.
 *
 * Reading `process.stdout.fd` creates Node's stdout stream, which makes a pipe non-blocking: a
 * write to a full pipe answers EAGAIN instead of stopping the whole process.
 */
export function stdoutDestination(fd: number = process.stdout.fd): LogDestination {
  const queue: Buffer[] = [];
  let queuedBytes = 0;
  let dropped = 0;
  let gone = false;
  let retry: NodeJS.Timeout | undefined;

  /** Writes queued lines until the pipe is full; false if it stopped short. */
  function writeQueued(): boolean {
    while (queue.length > 0 && !gone) {
      const chunk = queue[0]!;
      const written = tryWrite(chunk);
      queuedBytes -= written;
      if (written < chunk.length) {
        queue[0] = chunk.subarray(written);
        return false;
      }
      queue.shift();
    }
    if (dropped > 0 && !gone) {
      const note = Buffer.from(droppedNote(dropped));
      dropped = 0;
      tryWrite(note);
    }
    return true;
  }

  /** Bytes written: fewer than asked when the pipe filled up or the reader is gone. */
  function tryWrite(chunk: Buffer): number {
    try {
      return writeSync(fd, chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') stop();
      return 0;
    }
  }

  /** The reader is gone (or the descriptor unusable): nothing written from now on could arrive. */
  function stop(): void {
    gone = true;
    queue.length = 0;
    queuedBytes = 0;
    if (retry) clearTimeout(retry);
  }

  function scheduleRetry(): void {
    if (retry || gone) return;
    retry = setTimeout(() => {
      retry = undefined;
      if (!writeQueued()) scheduleRetry();
    }, RETRY_MS);
    retry.unref();
  }

  return {
    write(line) {
      if (gone) return;
      const chunk = Buffer.from(line);
      if (queuedBytes + chunk.length > MAX_QUEUED_BYTES) {
        dropped++;
        return;
      }
      queue.push(chunk);
      queuedBytes += chunk.length;
      if (queue.length === 1 && writeQueued()) return;
      scheduleRetry();
    },
    flushSync() {
      if (retry) clearTimeout(retry);
      retry = undefined;
      writeQueued();
    },
  };
}

/** A line in the log's own shape (pino's JSON, level 40 = warn) saying what was lost. */
function droppedNote(count: number): string {
  const msg = `${count} log lines were dropped: standard output was full (nobody was reading it)`;
  return JSON.stringify({ level: 40, time: Date.now(), msg }) + '\n';
}

let shared: LogDestination | undefined;

/** The process's one standard-output destination, whose queue is written out at exit. */
export function processLogDestination(): LogDestination {
  if (!shared) {
    const destination = stdoutDestination();
    process.once('exit', () => destination.flushSync());
    shared = destination;
  }
  return shared;
}
