// Prometheus metrics of the controller (prom-client), on a registry of its own so that several
// controllers can live in one process (tests).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueMetrics } from './queue.ts';

export class ControllerMetrics {
  readonly registry = new Registry();
  readonly depth = new Gauge({ name: 'kn_ts_workqueue_depth', help: 'Keys waiting in the work queue', labelNames: ['name'], registers: [this.registry] });
  readonly adds = new Counter({ name: 'kn_ts_workqueue_adds_total', help: 'Keys added to the work queue', labelNames: ['name'], registers: [this.registry] });
  readonly retries = new Counter({ name: 'kn_ts_workqueue_retries_total', help: 'Rate-limited re-adds after a failed reconcile', labelNames: ['name'], registers: [this.registry] });
  readonly latency = new Histogram({
    name: 'kn_ts_reconcile_duration_seconds',
    help: 'Time to reconcile one key',
    labelNames: ['reconciler', 'success'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly errors = new Counter({ name: 'kn_ts_reconcile_errors_total', help: 'Reconciles that failed', labelNames: ['reconciler'], registers: [this.registry] });
  readonly requests = new Counter({ name: 'kn_ts_client_requests_total', help: 'Requests to the API server (watches excluded)', labelNames: ['verb', 'resource', 'code'], registers: [this.registry] });
  readonly requestLatency = new Histogram({
    name: 'kn_ts_client_request_duration_seconds',
    help: 'API server request latency (watches excluded)',
    labelNames: ['verb'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly leader = new Gauge({ name: 'kn_ts_leader', help: '1 while this replica holds the lease', registers: [this.registry] });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }

  /** Records one API request (KubeClient.onRequest). */
  request(method: string, path: string, status: number, ms: number): void {
    const resource = resourceOfPath(path);
    this.requests.inc({ verb: method, resource, code: String(status) });
    this.requestLatency.observe({ verb: method }, ms / 1000);
  }

  queue(name: string): QueueMetrics {
    return {
      add: () => this.adds.inc({ name }),
      retry: () => this.retries.inc({ name }),
      depth: (n) => this.depth.set({ name }, n),
    };
  }
}

/** `pods`, `services.serving.knative.dev/status`, … from an API path (names and namespaces dropped). */
export function resourceOfPath(path: string): string {
  const p = (path.split('?')[0] ?? '').split('/').filter(Boolean);
  // /api/v1/... or /apis/<group>/<version>/...
  const group = p[0] === 'apis' ? (p[1] ?? '') : '';
  let rest = p.slice(p[0] === 'apis' ? 3 : 2);
  if (rest[0] === 'namespaces' && rest.length > 2) rest = rest.slice(2);
  const plural = rest[0] ?? '';
  const sub = rest[2];
  return `${plural}${group ? `.${group}` : ''}${sub ? `/${sub}` : ''}`;
}
