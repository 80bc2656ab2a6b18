import autocannon from 'autocannon';
import type { SignedGet } from './sign.js';

export interface LoadOptions {
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** length of the one-connection latency run */
  latencySeconds: number;
}

export interface Measurement {
  /** with `connections` connections */
  requestsPerSecond: number;
  p99Ms: number;
  /** the server's CPU time per request in that run, µs */
  cpuMicrosPerRequest: number;
  /** one connection: a single client's page-by-page latency, without queueing behind the others */
  single: { p50Ms: number; p99Ms: number };
}

/**
 * Drives one URL: a warm-up whose figures are dropped (JIT, caches, connection set-up), a
 * latency run on one connection, then a throughput run with a fixed number of keep-alive
 * connections. Under N closed-loop connections every request waits behind up to N-1 others, so
 * that p99 is mostly queueing; the one-connection p99 is what a client fetching a page sees.
 * Latencies are kept to the microsecond here because autocannon's own histogram rounds them
 * down to whole milliseconds. An error or non-2xx answer fails the run rather than being averaged in.
 */
export async function measure(
  target: SignedGet,
  options: LoadOptions,
  serverCpuMicros: () => Promise<number>,
): Promise<Measurement> {
  await run(target, options.connections, options.warmupSeconds);
  // Latency first, while the heap holds no garbage from the loaded run to collect in its middle.
  const single = await run(target, 1, options.latencySeconds);
  const loaded = await throughput(target, options.connections, options.seconds, serverCpuMicros);
  return {
    ...loaded,
    single: { p50Ms: percentile(single.latencies, 0.5), p99Ms: percentile(single.latencies, 0.99) },
  };
}

export type Throughput = Pick<Measurement, 'requestsPerSecond' | 'p99Ms' | 'cpuMicrosPerRequest'>;

/** One closed-loop run with `connections` keep-alive connections, and the server's CPU time in it. */
export async function throughput(
  target: SignedGet,
  connections: number,
  seconds: number,
  serverCpuMicros: () => Promise<number>,
): Promise<Throughput> {
  const cpuBefore = await serverCpuMicros();
  const loaded = await run(target, connections, seconds);
  const cpu = (await serverCpuMicros()) - cpuBefore;
  return {
    requestsPerSecond: loaded.requests / loaded.seconds,
    p99Ms: percentile(loaded.latencies, 0.99),
    cpuMicrosPerRequest: cpu / loaded.requests,
  };
}

async function run(target: SignedGet, connections: number, seconds: number) {
  const latencies: number[] = [];
  const instance = autocannon({ url: target.url, headers: target.headers, connections, duration: seconds });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`${target.url}: ${result.errors} errors and ${result.non2xx} non-2xx answers under load`);
  latencies.sort((a, b) => a - b);
  return { requests: result.requests.total, seconds: result.duration, latencies };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}
