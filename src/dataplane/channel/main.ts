// The InMemoryChannel dispatcher, started inside the broker process (`control-plane.js broker`,
// --channel-port, default 8081; Service imc-dispatcher port 80). It is a second instance of the
// broker's engine (fan-out, retries, backoff, dead-letter sink, replies: ADR 0018) fed with
// InMemoryChannels instead of Brokers, behind the broker's own ingress handler: a request for
// Host `<name>-kn-channel.<ns>.svc.cluster.local` (path "/") or for the path `/<ns>/<name>` is the
// channel's (ADR 0022).
import type httpTypes from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { channelKeyOf, type InMemoryChannel } from '../../api/messaging/types.ts';
import type { FeedClient } from '../broker/feed-client.ts';
import { Engine, type EngineOptions } from '../broker/dispatcher.ts';
import { loadObjects } from '../broker/config-file.ts';
import { FastIngress, brokerKeyOf } from '../broker/fast-ingress.ts';
import { ingressHandler } from '../broker/server.ts';
import { buildChannelTable } from './table.ts';

export interface ChannelDispatcher {
  engine: Engine;
  port: number;
  stop(): Promise<void>;
}

export interface ChannelOptions {
  bind: string;
  port: number;
  engine: Partial<EngineOptions>;
  /** Read InMemoryChannels from the controller's feed (the broker's; ADR 0031) … */
  feed?: FeedClient;
  /** … or from this YAML file (tests, benchmarks; SIGHUP reloads). */
  file?: string;
  /** Plain event POSTs on the raw socket (the broker's fast-ingress.ts; default on, --no-fast-path turns it off). */
  fastPath?: boolean;
  log: (o: object, msg: string) => void;
}

export function loadChannels(file: string): InMemoryChannel[] {
  return loadObjects(file).filter((o) => o.kind === 'InMemoryChannel') as InMemoryChannel[];
}

// node:http through require, as in the broker's main.ts: its ESM wrapper loads node's internal undici.
const http = createRequire(import.meta.url)('node:http') as typeof httpTypes;

/**
 * The fast ingress's key of a request, as channelKeyOf reads it (path `/<ns>/<name>`, or Host
 * `<name>-kn-channel.<ns>.svc…` on `/`), or undefined for what channelHandler answers itself (a bad
 * path, an unknown host, a reply queue's key).
 */
export function channelFastKey(url: string, host: string | undefined): string | undefined {
  const key = url === '/' ? channelKeyOf(host, url) : brokerKeyOf(url);
  return key === undefined || key.startsWith('!') || key.startsWith('host:') ? undefined : key;
}

/** The front door: Host or path → the broker ingress's `/<ns>/<name>` request line. */
export function channelHandler(engine: Engine, log: ChannelOptions['log']): httpTypes.RequestListener {
  const ingress = ingressHandler(engine, log);
  return (req, res) => {
    if (req.method === 'POST') {
      const key = channelKeyOf(req.headers.host, req.url ?? '/');
      if (!key || key.startsWith('!')) {
        req.resume();
        res.writeHead(400, { 'content-length': '0' });
        return void res.end();
      }
      // An unknown host becomes a path the engine does not know: 404.
      req.url = key.startsWith('host:') ? '/unknown/channel' : `/${key}`;
    }
    ingress(req, res);
  };
}

export async function startChannels(o: ChannelOptions): Promise<ChannelDispatcher> {
  const engine = new Engine(o.engine);
  const ingest = (key: string, ev: Parameters<Engine['ingest']>[1]) => engine.ingest(key, ev);
  const stops: (() => void)[] = [];
  if (o.file) {
    const file = o.file;
    const load = () => engine.setTable(buildChannelTable(loadChannels(file), ingest));
    load();
    const onHup = () => {
      try {
        load();
      } catch (e) {
        o.log({ err: (e as Error).message }, 'channels not reloaded');
      }
    };
    process.on('SIGHUP', onHup);
    stops.push(() => process.off('SIGHUP', onHup));
  } else if (o.feed) {
    const feed = o.feed;
    feed.onChange(() => engine.setTable(buildChannelTable(feed.mirror.list<InMemoryChannel>('InMemoryChannel'), ingest)));
    // EventTypes for what a channel accepts, behind config-features' eventtype-auto-create, as the
    // broker does (reference and owner: the InMemoryChannel).
    engine.onAccepted = (key, attrs) => {
      if (!feed.mirror.eventTypeAutoCreate || key.startsWith('!')) return; // off by default: then no lookup per event
      const imc = feed.mirror.get<InMemoryChannel>('InMemoryChannel', key);
      if (imc) feed.observe({ kind: 'InMemoryChannel', apiVersion: 'messaging.knative.dev/v1', name: imc.metadata.name ?? '', namespace: imc.metadata.namespace ?? '', uid: imc.metadata.uid ?? '' }, attrs);
    };
  }
  const server = http.createServer({ keepAliveTimeout: 65_000 }, channelHandler(engine, o.log));
  const fast = o.fastPath === false ? undefined : new FastIngress(engine, o.log, channelFastKey);
  fast?.attach(server);
  const port = await new Promise<number>((res, rej) => server.once('error', rej).listen(o.port, o.bind, () => res((server.address() as AddressInfo).port)));
  return {
    engine,
    port,
    async stop() {
      fast?.close();
      for (const s of stops) s();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await engine.close();
    },
  };
}

/** The broker command's hook: the channels of --config FILE, or of the controller's feed. */
export async function startChannelsFor(values: { config?: string }, o: Omit<ChannelOptions, 'feed' | 'file'>, feed: FeedClient | undefined): Promise<ChannelDispatcher | undefined> {
  if (values.config) return startChannels({ ...o, file: values.config });
  if (feed) return startChannels({ ...o, feed });
  return undefined;
}
