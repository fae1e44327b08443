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
  readonly leader = new Gauge({ name: 'kn_ts_leader', help: '1 while this replica holds the lease', registers: [this.registry] });

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }

  queue(name: string): QueueMetrics {
    return {
      add: () => this.adds.inc({ name }),
      retry: () => this.retries.inc({ name }),
      depth: (n) => this.depth.set({ name }, n),
    };
  }
}
