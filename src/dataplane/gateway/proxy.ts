// The gateway's data path: route a request by Host (and path prefix, header matches) through the
// current RoutingTable, pick a weighted split and one of its endpoints round-robin, and proxy it
// with streaming in both directions. HTTP/1.1 upstreams go over a keep-alive pool, h2c upstreams
// over one HTTP/2 session per endpoint, WebSocket upgrades are piped after the 101.
//
// Hot path rules: no logging per request, no regexes, no per-request Maps; header lists are built
// once per request as flat arrays (the rawHeaders format node accepts).
import http from 'node:http';
import http2 from 'node:http2';
import type { Duplex } from 'node:stream';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { HostRoutes, RoutePath, RoutingTable, Split, Upstream } from './table.ts';
import { emptyTable, normalizeHost } from './table.ts';
import { FastPath } from './fast.ts';
import type { Activator, HeldRequest } from './activator.ts'; // activation (issue #9)
import type { Incoming, Listener, Resolved } from './fast.ts';

export type { Listener } from './fast.ts';

export interface GatewayOptions {
  /**
   * How long a request for a split with no ready endpoint waits for endpoints to appear (the
   * activator's job, later) before it gets a 503. 0: answer 503 at once.
   */
  holdTimeoutMs?: number;
  /** Called when a request is held for a split with no endpoints (e.g. to poke the autoscaler). */
  onHold?(split: Split): void;
  /** Upper bound of pooled HTTP/1.1 connections per upstream endpoint. */
  maxSocketsPerEndpoint?: number;
  /** activation (issue #9): holds requests for revisions without ready endpoints (activator.ts); replaces holdTimeoutMs. */
  activator?: Activator;
  /**
   * Serve plain HTTP/1.1 requests on the raw-socket fast path (fast.ts) in front of node:http, with
   * its own upstream connection pool; everything else still goes through node:http and undici.
   * Default true (≈ half the CPU per request, see bench/gateway/README.md).
   */
  fastPath?: boolean;
}

interface Held {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  listener: Listener;
  deadline: number;
  timer: NodeJS.Timeout;
  split: Split;
}

const TEXT = 'text/plain; charset=utf-8';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded; lengths speed up the check. */
function isHopByHop(name: string): boolean {
  switch (name.length) {
    case 2:
      return name.toLowerCase() === 'te';
    case 7:
      return name.toLowerCase() === 'upgrade' || name.toLowerCase() === 'trailer';
    case 10: {
      const l = name.toLowerCase();
      return l === 'connection' || l === 'keep-alive';
    }
    case 16:
      return name.toLowerCase() === 'proxy-connection';
    case 19:
      return name.toLowerCase() === 'proxy-authenticate';
    default:
      return false;
  }
}

/** HTTP/2 also forbids these (RFC 9113 §8.2.2), and the pseudo-headers replace Host. */
function isH2Forbidden(lower: string): boolean {
  return lower === 'host' || lower === 'transfer-encoding' || isHopByHop(lower);
}

/** A header's value as node's req.headers gives it (repeated headers joined with ", "), from rawHeaders. */
function headerValue(raw: string[], lower: string): string | undefined {
  let v: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === lower.length && n.toLowerCase() === lower) v = v === undefined ? raw[i + 1]! : `${v}, ${raw[i + 1]!}`;
  }
  return v;
}

function matches(p: RoutePath, req: Incoming, url: string): boolean {
  if (p.prefix.length > 1 && !url.startsWith(p.prefix)) return false;
  const hs = p.headers;
  for (let i = 0; i < hs.length; i++) {
    const m = hs[i]!;
    if (headerValue(req.rawHeaders, m.name) !== m.value) return false;
  }
  return true;
}

function pickSplit(p: RoutePath): Split | undefined {
  const splits = p.splits;
  if (splits.length === 1) return p.total > 0 ? splits[0] : undefined;
  if (p.total <= 0) return undefined;
  const r = Math.random() * p.total;
  const c = p.cumulative;
  for (let i = 0; i < c.length; i++) if (r < c[i]!) return splits[i];
  return splits[splits.length - 1];
}

function plain(res: http.ServerResponse, status: number, body: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': TEXT, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function rawReply(socket: Duplex, status: number, body: string): void {
  if (socket.destroyed) return;
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: ${TEXT}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export class Gateway {
  private table: RoutingTable = emptyTable();
  /** Raw Host header → routes (or null: unknown host), for the current table; saves lower-casing per request. */
  private hostCache = new Map<string, HostRoutes | null>();
  /** One undici Pool (keep-alive, no pipelining) per HTTP/1.1 upstream endpoint, "host:port" → pool. */
  private readonly pools = new Map<string, Pool>();
  private readonly maxSocketsPerEndpoint: number;
  private readonly h2Sessions = new Map<string, http2.ClientHttp2Session>();
  private readonly held = new Map<string, Held[]>();
  private readonly holdTimeoutMs: number;
  private readonly onHold: ((s: Split) => void) | undefined;
  private readonly servers = new Set<http.Server>();
  /** Upgraded (WebSocket) connections: no longer tracked by their http.Server. */
  private readonly tunnels = new Set<Duplex>();
  /** Requests currently held (all revisions). */
  heldCount = 0;
  private readonly fast: FastPath | undefined;
  private readonly activator: Activator | undefined; // activation (issue #9)

  constructor(o: GatewayOptions = {}) {
    this.activator = o.activator; // activation (issue #9)
    this.holdTimeoutMs = o.holdTimeoutMs ?? 0;
    this.onHold = o.onHold;
    this.maxSocketsPerEndpoint = o.maxSocketsPerEndpoint ?? 1024;
    this.fast = (o.fastPath ?? true) ? new FastPath(this, this.maxSocketsPerEndpoint) : undefined;
  }

  /** The fast path's counters (requests served there, connections handed to node:http), when it is on. */
  get fastPathCounts(): { served: number; handedOver: number } | undefined {
    return this.fast?.counts;
  }

  get routingTable(): RoutingTable {
    return this.table;
  }

  /** Swaps the table atomically; requests in flight keep the split they picked. */
  setTable(t: RoutingTable): void {
    this.table = t;
    this.hostCache = new Map();
    this.activator?.onTable(t); // activation (issue #9)
    if (this.held.size > 0) this.releaseHeld();
    if (this.pools.size > 0 || this.fast) this.dropUnusedPools();
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
    this.fast?.dropPools(live);
    for (const [key, pool] of this.pools) {
      if (live.has(key)) continue;
      this.pools.delete(key);
      pool.close().catch(() => {});
    }
  }

  /** The keep-alive pool of one HTTP/1.1 endpoint. */
  pool(ep: Upstream): Pool {
    const key = `${ep.host}:${ep.port}`;
    let p = this.pools.get(key);
    if (!p) {
      const origin = ep.host.includes(':') ? `http://[${ep.host}]:${ep.port}` : `http://${ep.host}:${ep.port}`;
      p = new Pool(origin, {
        connections: this.maxSocketsPerEndpoint,
        pipelining: 1, // keep-alive, one request at a time per connection
        // The route timeout (forward()) bounds the whole exchange; undici's own timers stay off.
        headersTimeout: 0,
        bodyTimeout: 0,
        keepAliveTimeout: 4_000,
      });
      this.pools.set(key, p);
    }
    return p;
  }

  /** An http.Server for one listener: 'external' serves ExternalIP rules, 'internal' every rule. */
  createServer(listener: Listener): http.Server {
    const s = http.createServer(
      {
        keepAliveTimeout: 65_000,
        headersTimeout: 66_000,
        requestTimeout: 0,
        // A request without Content-Length/Transfer-Encoding gets an already-ended body stream: no
        // stream events to schedule or drain per request (measured ≈ 8 % less CPU per request).
        optimizeEmptyRequests: true,
      },
      (req, res) => this.handle(req, res, listener, 0),
    );
    s.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(req, socket, head, listener));
    s.on('clientError', (e: NodeJS.ErrnoException, socket: Duplex) => {
      // As node's default handler: 431 for a head over the size limit, else 400.
      const status = e.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
      else socket.destroy();
    });
    this.fast?.attach(s, listener);
    this.servers.add(s);
    s.on('close', () => this.servers.delete(s));
    return s;
  }

  close(): void {
    this.activator?.close(); // activation (issue #9)
    for (const list of this.held.values())
      for (const h of list) {
        clearTimeout(h.timer);
        plain(h.res, 503, 'gateway shutting down\n');
      }
    this.held.clear();
    for (const p of this.pools.values()) p.destroy().catch(() => {});
    this.pools.clear();
    for (const t of this.tunnels) t.destroy();
    this.tunnels.clear();
    for (const s of this.h2Sessions.values()) s.destroy();
    this.h2Sessions.clear();
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

  private handle(req: http.IncomingMessage, res: http.ServerResponse, listener: Listener, deadline: number): void {
    const r = this.resolve(req, listener);
    if ('status' in r) {
      req.resume();
      plain(res, r.status, r.body);
      return;
    }
    const split = r.split;
    if (split.endpoints.length === 0) {
      this.noEndpoints(req, res, listener, split, deadline);
      return;
    }
    // activation (issue #9): with containerConcurrency, the per-pod breaker admits it (or holds it).
    if (this.activator && split.containerConcurrency > 0) {
      this.activator.throttle(split, this.heldRequest(req, res, listener, split), (pinned) => this.forward(req, res, pinned, r.host, r.extra));
      return;
    }
    this.forward(req, res, split, r.host, r.extra);
  }

  // --- held requests (scale from zero, next step) -------------------------------------------

  private noEndpoints(req: http.IncomingMessage, res: http.ServerResponse, listener: Listener, split: Split, deadline: number): void {
    // activation (issue #9): the activator holds it (queue bound, revision timeout, poke, direct probes).
    if (this.activator) {
      this.activator.hold(this.heldRequest(req, res, listener, split));
      return;
    }
    const now = Date.now();
    if (this.holdTimeoutMs <= 0 || (deadline !== 0 && deadline <= now)) {
      req.resume();
      plain(res, 503, `no ready endpoints for revision "${split.revision}" in namespace "${split.namespace}" (service ${split.key})\n`);
      return;
    }
    const d = deadline || now + this.holdTimeoutMs;
    const h: Held = {
      req,
      res,
      listener,
      deadline: d,
      split,
      timer: setTimeout(() => this.expire(h), d - now),
    };
    let list = this.held.get(split.key);
    if (!list) this.held.set(split.key, (list = []));
    list.push(h);
    this.heldCount++;
    res.once('close', () => {
      if (this.unhold(h)) clearTimeout(h.timer);
    });
    this.onHold?.(split);
  }

  /** activation (issue #9): a request as the activator holds it. */
  private heldRequest(req: http.IncomingMessage, res: http.ServerResponse, listener: Listener, split: Split): HeldRequest {
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

  private unhold(h: Held): boolean {
    const list = this.held.get(h.split.key);
    const i = list ? list.indexOf(h) : -1;
    if (!list || i < 0) return false;
    list.splice(i, 1);
    if (list.length === 0) this.held.delete(h.split.key);
    this.heldCount--;
    return true;
  }

  private expire(h: Held): void {
    if (!this.unhold(h)) return;
    h.req.resume();
    plain(h.res, 503, `no ready endpoints for revision "${h.split.revision}" in namespace "${h.split.namespace}" after waiting ${this.holdTimeoutMs} ms\n`);
  }

  private releaseHeld(): void {
    const ready = new Set<string>();
    const visit = (hr: HostRoutes | undefined) => {
      for (const p of hr?.internal ?? []) for (const s of p.splits) if (s.endpoints.length > 0) ready.add(s.key);
    };
    for (const hr of this.table.hosts.values()) visit(hr);
    visit(this.table.wildcard);
    for (const [key, list] of [...this.held]) {
      if (!ready.has(key)) continue;
      this.held.delete(key);
      for (const h of list) {
        clearTimeout(h.timer);
        this.heldCount--;
        if (!h.res.destroyed) this.handle(h.req, h.res, h.listener, h.deadline);
      }
    }
  }

  // --- HTTP/1.1 and h2c forwarding ----------------------------------------------------------

  pickEndpoint(split: Split): Upstream {
    const eps = split.endpoints;
    return eps.length === 1 ? eps[0]! : eps[split.rr++ % eps.length]!;
  }

  /** The upstream request headers as a flat [name, value, …] list. */
  headersFor(req: Incoming, split: Split, host: string | undefined, extra: [string, string][] | undefined, upgrade: boolean): string[] {
    const raw = req.rawHeaders;
    const app = split.appendHeaders;
    const out: string[] = [];
    let xff: string | undefined;
    let proto = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      const n = name.length;
      if (n === 4 && name.toLowerCase() === 'host') continue;
      if (n === 15 && name.toLowerCase() === 'x-forwarded-for') {
        xff = xff === undefined ? raw[i + 1]! : `${xff}, ${raw[i + 1]!}`;
        continue;
      }
      if (n === 17) {
        const l = name.toLowerCase();
        if (l === 'x-forwarded-proto') proto = true;
        // The upstream client frames the body itself (chunked when there is no Content-Length).
        else if (l === 'transfer-encoding' && !upgrade) continue;
      }
      // node's server has answered an Expect: 100-continue already.
      if (n === 6 && !upgrade && name.toLowerCase() === 'expect') continue;
      if (!upgrade && isHopByHop(name)) continue;
      let replaced = false;
      for (let j = 0; j < app.length; j++) {
        const a = app[j]![0];
        if (a.length === n && a === name.toLowerCase()) {
          replaced = true;
          break;
        }
      }
      if (!replaced && extra) {
        for (let j = 0; j < extra.length; j++) {
          const a = extra[j]![0];
          if (a.length === n && a === name.toLowerCase()) {
            replaced = true;
            break;
          }
        }
      }
      if (replaced) continue;
      out.push(name, raw[i + 1]!);
    }
    if (host !== undefined) out.push('host', host);
    for (let j = 0; j < app.length; j++) out.push(app[j]![0], app[j]![1]);
    if (extra) for (let j = 0; j < extra.length; j++) if (!app.some((a) => a[0] === extra[j]![0])) out.push(extra[j]![0], extra[j]![1]);
    const peer = req.socket.remoteAddress;
    if (peer !== undefined) out.push('x-forwarded-for', xff === undefined ? peer : `${xff}, ${peer}`);
    else if (xff !== undefined) out.push('x-forwarded-for', xff);
    if (!proto) out.push('x-forwarded-proto', 'http');
    return out;
  }

  private forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    split: Split,
    host: string | undefined,
    extra: [string, string][] | undefined,
  ): void {
    const headers = this.headersFor(req, split, host, extra, false);
    const stats = split.stats;
    stats.inFlight++;
    stats.requests++;
    // The request timeout runs from dispatch to the upstream (time spent held does not count).
    const ms = split.timeoutMs;
    let done = false;
    let abort: (() => void) | undefined;
    const timer = setTimeout(() => {
      abort?.();
      if (!res.headersSent) plain(res, 504, 'request timeout\n');
      else res.destroy();
    }, ms);
    res.once('close', () => {
      done = true;
      clearTimeout(timer);
      stats.inFlight--;
      if (!res.writableFinished) abort?.();
    });
    if (split.h2c) abort = this.forwardH2c(req, res, split, headers, host);
    else abort = this.forwardH1(req, res, split, headers, 0);
    if (done) abort?.();
  }

  private forwardH1(req: http.IncomingMessage, res: http.ServerResponse, split: Split, headers: string[], attempt: number): () => void {
    const x = new H1Exchange(this, req, res, split, this.pickEndpoint(split), headers, attempt);
    x.start();
    return x.abortFn;
  }

  /** Called by an H1Exchange whose pooled connection failed before any response: retry once. */
  retryH1(x: H1Exchange): void {
    const retry = this.forwardH1(x.req, x.res, x.split, x.headers, x.attempt + 1);
    x.retried = retry;
  }

  private h2Session(ep: Upstream): http2.ClientHttp2Session {
    const key = `${ep.host}:${ep.port}`;
    let s = this.h2Sessions.get(key);
    if (s && !s.closed && !s.destroyed) return s;
    const authority = ep.host.includes(':') ? `http://[${ep.host}]:${ep.port}` : `http://${ep.host}:${ep.port}`;
    s = http2.connect(authority);
    const mine = s;
    const drop = () => {
      if (this.h2Sessions.get(key) === mine) this.h2Sessions.delete(key);
    };
    s.on('error', drop);
    s.on('close', drop);
    s.on('goaway', drop);
    s.unref();
    this.h2Sessions.set(key, s);
    return s;
  }

  private forwardH2c(req: http.IncomingMessage, res: http.ServerResponse, split: Split, flat: string[], host: string | undefined): () => void {
    const ep = this.pickEndpoint(split);
    const h: http2.OutgoingHttpHeaders = {
      ':method': req.method ?? 'GET',
      ':path': req.url ?? '/',
      ':scheme': 'http',
      ':authority': host ?? hostOf(req) ?? `${ep.host}:${ep.port}`,
    };
    for (let i = 0; i < flat.length; i += 2) {
      const l = flat[i]!.toLowerCase();
      if (isH2Forbidden(l)) continue;
      const v = flat[i + 1]!;
      const prev = h[l];
      h[l] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [String(prev), v];
    }
    let stream: http2.ClientHttp2Stream;
    try {
      stream = this.h2Session(ep).request(h, { endStream: !hasBody(req) });
    } catch (e) {
      plain(res, 502, `upstream ${ep.host}:${ep.port} (h2c) for revision "${split.revision}": ${(e as Error).message}\n`);
      return () => {};
    }
    let responded = false;
    stream.on('response', (rh) => {
      responded = true;
      const status = Number(rh[':status'] ?? 502);
      const out: string[] = [];
      for (const k of Object.keys(rh)) {
        if (k.charCodeAt(0) === 58 /* : */) continue;
        const v = rh[k];
        if (v === undefined) continue;
        if (Array.isArray(v)) for (const x of v) out.push(k, x);
        else out.push(k, String(v));
      }
      if (res.destroyed) {
        stream.close(http2.constants.NGHTTP2_CANCEL);
        return;
      }
      res.writeHead(status, out);
      stream.pipe(res);
    });
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (res.writableEnded) return;
      if (responded || res.destroyed) res.destroy();
      else plain(res, 502, `upstream ${ep.host}:${ep.port} (h2c) for revision "${split.revision}": ${e.code ?? e.message}\n`);
    });
    if (hasBody(req)) req.pipe(stream);
    else req.resume();
    return () => {
      if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_CANCEL);
    };
  }

  // --- WebSocket (and any other Upgrade) ----------------------------------------------------

  private handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer, listener: Listener): void {
    socket.on('error', () => socket.destroy());
    const r = this.resolve(req, listener);
    if ('status' in r) {
      rawReply(socket, r.status, r.body);
      return;
    }
    const split = r.split;
    if (split.endpoints.length === 0) {
      rawReply(socket, 503, `no ready endpoints for revision "${split.revision}" in namespace "${split.namespace}" (service ${split.key})\n`);
      return;
    }
    const ep = this.pickEndpoint(split);
    const headers = this.headersFor(req, split, r.host, r.extra, true);
    // Upgraded connections leave the pool anyway; a dedicated connection keeps the pool clean.
    const up = http.request({ host: ep.host, port: ep.port, method: req.method, path: req.url, headers, agent: false, setHost: false });
    const stats = split.stats;
    stats.inFlight++;
    stats.requests++;
    let counted = true;
    const release = () => {
      if (counted) {
        counted = false;
        stats.inFlight--;
      }
    };
    socket.once('close', () => {
      release();
      up.destroy();
    });
    up.on('upgrade', (upRes, upSocket, upHead) => {
      let head101 = `HTTP/1.1 ${upRes.statusCode ?? 101} ${upRes.statusMessage ?? 'Switching Protocols'}\r\n`;
      const raw = upRes.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) head101 += `${raw[i]!}: ${raw[i + 1]!}\r\n`;
      socket.write(`${head101}\r\n`);
      if (upHead.length > 0) socket.write(upHead);
      if (head.length > 0) upSocket.write(head);
      this.tunnels.add(socket);
      this.tunnels.add(upSocket);
      upSocket.on('error', () => socket.destroy());
      upSocket.on('close', () => {
        this.tunnels.delete(upSocket);
        socket.destroy();
      });
      socket.on('close', () => {
        this.tunnels.delete(socket);
        upSocket.destroy();
      });
      upSocket.pipe(socket);
      socket.pipe(upSocket);
    });
    up.on('response', (upRes) => {
      // The upstream refused the upgrade: relay its answer and close.
      let text = `HTTP/1.1 ${upRes.statusCode ?? 502} ${upRes.statusMessage ?? ''}\r\n`;
      const raw = upRes.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) if (!isHopByHop(raw[i]!)) text += `${raw[i]!}: ${raw[i + 1]!}\r\n`;
      socket.write(`${text}connection: close\r\n\r\n`);
      upRes.pipe(socket);
    });
    up.on('error', (e: NodeJS.ErrnoException) => {
      release();
      rawReply(socket, 502, `upstream ${ep.host}:${ep.port} for revision "${split.revision}": ${e.code ?? e.message}\n`);
    });
    up.end();
  }
}

const ABORTED = new Error('aborted by the gateway');

/**
 * One HTTP/1.1 request forwarded over an undici Pool. The object is undici's dispatch handler (no
 * per-request closures on the hot path): the response head goes to the client as soon as it
 * arrives, the body streams with backpressure (pause/resume on the controller), and a
 * Content-Length body's last chunk goes out with end() (head, body and end in one write).
 */
class H1Exchange implements Dispatcher.DispatchHandler {
  readonly gw: Gateway;
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly split: Split;
  readonly ep: Upstream;
  readonly headers: string[];
  readonly attempt: number;
  private controller: Dispatcher.DispatchController | null = null;
  private responded = false;
  private aborted = false;
  private left = -1;
  private readonly body: boolean;
  /** The retry's abort, once this exchange handed over to a retry. */
  retried: (() => void) | undefined;
  readonly abortFn: () => void;

  constructor(gw: Gateway, req: http.IncomingMessage, res: http.ServerResponse, split: Split, ep: Upstream, headers: string[], attempt: number) {
    this.gw = gw;
    this.req = req;
    this.res = res;
    this.split = split;
    this.ep = ep;
    this.headers = headers;
    this.attempt = attempt;
    this.body = hasBody(req);
    this.abortFn = () => this.abort();
  }

  start(): void {
    const req = this.req;
    this.gw.pool(this.ep).dispatch(
      { path: req.url ?? '/', method: req.method ?? 'GET', headers: this.headers, body: this.body ? req : null },
      this,
    );
  }

  abort(): void {
    if (this.retried) {
      this.retried();
      return;
    }
    this.aborted = true;
    this.controller?.abort(ABORTED);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.aborted) controller.abort(ABORTED);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>, statusMessage?: string): void {
    if (statusCode < 200) return; // 1xx: node's server answers Expect itself; drop the rest
    this.responded = true;
    const res = this.res;
    if (res.destroyed || res.writableEnded) {
      controller.abort(ABORTED);
      return;
    }
    const out: string[] = [];
    for (const name in headers) {
      const v = headers[name];
      if (v === undefined || isHopByHop(name) || (name.length === 17 && name === 'transfer-encoding')) continue;
      if (typeof v === 'string') out.push(name, v);
      else for (let i = 0; i < v.length; i++) out.push(name, v[i]!);
    }
    const cl = headers['content-length'];
    if (typeof cl === 'string') this.left = Number(cl);
    res.writeHead(statusCode, statusMessage || undefined, out);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const res = this.res;
    if (res.writableEnded) return;
    if (this.left > 0) {
      this.left -= chunk.length;
      if (this.left <= 0) {
        res.end(chunk);
        return;
      }
    }
    if (!res.write(chunk)) {
      controller.pause();
      res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    if (!this.res.writableEnded) this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, e: Error & { code?: string }): void {
    const res = this.res;
    if (this.aborted || res.writableEnded) return; // already answered (e.g. 504 after the timeout aborted us)
    if (this.responded || res.destroyed) {
      res.destroy();
      return;
    }
    // A pooled connection the upstream closed just as we reused it: retry once when nothing of
    // the request body can have been consumed.
    if (this.attempt === 0 && !this.body && (e.code === 'UND_ERR_SOCKET' || e.code === 'ECONNRESET')) {
      this.gw.retryH1(this);
      return;
    }
    const code = e.code === 'UND_ERR_SOCKET' ? 'ECONNRESET' : (e.code ?? e.message);
    plain(res, 502, `upstream ${this.ep.host}:${this.ep.port} for revision "${this.split.revision}": ${code}\n`);
  }
}

/** The Host header from rawHeaders (does not build req.headers). */
function hostOf(req: Incoming): string | undefined {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 4 && (n === 'Host' || n === 'host' || n.toLowerCase() === 'host')) return raw[i + 1];
  }
  return undefined;
}

/** Whether the request has a body (Transfer-Encoding, or a non-zero Content-Length), from rawHeaders. */
function hasBody(req: http.IncomingMessage): boolean {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === 17 && n.toLowerCase() === 'transfer-encoding') return true;
    if (n.length === 14 && n.toLowerCase() === 'content-length' && raw[i + 1] !== '0') return true;
  }
  return false;
}
