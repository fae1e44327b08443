// Prometheus metrics of the gateway. The hot path only bumps plain integers on the split's
// SplitStats; prom-client reads them at scrape time (collect), so a request costs no label lookups.
// in_flight per revision is what an autoscaler scrapes for concurrency.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Gateway } from './proxy.ts';
import type { SplitStats } from './table.ts';

export interface GatewayMetrics {
  registry: Registry;
}

export function gatewayMetrics(stats: Map<string, SplitStats>, gw: Gateway, o: { defaults?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (o.defaults !== false) collectDefaultMetrics({ register: registry, prefix: 'kn_ts_gateway_' });
  new Gauge({
    name: 'kn_ts_gateway_revision_in_flight_requests',
    help: 'Requests (and open WebSockets) currently proxied to a revision',
    labelNames: ['namespace', 'revision'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of stats.values()) this.set({ namespace: s.namespace, revision: s.revision }, s.inFlight);
    },
  });
  new Counter({
    name: 'kn_ts_gateway_revision_requests_total',
    help: 'Requests proxied to a revision since the gateway started',
    labelNames: ['namespace', 'revision'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of stats.values()) if (s.requests > 0) this.inc({ namespace: s.namespace, revision: s.revision }, s.requests);
    },
  });
  new Gauge({
    name: 'kn_ts_gateway_held_requests',
    help: 'Requests waiting for a revision with no ready endpoints',
    registers: [registry],
    collect() {
      this.set(gw.heldCount);
    },
  });
  new Gauge({
    name: 'kn_ts_gateway_routing_hosts',
    help: 'Hosts in the routing table',
    registers: [registry],
    collect() {
      this.set(gw.routingTable.hosts.size);
    },
  });
  return { registry };
}
