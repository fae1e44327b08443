// `control-plane.js controller`: the Serving reconcilers (Service, Configuration, Revision, Route,
// DomainMapping, the routing-state labeler and revision GC) under one leader-elected manager.
//
//   --kubeconfig PATH      else KUBECONFIG, ~/.kube/config, or the in-cluster service account
//   --namespace NS         namespace of the lease and the config-* ConfigMaps (SYSTEM_NAMESPACE, knative-serving)
//   --metrics-port N       /metrics, /healthz, /readyz (METRICS_PORT, 9090; 0 = any free port)
//   --identity ID          lease holder identity (POD_NAME, else the hostname)
//   --lease-name NAME      (kn-ts-controller)
//   --workers N            concurrent reconciles per reconciler (4)
//   --leader-elect=false   lead at once (one replica, tests)
//   --webhook-port N       the defaulting admission webhook's HTTPS port (WEBHOOK_PORT, 8443; off = none)
//   --autoscaler-port N    gateways POST their request statistics here (AUTOSCALER_PORT, 8080; 0 = any free port)
//   --feed-port N          the data-plane feed the broker pods read (FEED_PORT, 9095; off = none; ADR 0031)
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { FEED_PORT } from '../api/eventing/feed.ts';
import { R } from '../api/resources.ts';
import { KubeClient } from '../kube/client.ts';
import { Autoscaler } from './autoscaling/autoscaler.ts';
import { makePodAutoscalerReconciler } from './autoscaling/index.ts';
import { createStatsServer, listenStats } from './autoscaling/stats-server.ts';
import { configurationReconciler } from './configuration/index.ts';
import { makeDomainMappingReconciler } from './domainmapping/reconciler.ts';
import { makeGCReconciler } from './gc/gc.ts';
import { revisionReconciler } from './revision/index.ts';
import { makeLabelerReconciler } from './route/labeler.ts';
import { makeRouteReconciler } from './route/reconciler.ts';
import { makeLogger } from './runtime/log.ts';
import { Manager } from './runtime/manager.ts';
import type { Logger, Reconciler } from './runtime/types.ts';
import { serviceReconciler } from './service/index.ts';
import { DefaultingWebhook } from './webhook/server.ts';
import { FeedServer } from './feed/server.ts';
import { eventingReconcilers } from './eventing.ts';
import { messagingReconcilers } from './messaging/index.ts';
import { sourcesReconcilers } from './sources/index.ts';

export interface ControllerOptions {
  kubeconfig?: string;
  namespace: string;
  metricsPort: number;
  metricsHost?: string;
  identity: string;
  leaseName: string;
  workers: number;
  leaderElect: boolean;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** The defaulting webhook's HTTPS port; undefined = no webhook. */
  webhookPort?: number;
  autoscalerPort?: number;
  /** The data-plane feed's port; undefined = no feed. */
  feedPort?: number;
  /** The KPA's deciders (tests pass their own to feed it). */
  autoscaler?: Autoscaler;
}

export function parseControllerArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ControllerOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: 'string' },
      namespace: { type: 'string' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
      identity: { type: 'string' },
      'lease-name': { type: 'string' },
      workers: { type: 'string' },
      'leader-elect': { type: 'string' },
      'webhook-port': { type: 'string' },
      'autoscaler-port': { type: 'string' },
      'feed-port': { type: 'string' },
    },
    strict: true,
  });
  const num = (v: string | undefined, d: number, what: string) => {
    if (v === undefined || v === '') return d;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a whole number, got "${v}"`);
    return n;
  };
  const webhook = values['webhook-port'] ?? env.WEBHOOK_PORT ?? '8443';
  const feed = values['feed-port'] ?? env.FEED_PORT ?? String(FEED_PORT);
  return {
    ...(feed === 'off' ? {} : { feedPort: num(feed, FEED_PORT, '--feed-port') }),
    ...(webhook === 'off' ? {} : { webhookPort: num(webhook, 8443, '--webhook-port') }),
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    namespace: values.namespace ?? env.SYSTEM_NAMESPACE ?? 'knative-serving',
    metricsPort: num(values['metrics-port'] ?? env.METRICS_PORT, 9090, '--metrics-port'),
    ...(values['metrics-host'] ? { metricsHost: values['metrics-host'] } : {}),
    identity: values.identity ?? env.POD_NAME ?? hostname(),
    leaseName: values['lease-name'] ?? 'kn-ts-controller',
    workers: Math.max(1, num(values.workers, 4, '--workers')),
    leaderElect: (values['leader-elect'] ?? 'true') !== 'false',
    leaseDurationSeconds: num(env.KN_TS_LEASE_DURATION_SECONDS, 15, 'KN_TS_LEASE_DURATION_SECONDS'),
    renewDeadlineMs: num(env.KN_TS_RENEW_DEADLINE_MS, 10_000, 'KN_TS_RENEW_DEADLINE_MS'),
    retryPeriodMs: num(env.KN_TS_RETRY_PERIOD_MS, 2_000, 'KN_TS_RETRY_PERIOD_MS'),
    autoscalerPort: num(values['autoscaler-port'] ?? env.AUTOSCALER_PORT, 8080, '--autoscaler-port'),
  };
}

/**
 * The wiring: every reconciler the controller runs, in one list, built fresh on each call (the
 * Route, DomainMapping and labeler reconcilers keep reference trackers: one Manager, one set). A
 * new reconciler is registered by adding it here.
 */
export function servingReconcilers(autoscaler = new Autoscaler()): Reconciler[] {
  return [
    serviceReconciler,
    configurationReconciler,
    revisionReconciler,
    makeRouteReconciler(),
    makeDomainMappingReconciler(),
    makeLabelerReconciler(),
    makeGCReconciler(),
    makePodAutoscalerReconciler(autoscaler),
  ] as unknown as Reconciler[];
}

/** Starts the defaulting webhook (ADR 0016) on every replica, leader or not. */
export async function startWebhook(o: { namespace: string; webhookPort?: number; webhookHost?: string; webhookIPs?: string[] }, client: KubeClient, log: Logger = makeLogger()): Promise<DefaultingWebhook> {
  const wh = new DefaultingWebhook({ client, log, namespace: o.namespace, port: o.webhookPort ?? 8443, ...(o.webhookHost ? { host: o.webhookHost } : {}), ...(o.webhookIPs ? { ips: o.webhookIPs } : {}) });
  await wh.start();
  return wh;
}

/**
 * Starts the data-plane feed (ADR 0031) from a started manager's informers, when the controller
 * reconciles Brokers or InMemoryChannels; undefined when it reconciles neither.
 */
export async function startFeed(mgr: Manager, client: KubeClient, o: { port: number; host?: string; allowed?: string[] }, log: Logger = makeLogger()): Promise<{ server: FeedServer; port: number } | undefined> {
  const sources = { Broker: mgr.watched(R.Broker), Trigger: mgr.watched(R.Trigger), InMemoryChannel: mgr.watched(R.InMemoryChannel) };
  if (!sources.Broker && !sources.InMemoryChannel) return undefined;
  const server = new FeedServer({ client, sources, log, port: o.port, ...(o.host ? { host: o.host } : {}), ...(o.allowed ? { allowed: o.allowed } : {}) });
  return { server, port: await server.start() };
}

/** Starts a manager (in-process use: tests, benchmarks). */
export async function startController(o: ControllerOptions, client?: KubeClient, log: Logger = makeLogger()): Promise<Manager> {
  const c = client ?? (await KubeClient.connect({ ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}), inCluster: true, userAgent: 'kn-ts-controller' }));
  const sources = await sourcesReconcilers(c, { log });
  const mgr = new Manager({
    client: c,
    reconcilers: [...servingReconcilers(o.autoscaler), ...(await eventingReconcilers(c)), ...(await messagingReconcilers(c)), ...sources.reconcilers],
    log,
    systemNamespace: o.namespace,
    workers: o.workers,
    httpPort: o.metricsPort,
    httpHost: o.metricsHost ?? '0.0.0.0',
    leaderElection: o.leaderElect
      ? {
          name: o.leaseName,
          namespace: o.namespace,
          identity: o.identity,
          ...(o.leaseDurationSeconds ? { leaseDurationSeconds: o.leaseDurationSeconds } : {}),
          ...(o.renewDeadlineMs ? { renewDeadlineMs: o.renewDeadlineMs } : {}),
          ...(o.retryPeriodMs ? { retryPeriodMs: o.retryPeriodMs } : {}),
        }
      : false,
  });
  // Only the leader takes gateway reports and decides (docs/architecture.md, "Autoscaling").
  if (o.autoscaler) o.autoscaler.leading = () => mgr.isLeader;
  await mgr.start();
  // The ping adapter stops with the manager.
  if (sources.scheduler) {
    const stop = mgr.stop.bind(mgr);
    mgr.stop = async () => {
      sources.scheduler?.stopAll();
      await stop();
    };
  }
  return mgr;
}

export async function main(argv: string[]): Promise<void> {
  const log = makeLogger({ name: 'controller' });
  let o: ControllerOptions;
  try {
    o = parseControllerArgs(argv);
  } catch (e) {
    process.stderr.write(`Error: ${(e as Error).message}\n`);
    process.exit(2);
  }
  let mgr: Manager | undefined;
  let webhook: DefaultingWebhook | undefined;
  let feed: FeedServer | undefined;
  let stopping = false;
  const shutdown = (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal: sig }, 'shutting down: finishing in-flight work, releasing the lease');
    const hard = setTimeout(() => process.exit(1), 30_000);
    hard.unref();
    void Promise.all([mgr?.stop(), webhook?.stop(), feed?.stop()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  try {
    const client = await KubeClient.connect({ ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}), inCluster: true, userAgent: 'kn-ts-controller' });
    // The webhook first: the reconcilers' own writes pass through it.
    if (o.webhookPort !== undefined) webhook = await startWebhook(o, client, log.child({ component: 'webhook' }));
    o.autoscaler = new Autoscaler();
    const stats = createStatsServer(o.autoscaler);
    const port = await listenStats(stats, o.autoscalerPort ?? 8080, o.metricsHost ?? '0.0.0.0');
    stats.unref();
    log.info({ port }, 'autoscaler: taking gateway statistics');
    mgr = await startController(o, client, log);
    if (o.feedPort !== undefined) {
      const f = await startFeed(mgr, client, { port: o.feedPort, ...(o.metricsHost ? { host: o.metricsHost } : {}) }, log.child({ component: 'feed' }));
      feed = f?.server;
      if (f) log.info({ port: f.port }, 'feed: serving the broker pods');
    }
    log.info({ identity: o.identity, port: mgr.port, namespace: o.namespace }, 'controller started');
  } catch (e) {
    log.error({ err: e }, 'controller failed to start');
    process.stderr.write(`Error: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
