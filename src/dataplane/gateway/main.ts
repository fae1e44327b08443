// `control-plane.js gateway [flags]`: the Kourier-like gateway.
// Informers for KIngresses and EndpointSlices (all namespaces) → routing table (rebuilt, debounced,
// on every change) → two listeners (external: ExternalIP rules; internal: every rule, as Kourier's
// 8080/8081) and an admin port. One leader-elected replica writes KIngress status once every
// replica serves a KIngress's generation. Logs are JSON lines on stdout (log.ts; LOG_LEVEL).
// Memory (docs/adr/0030-gateway-memory.md): the informers cache projections (lean.ts), not whole
// objects; prom-client loads on the first /metrics scrape.
import { hostname } from 'node:os';
import type http from 'node:http';
import type { Registry } from 'prom-client';
import { parseArgs } from 'node:util';
import type { Ingress } from '../../api/networking/types.ts';
import { R } from '../../api/resources.ts';
import { KubeClient } from '../../kube/client.ts';
import { Informer } from '../../kube/informer.ts';
import { LeaderElector } from '../../kube/lease.ts';
import { wireActivation } from './activation-wiring.ts';
import { createAdminServer } from './admin.ts';
import { type Logger, accessLogFromEnv, gatewayLogger } from './log.ts';
import { leanEndpointSlice, leanIngress } from './lean.ts';
import { Gateway } from './proxy.ts';
import { type PeerSource, StatusWriter, endpointSlicePeers, replicaAddresses, staticPeers } from './status.ts';
import { type EndpointSlice, type SplitStats, buildRoutingTable } from './table.ts';

const USAGE = `usage: control-plane.js gateway [flags]
  --port N                 external listener (ExternalIP rules)            [8080]
  --internal-port N        internal listener (all rules; kourier-internal) [8081]
  --admin-port N           /healthz /readyz /metrics /__kn_ts/served        [9000]
  --bind ADDR              address to listen on                             [0.0.0.0]
  --timeout-seconds N      request timeout when the KIngress sets none      [300]
  --hold-timeout-seconds N hold requests for revisions without endpoints   [0 = 503 at once]
  --debounce-ms N          table rebuild debounce                           [50]
  --gateway-namespace NS   namespace of the gateway's Service and Lease     [kourier-system]
  --gateway-service NAME   the Service whose EndpointSlices list replicas   [kourier-internal]
  --peers LIST             admin addresses of all replicas (host:port,...) instead of EndpointSlices
  --no-status              do not write KIngress status
  --no-fast-path           serve every request through node:http + undici (no raw-socket HTTP/1.1 fast path)
  --access-log             one JSON log line per request (also: KN_TS_GATEWAY_ACCESS_LOG=1)
  --autoscaler-url URL     report request statistics to the autoscaler and hold requests for revisions
                           at zero (activation) [$AUTOSCALER_URL; unset: neither]
  --queue-depth N          held requests per revision before 503              [10000]
  --identity NAME          leader-election identity                         [$POD_NAME or hostname]
  --kubeconfig PATH        (default: in-cluster, then $KUBECONFIG)
`;

export interface RunningGateway {
  gateway: Gateway;
  log: Logger;
  servers: http.Server[];
  ports: { external: number; internal: number; admin: number };
  stop(): Promise<void>;
}

function num(v: string | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${v}"`);
  return n;
}

function listen(s: http.Server, port: number, host: string): Promise<number> {
  return new Promise((res, rej) => {
    s.once('error', rej);
    s.listen(port, host, () => {
      s.off('error', rej);
      const a = s.address();
      res(typeof a === 'object' && a ? a.port : port);
    });
  });
}

function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'internal-port': { type: 'string' },
      'admin-port': { type: 'string' },
      bind: { type: 'string' },
      'timeout-seconds': { type: 'string' },
      'hold-timeout-seconds': { type: 'string' },
      'debounce-ms': { type: 'string' },
      'gateway-namespace': { type: 'string' },
      'gateway-service': { type: 'string' },
      peers: { type: 'string' },
      'no-status': { type: 'boolean' },
      'no-fast-path': { type: 'boolean' },
      'access-log': { type: 'boolean' },
      'autoscaler-url': { type: 'string' },
      'queue-depth': { type: 'string' },
      identity: { type: 'string' },
      kubeconfig: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
}

/** Starts the gateway; returns once it listens (the table fills as the informers sync). */
export async function startGateway(argv: string[], log: Logger = gatewayLogger()): Promise<RunningGateway> {
  let parsed;
  try {
    parsed = parseFlags(argv);
  } catch (e) {
    throw new Error(`${(e as Error).message.split('. ')[0]}: see control-plane.js gateway --help`, { cause: e });
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const bind = v.bind ?? '0.0.0.0';
  const defaultTimeoutMs = num(v['timeout-seconds'], 300, 'timeout-seconds') * 1000;
  const debounceMs = num(v['debounce-ms'], 50, 'debounce-ms');
  const gwNamespace = v['gateway-namespace'] ?? 'kourier-system';
  const gwService = v['gateway-service'] ?? 'kourier-internal';
  const adminPortFlag = num(v['admin-port'], 9000, 'admin-port');
  const externalPortFlag = num(v.port, 8080, 'port');
  const internalPortFlag = num(v['internal-port'], 8081, 'internal-port');
  const holdMs = num(v['hold-timeout-seconds'], 0, 'hold-timeout-seconds') * 1000;

  let client: KubeClient;
  try {
    client = await KubeClient.connect({ kubeconfig: v.kubeconfig, inCluster: true, userAgent: 'kn-ts-gateway' });
  } catch (e) {
    throw new Error(`cannot load the Kubernetes configuration (${(e as Error).message}): pass --kubeconfig, or run in a pod with a service account`, { cause: e });
  }
  const stats = new Map<string, SplitStats>();
  // activation (issue #9): with an autoscaler, hold requests for revisions at zero and report statistics.
  const autoscalerUrl = v['autoscaler-url'] ?? process.env.AUTOSCALER_URL;
  const { activator, reporter } = autoscalerUrl
    ? wireActivation({ url: autoscalerUrl, stats, gateway: v.identity ?? process.env.POD_NAME ?? `${hostname()}-${process.pid}`, queueDepth: num(v['queue-depth'], 10_000, 'queue-depth') })
    : { activator: undefined, reporter: undefined };
  const gateway = new Gateway({ holdTimeoutMs: holdMs, fastPath: !v['no-fast-path'], log, accessLog: v['access-log'] === true || accessLogFromEnv(), activator });
  const ingresses = new Informer<Ingress>(client, R.Ingress, { transform: leanIngress });
  const slices = new Informer<EndpointSlice>(client, R.EndpointSlice, { transform: leanEndpointSlice });
  const logError = (what: string) => (e: unknown) => log.warn({ err: e }, `${what}: ${(e as Error)?.message ?? String(e)}; retrying`);
  ingresses.onError = logError('KIngress informer');
  slices.onError = logError('EndpointSlice informer');

  let synced = false;
  let statusWriter: StatusWriter | undefined;
  let conflicts = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  const rebuild = () => {
    timer = undefined;
    const t = buildRoutingTable(ingresses.list(), slices.list(), { defaultTimeoutMs, stats });
    const c = new Map<string, string>();
    for (const [host, ids] of t.conflicts)
      for (const id of ids.slice(1)) c.set(id, `Ingress rejected: host "${host}" is already served by ${ids[0]}`);
    conflicts = c;
    gateway.setTable(t);
    gateway.setReplicas(selfAddress, replicaAddresses(slices.list(gwNamespace), gwNamespace, gwService, ports.internal));
    statusWriter?.kick();
  };
  const changed = () => {
    if (!synced || timer) return;
    timer = setTimeout(rebuild, debounceMs);
  };
  for (const inf of [ingresses, slices] as Informer[]) inf.on({ add: changed, update: changed, delete: changed });

  // This replica's internal listener as the other replicas reach it (the breaker owners, owners.ts).
  let selfAddress: string | undefined;
  let registry: Promise<Registry> | undefined;
  const metrics = () => (registry ??= import('./metrics.ts').then((m) => m.gatewayMetrics(stats, gateway).registry));
  const external = gateway.createServer('external');
  const internal = gateway.createServer('internal');
  const admin = createAdminServer(gateway, metrics, () => synced);
  const ports = {
    external: await listen(external, externalPortFlag, bind),
    internal: await listen(internal, internalPortFlag, bind),
    admin: await listen(admin, adminPortFlag, bind),
  };

  const podIP = process.env.POD_IP;
  if (podIP) selfAddress = podIP.includes(':') ? `[${podIP}]:${ports.internal}` : `${podIP}:${ports.internal}`;

  await Promise.all([ingresses.start(), slices.start()]);
  synced = true;
  rebuild();

  let elector: LeaderElector | undefined;
  if (!v['no-status']) {
    const peers: PeerSource = v.peers
      ? staticPeers(v.peers.split(',').map((s) => s.trim()).filter(Boolean))
      : endpointSlicePeers(() => slices.list(gwNamespace), gwNamespace, gwService, ports.admin);
    statusWriter = new StatusWriter({
      client,
      ingresses: () => ingresses.list(),
      peers,
      conflicts: () => conflicts,
      onError: logError('KIngress status'),
    });
    const sw = statusWriter;
    elector = new LeaderElector(client, {
      name: 'kn-ts-gateway-status',
      namespace: gwNamespace,
      identity: v.identity ?? process.env.POD_NAME ?? `${hostname()}-${process.pid}`,
      onStartedLeading: () => sw.start(),
      onStoppedLeading: () => sw.stop(),
    });
    elector.start();
  }

  return {
    gateway,
    log,
    servers: [external, internal, admin],
    ports,
    async stop() {
      clearTimeout(timer);
      reporter?.stop();
      statusWriter?.stop();
      await elector?.stop();
      ingresses.stop();
      slices.stop();
      gateway.close();
      for (const s of [external, internal, admin]) {
        s.close();
        s.closeAllConnections();
      }
    },
  };
}

export async function main(argv: string[]): Promise<void> {
  const log = gatewayLogger();
  let g: RunningGateway;
  try {
    g = await startGateway(argv, log);
  } catch (e) {
    // Bad flags or configuration: one line, no stack (as every kn-ts command).
    process.stderr.write(`Error: ${(e as Error).message}\n`);
    // Listeners that did open must not keep a half-started gateway alive.
    process.exit(1);
  }
  process.on('uncaughtException', (e) => {
    log.fatal({ err: e }, `uncaught exception: ${e.message}`);
    process.exit(1);
  });
  log.info({ ports: g.ports, accessLog: g.gateway.accessLogOn }, `listening on :${g.ports.external} (external), :${g.ports.internal} (internal), :${g.ports.admin} (admin)`);
  const shutdown = () => {
    log.info({}, 'shutting down');
    void g.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
