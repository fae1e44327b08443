// `control-plane.js broker`: the in-memory broker, one process for every Broker of the cluster
// (class MTChannelBasedBroker). It reads Brokers, Triggers and InMemoryChannels from the
// controller's data-plane feed (ADR 0031: no API server connection, no TLS, no API credentials), or
// with --config FILE from a YAML file of Broker and Trigger objects (tests, benchmarks; SIGHUP reloads).
//
//   --feed URL            the controller's feed (http://controller.knative-serving.svc.cluster.local:9095)
//   --feed-token FILE     the projected service account token it is read with (/var/run/secrets/kn-ts/feed/token)
//   --config FILE         serve the Brokers/Triggers in FILE (YAML, or JSON if it ends in .json) instead of reading the cluster
//   --bind ADDR           (0.0.0.0)
//   --port N              ingress (8080; 0 = any free port)
//   --admin-port N        /healthz /readyz /metrics /tail (9092; 0 = any free port)
//   --max-bytes N         bytes of events held at once (33554432)
//   --max-pending N       deliveries pending per Trigger (10000)
//   --concurrency N       requests in flight per Trigger (100)
//   --no-fast-path        serve every ingress (and channel) request through node:http (fast-ingress.ts is on by default)
//   --channel-port N      the InMemoryChannel dispatcher (8081, or any free port when --port is 0; src/dataplane/channel/)
// On start (with the feed: once its first snapshot has arrived) it prints one JSON line with the ports it listens on.
import type httpTypes from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type * as utilTypes from 'node:util';
import type { Broker, Trigger } from '../../api/eventing/types.ts';
import { FEED_TOKEN_FILE, FEED_URL } from '../../api/eventing/feed.ts';
import type { ChannelDispatcher } from '../channel/main.ts';
import type { FeedClient } from './feed-client.ts';
import { channelMetricLines } from '../channel/metrics.ts';
import { loadObjects } from './config-file.ts';
import { Engine } from './dispatcher.ts';
import { FastIngress } from './fast-ingress.ts';
import { adminHandler, ingressHandler } from './server.ts';
import { buildTable } from './table.ts';

// node:http and node:util through require: their ESM wrappers evaluate every export, which loads
// node's internal undici (≈ 11 MiB of RSS the broker never uses) and util's diff and colour
// helpers (≈ 1.4 MiB).
const require = createRequire(import.meta.url);
const http = require('node:http') as typeof httpTypes;
const { parseArgs } = require('node:util') as typeof utilTypes;

export interface BrokerProcess {
  engine: Engine;
  port: number;
  adminPort: number;
  /** The InMemoryChannel dispatcher, when the cluster serves InMemoryChannels (or with --config). */
  channels: ChannelDispatcher | undefined;
  stop(): Promise<void>;
}

function loadFile(file: string): { brokers: Broker[]; triggers: Trigger[] } {
  const items = loadObjects(file);
  return { brokers: items.filter((o) => o.kind === 'Broker') as Broker[], triggers: items.filter((o) => o.kind === 'Trigger') as Trigger[] };
}

export async function startBroker(argv: string[]): Promise<BrokerProcess> {
  const { values } = parseArgs({
    args: argv,
    options: {
      feed: { type: 'string' },
      'feed-token': { type: 'string' },
      config: { type: 'string' },
      bind: { type: 'string' },
      port: { type: 'string' },
      'admin-port': { type: 'string' },
      'max-bytes': { type: 'string' },
      'max-pending': { type: 'string' },
      concurrency: { type: 'string' },
      'no-fast-path': { type: 'boolean' },
      'channel-port': { type: 'string' },
    },
    strict: true,
  });
  const num = (v: string | undefined, d: number, what: string) => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a whole number, got "${v}"`);
    return n;
  };
  const engine = new Engine({
    maxBytes: num(values['max-bytes'], 32 << 20, '--max-bytes'),
    maxPending: num(values['max-pending'], 10_000, '--max-pending'),
    concurrency: Math.max(1, num(values.concurrency, 100, '--concurrency')),
  });
  const log = (o: object, msg: string) => process.stderr.write(`${JSON.stringify({ level: 'info', time: new Date().toISOString(), ...o, msg })}\n`);
  let ready = false;
  const stops: (() => void)[] = [];
  let feed: FeedClient | undefined;
  let channels: ChannelDispatcher | undefined;
  if (values.config) {
    const file = values.config;
    const load = () => {
      const { brokers, triggers } = loadFile(file);
      engine.setTable(buildTable(brokers, triggers));
      log({ brokers: brokers.length, triggers: triggers.length }, 'configuration loaded');
    };
    load();
    const onHup = () => {
      try {
        load();
      } catch (e) {
        log({ err: (e as Error).message }, 'configuration not reloaded');
      }
    };
    process.on('SIGHUP', onHup);
    stops.push(() => process.off('SIGHUP', onHup));
    ready = true;
  } else {
    // The cluster's Brokers, Triggers and InMemoryChannels come from the controller's feed (ADR 0031).
    const { FeedClient } = await import('./feed-client.ts');
    const { brokerAddressable } = await import('../../api/eventing/eventtype-auto.ts');
    const f = new FeedClient({ url: values.feed ?? FEED_URL, tokenFile: values['feed-token'] ?? FEED_TOKEN_FILE, log });
    feed = f;
    f.onChange(() => engine.setTable(buildTable(f.mirror.list<Broker>('Broker'), f.mirror.list<Trigger>('Trigger'))));
    // The flag first: it is off by default, and then an accepted event costs no Broker lookup.
    engine.onAccepted = (key, attrs) => {
      if (!f.mirror.eventTypeAutoCreate) return;
      const b = f.mirror.get<Broker>('Broker', key);
      if (b) f.observe(brokerAddressable(b), attrs);
    };
    engine.onReply = (route, attrs) => {
      if (f.mirror.eventTypeAutoCreate) f.observe({ kind: 'Trigger', name: route.name, namespace: route.namespace, uid: route.uid }, attrs);
    };
    stops.push(() => f.stop());
  }
  const bind = values.bind ?? '0.0.0.0';
  const ingress = http.createServer({ keepAliveTimeout: 65_000 }, ingressHandler(engine, log));
  const fast = values['no-fast-path'] ? undefined : new FastIngress(engine, log);
  fast?.attach(ingress);
  const metrics = async () => {
    const s = engine.stats;
    const lines = Object.entries(s).map(([k, v]) => `kn_ts_broker_events_${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_total ${v}`);
    lines.push(`kn_ts_broker_pending_deliveries ${engine.pending}`, `kn_ts_broker_held_bytes ${engine.bytes}`);
    if (channels) lines.push(...channelMetricLines(channels.engine));
    return `${lines.join('\n')}\n`;
  };
  const admin = http.createServer(adminHandler(engine, () => ready, metrics));
  const listen = (s: httpTypes.Server, port: number) => new Promise<number>((res, rej) => s.once('error', rej).listen(port, bind, () => res((s.address() as AddressInfo).port)));
  const port = await listen(ingress, num(values.port, 8080, '--port'));
  const adminPort = await listen(admin, num(values['admin-port'], 9092, '--admin-port'));
  channels = await (await import('../channel/main.ts')).startChannelsFor(values, { bind, port: num(values['channel-port'], values.port === '0' ? 0 : 8081, '--channel-port'), engine: engine.o, log, fastPath: !values['no-fast-path'] }, feed);
  if (feed) {
    // Ready, and started, once the feed's first snapshot is in: until then every Broker would be unknown.
    await feed.start();
    ready = true;
  }
  return {
    engine,
    port,
    adminPort,
    channels,
    async stop() {
      ready = false;
      fast?.close();
      const c = channels;
      channels = undefined;
      await c?.stop();
      for (const s of stops) s();
      await new Promise<void>((r) => ingress.close(() => r()));
      ingress.closeAllConnections();
      admin.closeAllConnections();
      await new Promise<void>((r) => admin.close(() => r()));
      await engine.close();
    },
  };
}

export async function main(argv: string[]): Promise<void> {
  let p: BrokerProcess;
  try {
    p = await startBroker(argv);
  } catch (e) {
    process.stderr.write(`Error: ${(e as Error).message}\n`);
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify({ msg: 'broker started', port: p.port, adminPort: p.adminPort, ...(p.channels ? { channelPort: p.channels.port } : {}) })}\n`);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    const hard = setTimeout(() => process.exit(1), 10_000);
    hard.unref();
    void p.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
