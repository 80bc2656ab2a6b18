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
  // One labelled child per operation and status, kept: finding it anew hashes the labels on
  // every request. Both label sets are bounded (the model's operations, HTTP status codes).
  const children = new Map<string, Map<number, { observe(seconds: number): void }>>();
  const durationOf = (operation: string, status: number) => {
    let byStatus = children.get(operation);
    if (!byStatus) children.set(operation, (byStatus = new Map()));
    let child = byStatus.get(status);
    if (!child) byStatus.set(status, (child = duration.labels(operation, String(status))));
    return child;
  };
  return {
    contentType: registry.contentType,
    observeRequest(operation: string, status: number, seconds: number) {
      durationOf(operation, status).observe(seconds);
    },
    render: () => registry.metrics(),
  };
}
