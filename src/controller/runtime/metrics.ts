// Prometheus metrics of the controller (prom-client), on a registry of its own so that several
// controllers can live in one process (tests). Names and labels are the ones client-go and
// controller-runtime export, so community dashboards read them unchanged:
//   workqueue_{depth,adds_total,queue_duration_seconds,work_duration_seconds,retries_total}{name}
//   controller_runtime_reconcile_total{controller,result}, controller_runtime_reconcile_errors_total{controller},
//   controller_runtime_reconcile_time_seconds{controller}
//   rest_client_requests_total{code,method,host}, rest_client_request_duration_seconds{verb,host}
//   leader_election_master_status{name}
// plus kn_ts_rest_client_requests_by_resource_total{method,resource,code} (bench/reconcile counts
// requests per resource with it).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueMetrics } from './queue.ts';

/** controller-runtime's reconcile results. */
export type ReconcileResult = 'success' | 'error' | 'requeue_after';

const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class ControllerMetrics {
  readonly registry = new Registry();
  readonly depth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'], registers: [this.registry] });
  readonly adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers: [this.registry] });
  readonly retries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers: [this.registry] });
  readonly queueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes',
    labelNames: ['name'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly reconciles = new Counter({ name: 'controller_runtime_reconcile_total', help: 'Total number of reconciliations per controller', labelNames: ['controller', 'result'], registers: [this.registry] });
  readonly errors = new Counter({ name: 'controller_runtime_reconcile_errors_total', help: 'Total number of reconciliation errors per controller', labelNames: ['controller'], registers: [this.registry] });
  readonly reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly requests = new Counter({ name: 'rest_client_requests_total', help: 'Number of HTTP requests, partitioned by status code, method, and host', labelNames: ['code', 'method', 'host'], registers: [this.registry] });
  readonly requestLatency = new Histogram({
    name: 'rest_client_request_duration_seconds',
    help: 'Request latency in seconds, by verb and host (watches excluded)',
    labelNames: ['verb', 'host'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly requestsByResource = new Counter({
    name: 'kn_ts_rest_client_requests_by_resource_total',
    help: 'Requests to the API server by method, resource and status code (watches excluded)',
    labelNames: ['method', 'resource', 'code'],
    registers: [this.registry],
  });
  readonly leader = new Gauge({ name: 'leader_election_master_status', help: '1 while this replica holds the lease named name, else 0', labelNames: ['name'], registers: [this.registry] });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }

  /** Records one API request (KubeClient.onRequest); host is the API server's host:port. */
  request(host: string, method: string, path: string, status: number, ms: number): void {
    const code = String(status);
    this.requests.inc({ code, method, host });
    this.requestLatency.observe({ verb: method, host }, ms / 1000);
    this.requestsByResource.inc({ method, resource: resourceOfPath(path), code });
  }

  /** One reconcile of controller ended with result after seconds. */
  reconciled(controller: string, result: ReconcileResult, seconds: number): void {
    this.reconciles.inc({ controller, result });
    if (result === 'error') this.errors.inc({ controller });
    this.reconcileTime.observe({ controller }, seconds);
  }

  queue(name: string): QueueMetrics {
    return {
      add: () => this.adds.inc({ name }),
      retry: () => this.retries.inc({ name }),
      depth: (n) => this.depth.set({ name }, n),
      queued: (s) => this.queueDuration.observe({ name }, s),
      worked: (s) => this.workDuration.observe({ name }, s),
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
