// The gateway: route a request by Host (and path prefix, header matches) through the current
// RoutingTable, pick a weighted split and one of its endpoints round-robin, and proxy it with
// streaming in both directions.
//
// Entry points: `new Gateway(options)`, `createServer(listener)` (an http.Server per listener),
// `setTable(table)` (on every informer change), `close()`. Where a request goes:
//   fast.ts            plain HTTP/1.1 requests, on raw sockets (request-head.ts, fast-upstream.ts,
//                      chunked.ts); everything else is handed to node:http on the same socket:
//   node:http server → handle(): resolve → forward (node-upstream.ts: undici Pool for HTTP/1.1,
//                      one HTTP/2 session per h2c endpoint), or hold (hold.ts) while the revision
//                      has no ready endpoint;
//                      upgrades → upgrade.ts.
// Header rules of both paths (hop-by-hop, X-Forwarded-*, the split's headers): headers.ts.
//
// Hot path rules: no logging per request unless the access log is on, no regexes, no per-request
// Maps; header lists are built once per request as flat arrays (the rawHeaders format node accepts).
import type * as Http from 'node:http';
import { http } from './node-http.ts';
import type { Duplex } from 'node:stream';
import { FastPath } from './fast.ts';
import type { Activator, HeldRequest } from './activator.ts'; // activation (issue #9)
import { Holder } from './hold.ts';
import { AccessLog, type Logger } from './log.ts';
import { NodeForwarder } from './node-upstream.ts';
import { BREAKER_HOP, BreakerOwners } from './owners.ts';
import { plain } from './replies.ts';
import { HASH_HEADER, HASH_OVERRIDE } from '../../api/networking/hash.ts';
import { type Incoming, type Listener, type Resolved, headerValue, hostOf, matches, pickSplit } from './routing.ts';
import type { HostRoutes, RoutePath, RoutingTable, Split, SplitStats, Upstream } from './table.ts';
import { emptyTable, normalizeHost } from './table.ts';
import { Tunnels } from './upgrade.ts';

export type { Listener } from './routing.ts';

export interface GatewayOptions {
  /**
   * How long a request for a split with no ready endpoint waits for endpoints to appear before it
   * gets a 503. 0: answer 503 at once.
   */
  holdTimeoutMs?: number;
  /** Called when a request is held for a split with no endpoints (e.g. to poke the autoscaler). */
  onHold?(split: Split): void;
  /** Upper bound of pooled HTTP/1.1 connections per upstream endpoint. */
  maxSocketsPerEndpoint?: number;
  /**
   * Serve plain HTTP/1.1 requests on the raw-socket fast path (fast.ts) in front of node:http, with
   * its own upstream connection pool; everything else still goes through node:http and undici.
   * Default true (≈ half the CPU per request, see bench/gateway/README.md).
   */
  fastPath?: boolean;
  /** Where the gateway logs (default: nothing). */
  log?: Logger;
  /** One log line per answered request (log.ts), through `log`. Default false. */
  accessLog?: boolean;
  /** activation (issue #9): holds requests for revisions without ready endpoints (activator.ts); replaces holdTimeoutMs. */
  activator?: Activator;
}

export class Gateway {
  private table: RoutingTable = emptyTable();
  /** Raw Host header → routes (or null: unknown host), for the current table; saves lower-casing per request. */
  private hostCache = new Map<string, HostRoutes | null>();
  private readonly forwarder: NodeForwarder;
  private readonly holder: Holder;
  private readonly tunnels = new Tunnels();
  private readonly fast: FastPath | undefined;
  private readonly activator: Activator | undefined; // activation (issue #9)
  private readonly log: Logger | undefined;
  private readonly access: AccessLog | undefined;
  /** The split each node:http response went to (kept only with the access log on). */
  private readonly splitOf = new WeakMap<Http.ServerResponse, Split>();
  /** Which replica runs each revision's breaker (owners.ts). */
  private readonly owners = new BreakerOwners();
  /** Requests handed to another replica's breaker: counted there, not here. */
  private readonly hopStats: SplitStats = { namespace: '', revision: '', inFlight: 0, requests: 0 };

  constructor(o: GatewayOptions = {}) {
    const maxSockets = o.maxSocketsPerEndpoint ?? 1024;
    this.activator = o.activator; // activation (issue #9)
    this.log = o.log;
    this.access = o.accessLog && o.log ? new AccessLog(o.log) : undefined;
    this.forwarder = new NodeForwarder(maxSockets);
    this.holder = new Holder({ timeoutMs: o.holdTimeoutMs ?? 0, onHold: o.onHold, dispatch: (req, res, listener, deadline) => this.handle(req, res, listener, deadline) });
    this.fast = (o.fastPath ?? true) ? new FastPath(this, maxSockets, this.access) : undefined;
  }

  /** The fast path's counters (requests served there, connections handed to node:http), when it is on. */
  get fastPathCounts(): { served: number; handedOver: number } | undefined {
    return this.fast?.counts;
  }

  /** Whether the access log is on. */
  get accessLogOn(): boolean {
    return this.access !== undefined;
  }

  /** Requests currently held (all revisions). */
  get heldCount(): number {
    return this.holder.count;
  }

  get routingTable(): RoutingTable {
    return this.table;
  }

  /** Swaps the table atomically; requests in flight keep the split they picked. */
  setTable(t: RoutingTable): void {
    this.table = t;
    this.hostCache = new Map();
    this.activator?.onTable(t); // activation (issue #9)
    this.holder.release(t);
    this.dropUnusedPools();
  }

  /** Pools of endpoints the table no longer names close gracefully (requests in flight finish). */
  private dropUnusedPools(): void {
    const live = new Set<string>();
    const visit = (hr: HostRoutes | undefined) => {
      if (!hr) return;
      for (const p of hr.internal) for (const s of p.splits) for (const e of s.endpoints) live.add(`${e.host}:${e.port}`);
    };
    for (const hr of this.table.hosts.values()) visit(hr);
    visit(this.table.wildcard);
    for (const a of this.owners.addresses()) live.add(a); // the hops to other replicas' breakers
    this.fast?.dropPools(live);
    this.forwarder.dropPools(live);
  }

  /** An Http.Server for one listener: 'external' serves ExternalIP rules, 'internal' every rule. */
  createServer(listener: Listener): Http.Server {
    const s = http.createServer(
      {
        keepAliveTimeout: 65_000,
        headersTimeout: 66_000,
        requestTimeout: 0,
        // A request without Content-Length/Transfer-Encoding gets an already-ended body stream: no
        // stream events to schedule or drain per request (measured ≈ 8 % less CPU per request).
        optimizeEmptyRequests: true,
      },
      (req, res) => {
        if (this.access) this.logAccess(req, res);
        this.handle(req, res, listener, 0);
      },
    );
    s.on('upgrade', (req: Http.IncomingMessage, socket: Duplex, head: Buffer) => this.tunnels.proxy(req, socket, head, this.resolve(req, listener)));
    s.on('clientError', (e: NodeJS.ErrnoException, socket: Duplex) => {
      // A client's problem, not the gateway's: debug level (scanners would flood warn).
      this.log?.debug({ err: e, remote: (socket as { remoteAddress?: string }).remoteAddress }, 'bad request from a client');
      // As node's default handler: 431 for a head over the size limit, else 400.
      const status = e.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
      else socket.destroy();
    });
    this.fast?.attach(s, listener);
    return s;
  }

  close(): void {
    this.activator?.close(); // activation (issue #9)
    this.holder.close();
    this.forwarder.close();
    this.tunnels.close();
    this.fast?.close();
  }

  // --- routing ------------------------------------------------------------------------------

  private routes(host: string | undefined, listener: Listener): RoutePath[] | undefined {
    if (host === undefined) return undefined;
    let hr = this.hostCache.get(host);
    if (hr === undefined) {
      const t = this.table;
      hr = t.hosts.get(normalizeHost(host)) ?? t.wildcard ?? null;
      // Bounded: a client sending random Host headers cannot grow it without limit.
      if (this.hostCache.size >= 4096) this.hostCache.clear();
      this.hostCache.set(host, hr);
    }
    if (!hr) return undefined;
    return listener === 'external' ? hr.external : hr.internal;
  }

  private route(req: Incoming, host: string | undefined, listener: Listener): RoutePath | undefined {
    const paths = this.routes(host, listener);
    if (!paths) return undefined;
    const url = req.url ?? '/';
    for (let i = 0; i < paths.length; i++) if (matches(paths[i]!, req, url)) return paths[i];
    return undefined;
  }

  /**
   * Resolves host → path → split, following a rewriteHost (DomainMapping) through the table when
   * its split has no endpoints of its own (its target is a Route placeholder Service, an
   * ExternalName back to this gateway). Returns the split and the Host to send, or an error status.
   */
  resolve(req: Incoming, listener: Listener): Resolved {
    let host = hostOf(req);
    let extra: [string, string][] | undefined;
    for (let depth = 0; depth < 3; depth++) {
      const p = this.route(req, host, depth === 0 ? listener : 'internal');
      if (!p) {
        return { status: 404, body: host === undefined ? 'no Host header\n' : `no route for host "${normalizeHost(host)}"${depth > 0 ? ' (after rewriteHost)' : ''}\n` };
      }
      const split = pickSplit(p);
      if (!split) return { status: 503, body: `no traffic target for host "${normalizeHost(host ?? '')}": every split has 0 percent\n` };
      // A prober's `K-Network-Hash: override` reaches the backend as the KIngress's hash (as
      // upstream's ingresses do with their probe paths, knative.dev/networking InsertProbe).
      if (depth === 0 && headerValue(req.rawHeaders, HASH_HEADER) === HASH_OVERRIDE) extra = [[HASH_HEADER, p.hash]];
      if (p.rewriteHost !== undefined) {
        host = p.rewriteHost;
        if (split.endpoints.length === 0 && this.routes(host, 'internal')) {
          extra = extra ? [...extra, ...split.appendHeaders] : split.appendHeaders;
          continue;
        }
      }
      return { split, host, extra };
    }
    return { status: 508, body: 'rewriteHost loop\n' };
  }

  private handle(req: Http.IncomingMessage, res: Http.ServerResponse, listener: Listener, deadline: number): void {
    const r = this.resolve(req, listener);
    if ('status' in r) {
      req.resume();
      plain(res, r.status, r.body);
      return;
    }
    const split = r.split;
    if (this.access) this.splitOf.set(res, split);
    if (split.endpoints.length === 0) {
      // activation (issue #9): the activator holds it (queue bound, revision timeout, poke, direct probes).
      if (this.activator) this.activator.hold(this.heldRequest(req, res, listener, split));
      else this.holder.hold(req, res, listener, split, deadline);
      return;
    }
    // activation (issue #9): with containerConcurrency, the per-pod breaker admits it (or holds it).
    if (this.activator && split.containerConcurrency > 0) {
      // One replica runs each revision's breaker (owners.ts): the others hand its requests over.
      const owner = this.owners.ownerOf(split.key);
      if (owner && headerValue(req.rawHeaders, BREAKER_HOP) === undefined) {
        this.forwarder.forward(req, res, this.hopTo(owner, split), hostOf(req), [[BREAKER_HOP, `${owner.host}:${owner.port}`]]);
        return;
      }
      this.activator.throttle(split, this.heldRequest(req, res, listener, split), (pinned) => this.forwarder.forward(req, res, pinned, r.host, r.extra));
      return;
    }
    this.forwarder.forward(req, res, split, r.host, r.extra);
  }

  /**
   * The ready gateway replicas' internal listener addresses ("ip:port") and this one's: which
   * replica runs the breaker of each revision with containerConcurrency > 0 (owners.ts).
   */
  setReplicas(self: string | undefined, peers: readonly string[]): void {
    if (this.owners.set(self, peers)) this.dropUnusedPools();
  }

  /**
   * A split that sends a request to the replica owning split's breaker: no headers of the split
   * (the owner routes it again), its own statistics (the owner counts it for the autoscaler), and
   * the owner's timeouts plus a second, so the owner answers a timeout itself.
   */
  private hopTo(owner: Upstream, split: Split): Split {
    return {
      ...split,
      appendHeaders: [],
      endpoints: [owner],
      pending: [],
      h2c: false,
      containerConcurrency: 0,
      timeoutMs: split.timeoutMs + 1000,
      responseStartTimeoutMs: 0,
      idleTimeoutMs: 0,
      rr: 0,
      stats: this.hopStats,
    };
  }

  /** activation (issue #9): a request as the activator holds it. */
  private heldRequest(req: Http.IncomingMessage, res: Http.ServerResponse, listener: Listener, split: Split): HeldRequest {
    return {
      split,
      id: res,
      retry: () => this.handle(req, res, listener, 0),
      reply: (st, body) => {
        req.resume();
        plain(res, st, body);
      },
      onClose: (cb) => res.once('close', cb),
    };
  }

  /** Writes the request's access-log line when its response ends (or the client goes). */
  private logAccess(req: Http.IncomingMessage, res: Http.ServerResponse): void {
    const start = Date.now();
    res.once('close', () =>
      this.access?.write({
        method: req.method,
        host: hostOf(req),
        url: req.url,
        status: res.statusCode,
        ms: Date.now() - start,
        split: this.splitOf.get(res),
        via: 'node',
        aborted: !res.writableFinished,
      }),
    );
  }
}
