import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process, on a registry of its own (tests build several apps). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'belfry_' });
  const duration = new Histogram({
    name: 'belfry_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by operation and status code',
    labelNames: ['operation', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    contentType: registry.contentType,
    observeRequest(operation: string, status: number, seconds: number) {
      duration.observe({ operation, status: String(status) }, seconds);
    },
    render: () => registry.metrics(),
  };
}
