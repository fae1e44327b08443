// The HTTP/1.1 fast path: plain keep-alive requests parsed and proxied on raw sockets, in front of
// the node:http server and under a small pool of raw upstream connections.
//
// Why hand-written (an exception to "use the library made for the job", see ADR 0006): node:http's
// server objects and undici's client cost ≈ 20–27 µs of CPU per proxied request, nginx ≈ 4 µs; the
// gateway's own code is 1–2 % of that. This path does only what a plain request needs and hands
// EVERYTHING else to node:http, which then decides (so node, not this file, answers 400/431 etc.):
//   - taken here: what request-head.ts frames (a plain HTTP/1.1 request node reads the same way;
//     docs/adr/0012-gateway-smuggling.md), with no body or a Content-Length body of at most MAX_BODY
//     bytes (buffered whole), routed to a split with ready HTTP/1.1 endpoints (404/503-without-split
//     answers are written here too);
//   - handed over (the socket, with every unconsumed byte unshifted, between two requests): all the
//     rest, including requests for splits without endpoints (held for scale from zero by the node
//     path) and h2c upstreams. A connection handed over stays with node:http.
// Pipelining: requests are answered in order; bytes of the next request wait in the buffer (the
// socket is paused when they pile up) until the current response is complete.
//
// Files: request-head.ts (which bytes form a request taken here), fast-upstream.ts (upstream pool
// and response relay), response-head.ts and chunked.ts (reading the upstream's response); this file: the client connection's state
// machine (ClientConn), one request/response exchange (Exchange) and the FastPath that attaches to
// an http.Server. The route timeout is one timer per client connection, refreshed per request
// (docs/adr/0011-gateway-tail.md).
import type http from 'node:http';
import type net from 'node:net';
import { UpPool } from './fast-upstream.ts';
import type { UpConn } from './fast-upstream.ts';
import { upstreamHeaders } from './headers.ts';
import { isToken, plainValue } from './http-syntax.ts';
import type { AccessLog } from './log.ts';
import { plainText } from './replies.ts';
import { type FastRequest, HAND_OVER, INCOMPLETE, frameRequest } from './request-head.ts';
import { type Listener, type Router, hostOf, pickEndpoint } from './routing.ts';
import type { Split, Upstream } from './table.ts';
import { handBack, takeOver } from './takeover.ts';

const MAX_PENDING = 256 * 1024;
const CLIENT_IDLE_MS = 65_000;
const CLIENT_HEAD_MS = 66_000;

// --- exchanges and client connections -------------------------------------------------------------

export class Exchange {
  readonly conn: ClientConn;
  readonly req: FastRequest;
  readonly split: Split;
  /** Where it goes; changed only while it waits in a pool dropped from the table (FastPath.requeue). */
  ep: Upstream;
  readonly upstreamHead: string;
  readonly head: boolean;
  pool: UpPool;
  attempt = 0;
  done = false;
  responseHead = '';
  closeClient = false;
  /** Set when the response head went to the client. */
  responded = false;
  /** When the route timeout expires (Date.now() ms); the client connection's timer checks it. */
  deadline = 0;
  /** The upstream's status, once its response head arrived (for the access log). */
  status = 0;
  up: UpConn | null = null;

  constructor(conn: ClientConn, req: FastRequest, split: Split, ep: Upstream, upstreamHead: string, pool: UpPool) {
    this.conn = conn;
    this.req = req;
    this.split = split;
    this.ep = ep;
    this.upstreamHead = upstreamHead;
    this.head = req.method === 'HEAD';
    this.pool = pool;
  }

  start(): void {
    const s = this.split.stats;
    s.inFlight++;
    s.requests++;
    this.conn.arm(this);
    this.pool.acquire(this, false);
  }

  private end(status: number, aborted: boolean): void {
    this.done = true;
    this.split.stats.inFlight--;
    const access = this.conn.fast.access;
    if (access) {
      const req = this.req;
      access.write({
        method: req.method,
        host: hostOf(req),
        url: req.url,
        status,
        ms: Date.now() - (this.deadline - this.split.timeoutMs),
        split: this.split,
        via: 'fast',
        aborted,
      });
    }
  }

  /** The response is complete (or, closed: the upstream closed a read-until-close body). */
  finish(_closed: boolean): void {
    if (this.done) return;
    this.end(this.status, false);
    this.conn.exchangeDone(this.closeClient);
  }

  upstreamFailed(code: string, reused: boolean, responded: boolean): void {
    if (this.done) return;
    if (responded || this.responded) {
      this.end(this.status, true);
      this.conn.socket.destroy();
      return;
    }
    // A reused keep-alive connection the upstream closed as we sent: retry once on a new one when
    // the request has no body (nothing can have been consumed).
    if (reused && this.attempt === 0 && this.req.bodyLength === 0) {
      this.attempt++;
      this.up = null;
      this.pool.acquire(this, true);
      return;
    }
    this.end(502, false);
    this.conn.reply(502, `upstream ${this.ep.host}:${this.ep.port} for revision "${this.split.revision}": ${code}\n`, this.req.close);
  }

  /** The revision timeout passed: 504 unless the response has started (upstream's queue-proxy does not cut a started response). */
  timeout(): void {
    if (this.done || this.responded) return;
    const up = this.findUp();
    this.end(504, false);
    up?.kill();
    this.conn.reply(504, 'request timeout\n', this.req.close);
  }

  /** Called by the client connection when it closes before the response completed. */
  abort(): void {
    if (this.done) return;
    const up = this.findUp();
    this.end(this.status, true);
    up?.kill();
  }

  private findUp(): UpConn | null {
    const up = this.up;
    return up && up.x === this ? up : null;
  }
}

class ClientConn {
  readonly fast: FastPath;
  readonly socket: net.Socket;
  readonly server: http.Server;
  readonly listener: Listener;
  readonly remoteAddress: string | undefined;
  private buf: Buffer | null = null;
  busy: Exchange | null = null;
  lastActive = Date.now();
  private ended = false;
  private closed = false;
  private paused = false;
  private readonly onData = (d: Buffer) => this.data(d);
  private readonly onEnd = () => this.end();
  private readonly onClose = () => this.close();
  private readonly onError = () => this.socket.destroy();
  private timer: NodeJS.Timeout | undefined;
  private timerMs = 0;
  private readonly onTimer = () => this.timerFired();

  constructor(fast: FastPath, server: http.Server, socket: net.Socket, listener: Listener) {
    this.fast = fast;
    this.server = server;
    this.socket = socket;
    this.listener = listener;
    this.remoteAddress = socket.remoteAddress;
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
  }

  get idle(): boolean {
    return this.busy === null && this.buf === null;
  }

  private data(d: Buffer): void {
    this.lastActive = Date.now();
    this.buf = this.buf ? Buffer.concat([this.buf, d]) : d;
    if (this.busy) {
      if (this.buf.length > MAX_PENDING && !this.paused) {
        this.paused = true;
        this.socket.pause();
      }
      return;
    }
    this.process();
  }

  private end(): void {
    this.ended = true;
    if (!this.busy) this.socket.end();
  }

  /**
   * Arms the route timeout for x. One timer per connection, moved forward (refresh) for each
   * request instead of a new timer per request: no allocation, no list removal on the hot path.
   * The timer is not cleared when a response completes; when it fires it checks the exchange then
   * in flight (if any) against its deadline.
   */
  arm(x: Exchange): void {
    const ms = x.split.timeoutMs;
    x.deadline = Date.now() + ms;
    if (this.timer && this.timerMs === ms) {
      this.timer.refresh();
      return;
    }
    clearTimeout(this.timer);
    this.timerMs = ms;
    this.timer = setTimeout(this.onTimer, ms).unref();
  }

  private timerFired(): void {
    const x = this.busy;
    if (!x || x.done || this.closed) return;
    const left = x.deadline - Date.now();
    if (left > 0) {
      // Fired early by the clock difference (libuv's loop time vs Date.now()): wait the rest.
      this.timerMs = -1;
      this.timer = setTimeout(this.onTimer, left).unref();
      return;
    }
    x.timeout();
  }

  private close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.fast.conns.delete(this);
    this.busy?.abort();
    this.busy = null;
  }

  /** Serves buffered requests in order until one is in flight, the buffer is empty or incomplete. */
  private process(): void {
    while (this.buf && !this.busy && !this.closed) {
      const buf = this.buf;
      const req = frameRequest(buf, this);
      if (req === HAND_OVER) {
        // A client that half-closed cannot be handed over (its stream has ended): what it sent
        // after the requests answered here is dropped, unread, with the connection.
        if (this.ended) {
          this.socket.end();
          this.buf = null;
          return;
        }
        return this.handOver();
      }
      if (req === INCOMPLETE) return; // the head or the body is still coming
      const total = req.end;
      const r = this.fast.router.resolve(req, this.listener);
      if ('status' in r) {
        this.consume(total);
        this.fast.counts.served++;
        const close = req.close;
        this.socket.write(plainText(r.status, r.body, close));
        this.fast.access?.write({ method: req.method, host: hostOf(req), url: req.url, status: r.status, ms: 0, split: undefined, via: 'fast' });
        if (close) {
          this.socket.end();
          this.buf = null;
          return;
        }
        continue;
      }
      const split = r.split;
      // containerConcurrency > 0: node:http's path, where the activator's per-pod breaker is (issue #9);
      // so are the rarer response-start and idle timeouts (node-upstream.ts).
      if (
        split.endpoints.length === 0 ||
        split.h2c ||
        split.containerConcurrency > 0 ||
        split.responseStartTimeoutMs > 0 ||
        split.idleTimeoutMs > 0 ||
        !this.fast.safeSplit(split, r.extra, r.host)
      )
        return this.handOver();
      const ep = pickEndpoint(split);
      const headers = upstreamHeaders(req, split, r.host, r.extra, false);
      let head = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < headers.length; i += 2) {
        const v = headers[i + 1]!;
        head += `${headers[i]!}: ${v}\r\n`;
      }
      head += '\r\n';
      if (req.bodyLength > 0) head += buf.toString('latin1', req.bodyStart, total);
      this.consume(total);
      const x = new Exchange(this, req, split, ep, head, this.fast.pool(ep));
      this.fast.counts.served++;
      this.busy = x;
      x.start();
    }
  }

  private consume(n: number): void {
    const buf = this.buf!;
    this.buf = n >= buf.length ? null : buf.subarray(n);
  }

  /** Writes a complete plain-text answer (the exchange, if any, is over). */
  reply(status: number, body: string, close: boolean): void {
    this.busy = null;
    if (this.closed) return;
    this.socket.write(plainText(status, body, close));
    this.after(close);
  }

  exchangeDone(close: boolean): void {
    this.busy = null;
    if (this.closed) return;
    this.after(close);
  }

  private after(close: boolean): void {
    // A server that stopped listening (shutting down) keeps no connection once its request is done.
    if (close || !this.server.listening) {
      this.socket.end();
      this.buf = null;
      return;
    }
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    if (this.buf) this.process();
    // A client that half-closed gets the answers to the requests it sent before (as from
    // node:http), then the connection ends.
    if (this.ended && !this.busy && !this.closed) {
      this.socket.end();
      this.buf = null;
    }
  }

  /** Gives the socket, with every unconsumed byte, to node:http (between two requests). */
  private handOver(): void {
    this.fast.conns.delete(this);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.fast.counts.handedOver++;
    this.closed = true;
    const rest = this.buf;
    this.buf = null;
    const l = { data: this.onData, end: this.onEnd, close: this.onClose, error: this.onError };
    handBack(this.server, this.fast.nodeConnection(this.server), this.socket, l, rest, this.paused);
  }
}

export class FastPath {
  readonly router: Router;
  /** The access log, when it is on. */
  readonly access: AccessLog | undefined;
  readonly conns = new Set<ClientConn>();
  /** Requests answered here, and connections handed to node:http (for tests and debugging). */
  readonly counts = { served: 0, handedOver: 0 };
  private readonly pools = new Map<string, UpPool>();
  private readonly byEndpoint = new WeakMap<Upstream, UpPool>();
  private readonly maxSockets: number;
  private readonly nodeListeners = new WeakMap<http.Server, (s: net.Socket) => void>();
  private readonly checked = new WeakMap<Split, boolean>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(router: Router, maxSockets: number, access: AccessLog | undefined) {
    this.router = router;
    this.maxSockets = maxSockets;
    this.access = access;
  }

  /** Takes over an http.Server's connections: plain requests here, the rest to its own handler. */
  attach(server: http.Server, listener: Listener): void {
    this.nodeListeners.set(
      server,
      takeOver(server, this.conns, (s: net.Socket) => this.conns.add(new ClientConn(this, server, s, listener))),
    );
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), 1000);
      this.sweeper.unref();
    }
  }

  nodeConnection(server: http.Server): (s: net.Socket) => void {
    return this.nodeListeners.get(server)!;
  }

  pool(ep: Upstream): UpPool {
    // The table's Upstream object remembers its pool: no key string per request.
    let p = this.byEndpoint.get(ep);
    if (p && !p.closed) return p;
    const key = `${ep.host}:${ep.port}`;
    p = this.pools.get(key);
    if (!p) this.pools.set(key, (p = new UpPool(ep, key, this.maxSockets)));
    this.byEndpoint.set(ep, p);
    return p;
  }

  /** Header values from the table (appendHeaders, rewriteHost) go into the head as they are: only ones without CR/LF/controls. */
  safeSplit(split: Split, extra: [string, string][] | undefined, host: string | undefined): boolean {
    let ok = this.checked.get(split);
    if (ok === undefined) {
      ok = split.appendHeaders.every(([n, v]) => isToken(n) && plainValue(v));
      this.checked.set(split, ok);
    }
    if (!ok) return false;
    if (extra && !extra.every(([n, v]) => isToken(n) && plainValue(v))) return false;
    return host === undefined || plainValue(host);
  }

  /** Pools of endpoints no longer in the table: idle connections close, busy ones finish. */
  dropPools(live: Set<string>): void {
    const gone: UpPool[] = [];
    for (const [key, p] of this.pools) {
      if (live.has(key)) continue;
      this.pools.delete(key);
      gone.push(p);
    }
    for (const p of gone) p.close(this.requeue);
  }

  /**
   * An exchange queued for an endpoint that left the table: to another ready endpoint of the same
   * revision in the current table (the upstream head names no endpoint, so it is sent as built).
   * False when the revision has none now (the exchange stays with its old pool).
   */
  private readonly requeue = (x: Exchange): boolean => {
    const r = this.router.resolve(x.req, x.conn.listener);
    if ('status' in r || r.split.revision !== x.split.revision || r.split.endpoints.length === 0) return false;
    const ep = pickEndpoint(r.split);
    x.ep = ep;
    x.pool = this.pool(ep);
    x.pool.acquire(x, false);
    return true;
  };

  private sweep(): void {
    const now = Date.now();
    for (const p of this.pools.values()) p.sweep(now);
    for (const c of this.conns) {
      if (c.busy) continue;
      if (now - c.lastActive > (c.idle ? CLIENT_IDLE_MS : CLIENT_HEAD_MS)) c.socket.destroy();
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const c of [...this.conns]) c.socket.destroy();
    for (const p of this.pools.values()) p.close();
    this.pools.clear();
  }
}
