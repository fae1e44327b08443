// The InMemoryChannel dispatcher, started inside the broker process (`control-plane.js broker`,
// --channel-port, default 8081; Service imc-dispatcher port 80). It is a second instance of the
// broker's engine (fan-out, retries, backoff, dead-letter sink, replies: ADR 0018) fed with
// InMemoryChannels instead of Brokers, behind the broker's own ingress handler: a request for
// Host `<name>-kn-channel.<ns>.svc.cluster.local` (path "/") or for the path `/<ns>/<name>` is the
// channel's (ADR 0022).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAllDocuments } from 'yaml';
import { channelKeyOf, type InMemoryChannel } from '../../api/messaging/types.ts';
import type { KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import type { KubeClient } from '../../kube/client.ts';
import { Engine, type EngineOptions } from '../broker/dispatcher.ts';
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
  /** Read InMemoryChannels from the cluster … */
  client?: KubeClient;
  /** … or from this YAML file (tests, benchmarks; SIGHUP reloads). */
  file?: string;
  log: (o: object, msg: string) => void;
}

export function loadChannels(file: string): InMemoryChannel[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJSON() as KubeObject | null).filter((o): o is KubeObject => !!o);
  const items = docs.flatMap((d) => (d.kind === 'List' ? ((d as { items?: KubeObject[] }).items ?? []) : [d]));
  return items.filter((o) => o.kind === 'InMemoryChannel') as InMemoryChannel[];
}

/** The front door: Host or path → the broker ingress's `/<ns>/<name>` request line. */
export function channelHandler(engine: Engine, log: ChannelOptions['log']): http.RequestListener {
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
  } else if (o.client) {
    const { Informer, leanObject } = await import('../../kube/informer.ts');
    const imcs = new Informer<InMemoryChannel>(o.client, R.InMemoryChannel, { transform: leanObject({ dropLastApplied: true }) });
    let scheduled = false;
    const rebuild = () => {
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(() => {
        scheduled = false;
        engine.setTable(buildChannelTable(imcs.list(), ingest));
      });
    };
    imcs.onError = (e) => o.log({ err: String((e as Error)?.message ?? e), resource: 'inmemorychannels' }, 'informer error; retrying');
    imcs.on({ add: rebuild, update: rebuild, delete: rebuild });
    await imcs.start();
    rebuild();
    stops.push(() => imcs.stop());
  }
  const server = http.createServer({ keepAliveTimeout: 65_000 }, channelHandler(engine, o.log));
  const port = await new Promise<number>((res, rej) => server.once('error', rej).listen(o.port, o.bind, () => res((server.address() as AddressInfo).port)));
  return {
    engine,
    port,
    async stop() {
      for (const s of stops) s();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await engine.close();
    },
  };
}

/** Whether the cluster serves InMemoryChannels (a cluster without the messaging CRDs runs no dispatcher). */
export async function servesChannels(client: KubeClient): Promise<boolean> {
  try {
    const list = await client.raw<{ resources?: { name: string }[] }>('GET', '/apis/messaging.knative.dev/v1');
    return (list.resources ?? []).some((r) => r.name === 'inmemorychannels');
  } catch {
    return false;
  }
}

/** The broker command's hook: the channels of --config FILE, or of the cluster when it serves InMemoryChannels. */
export async function startChannelsFor(values: { config?: string }, o: Omit<ChannelOptions, 'client' | 'file'>, client: KubeClient | undefined): Promise<ChannelDispatcher | undefined> {
  if (values.config) return startChannels({ ...o, file: values.config });
  if (client && (await servesChannels(client))) return startChannels({ ...o, client });
  return undefined;
}
