// The data-plane feed's server (ADR 0031; the protocol: src/api/eventing/feed.ts). Every controller
// replica serves it from the informers it already has (they run on every replica, leader or not),
// on plain HTTP (--feed-port, 9095; Service controller in knative-serving). A broker connection
// gets the snapshot, then each change as the informers see it; a change the broker does not read
// (a status condition) sends nothing. A connection that falls 8 MiB behind (beyond its snapshot) is
// closed: the broker reconnects and takes a fresh snapshot.
import type * as HttpNS from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { BROKER_USER, EVENTTYPES_PATH, encodeFeed, FEED_AUDIENCE, FEED_KINDS, FEED_PATH, FEED_PING_MS, type FeedKind, feedKey, parseObserved, project } from '../../api/eventing/feed.ts';
import { featureOn, parseFeatures } from '../../api/eventing/features.ts';
import { EVENTING_NAMESPACE } from '../../api/eventing/types.ts';
import type { KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { Informer } from '../../kube/informer.ts';
import type { Logger } from '../runtime/types.ts';
import { TokenReviewer } from './auth.ts';
import { EventTypeAutoCreator } from './eventtypes.ts';

// node:http through require, not import (see runtime/manager.ts).
const http = createRequire(import.meta.url)('node:http') as typeof HttpNS;

const MAX_BEHIND = 8 << 20;
const MAX_BODY = 1 << 20;

export type FeedSources = Partial<Record<FeedKind, Informer>>;

export interface FeedServerOptions {
  client: KubeClient;
  /** The informers whose objects the feed carries (a kind the cluster does not serve is left out). */
  sources: FeedSources;
  log: Logger;
  port: number;
  host?: string;
  /** Users that may read the feed (the broker's service account). */
  allowed?: string[];
  pingMs?: number;
  /** How often config-features is read (eventtype-auto-create). */
  featuresMs?: number;
  /** How far a broker's stream may fall behind beyond its snapshot (8 MiB). */
  maxBehindBytes?: number;
}

export class FeedServer {
  private readonly o: FeedServerOptions;
  private readonly server: HttpNS.Server;
  /** Each broker's stream, with how far it may fall behind (8 MiB beyond its snapshot). */
  private readonly streams = new Map<HttpNS.ServerResponse, number>();
  /** The last line sent per object (kind/namespace/name): an unchanged projection is not sent again. */
  private readonly sent = new Map<string, string>();
  private readonly reviewer: TokenReviewer;
  private readonly creator: EventTypeAutoCreator;
  private eventTypeAutoCreate = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(o: FeedServerOptions) {
    this.o = o;
    this.reviewer = new TokenReviewer(o.client, FEED_AUDIENCE, o.allowed ?? [BROKER_USER]);
    this.creator = new EventTypeAutoCreator(o.client, o.log);
    for (const kind of FEED_KINDS) {
      o.sources[kind]?.on({
        add: (x) => this.put(kind, x),
        update: (_old, x) => this.put(kind, x),
        delete: (x) => {
          const key = feedKey(x);
          if (this.sent.delete(`${kind}/${key}`)) this.broadcast(encodeFeed({ op: 'delete', kind, key }));
        },
      });
    }
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<number> {
    await this.readFeatures();
    this.timers = [setInterval(() => this.broadcast(encodeFeed({ op: 'ping' })), this.o.pingMs ?? FEED_PING_MS), setInterval(() => void this.readFeatures(), this.o.featuresMs ?? 10_000)];
    for (const t of this.timers) t.unref();
    return new Promise((res, rej) => this.server.once('error', rej).listen(this.o.port, this.o.host ?? '0.0.0.0', () => res((this.server.address() as AddressInfo).port)));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const s of this.streams.keys()) s.end();
    this.streams.clear();
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    this.server.closeAllConnections();
    await closed;
  }

  private line(kind: FeedKind, obj: KubeObject): { key: string; line: string } {
    return { key: `${kind}/${feedKey(obj)}`, line: encodeFeed({ op: 'put', kind, object: project(kind, obj) }) };
  }

  private put(kind: FeedKind, obj: KubeObject): void {
    const { key, line } = this.line(kind, obj);
    if (this.sent.get(key) === line) return;
    this.sent.set(key, line);
    this.broadcast(line);
  }

  private broadcast(line: string): void {
    for (const s of this.streams.keys()) this.write(s, line);
  }

  private write(s: HttpNS.ServerResponse, chunk: string): void {
    if (!s.write(chunk) && s.writableLength > (this.streams.get(s) ?? 0)) {
      this.o.log.warn({ behind: s.writableLength }, 'feed: a broker fell behind; closing its connection (it reconnects and takes a fresh snapshot)');
      this.streams.delete(s);
      s.destroy();
    }
  }

  private async readFeatures(): Promise<void> {
    try {
      const cm = await this.o.client.find<KubeObject & { data?: Record<string, string> }>(R.ConfigMap, 'config-features', EVENTING_NAMESPACE);
      const on = featureOn(parseFeatures(cm?.data), 'eventtype-auto-create');
      if (on === this.eventTypeAutoCreate) return;
      this.eventTypeAutoCreate = on;
      this.broadcast(encodeFeed({ op: 'features', eventTypeAutoCreate: on }));
    } catch (e) {
      this.o.log.warn({ err: (e as Error).message }, 'feed: config-features not read; eventtype-auto-create keeps its last setting');
    }
  }

  private async handle(req: HttpNS.IncomingMessage, res: HttpNS.ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    const route = path === FEED_PATH ? 'GET' : path === EVENTTYPES_PATH ? 'POST' : undefined;
    if (!route) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    if (req.method !== route) return void res.writeHead(405, { allow: route, 'content-type': 'text/plain' }).end(`use ${route}\n`);
    const v = await this.reviewer.check(req.headers.authorization);
    if (!v.ok) {
      this.o.log.warn({ reason: v.reason, remote: req.socket.remoteAddress }, 'feed: request refused');
      return void res.writeHead(v.status, { 'content-type': 'text/plain' }).end(`${v.reason}\n`);
    }
    if (route === 'POST') return this.observed(req, res);
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.socket?.setNoDelay(true);
    res.socket?.setKeepAlive(true, 30_000);
    const snapshot: string[] = [];
    for (const kind of FEED_KINDS) {
      for (const obj of this.o.sources[kind]?.list() ?? []) {
        const { key, line } = this.line(kind, obj);
        this.sent.set(key, line);
        snapshot.push(line);
      }
    }
    snapshot.push(encodeFeed({ op: 'features', eventTypeAutoCreate: this.eventTypeAutoCreate }), encodeFeed({ op: 'synced' }));
    const all = snapshot.join('');
    this.streams.set(res, (this.o.maxBehindBytes ?? MAX_BEHIND) + Buffer.byteLength(all));
    this.write(res, all);
    this.o.log.info({ user: v.user, remote: req.socket.remoteAddress, objects: snapshot.length - 2 }, 'feed: a broker connected');
    res.on('close', () => this.streams.delete(res));
  }

  private observed(req: HttpNS.IncomingMessage, res: HttpNS.ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
      if (body.length > MAX_BODY) {
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('body over 1 MiB\n');
        req.destroy();
      }
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const o = parseObserved(body);
      if (typeof o === 'string') return void res.writeHead(400, { 'content-type': 'text/plain' }).end(`${o}\n`);
      res.writeHead(202).end();
      if (this.eventTypeAutoCreate) void this.creator.create(o);
    });
  }
}
