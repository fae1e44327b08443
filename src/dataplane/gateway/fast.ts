// The HTTP/1.1 fast path: plain keep-alive requests parsed and proxied on raw sockets, in front of
// the node:http server and under a small pool of raw upstream connections.
//
// Why hand-written (an exception to "use the library made for the job", see ADR 0006): node:http's
// server objects and undici's client cost ≈ 20–27 µs of CPU per proxied request, nginx ≈ 4 µs; the
// gateway's own code is 1–2 % of that. This path does only what a plain request needs and hands
// EVERYTHING else to node:http, which then decides (so node, not this file, answers 400/431 etc.):
//   - taken here: an HTTP/1.1 request line with a common method and an origin-form target; header
//     names that are tokens and values of visible ASCII, SP, HTAB; one Host; no Transfer-Encoding,
//     Upgrade or Expect; Connection absent, `keep-alive` or `close`; no body or a Content-Length body
//     of at most MAX_BODY bytes (buffered whole); a head of at most MAX_HEAD bytes; a route to a
//     split with ready HTTP/1.1 endpoints (404/503-without-split answers are written here too);
//   - handed over (the socket, with every unconsumed byte unshifted, between two requests): all the
//     rest, including requests for splits without endpoints (held for scale from zero by the node
//     path) and h2c upstreams. A connection handed over stays with node:http.
// Pipelining: requests are answered in order; bytes of the next request wait in the buffer (the
// socket is paused when they pile up) until the current response is complete.
//
// Upstreams: per endpoint a LIFO pool of keep-alive sockets; the response head is parsed here and
// re-written (names lower-cased, hop-by-hop headers dropped); the body is relayed unchanged by
// Content-Length, chunked framing (the terminating chunk and trailers are tracked, not rewritten),
// or until close (the client connection is then closed too). HEAD, 1xx (dropped), 204 and 304
// have no body. Backpressure pauses the upstream socket until the client drains. Upstream reads
// land in one shared buffer (no ArrayBuffer per read, which the young GC would have to free in its
// pause); whatever outlives the read callback is copied. The route timeout is one timer per client
// connection, refreshed per request (docs/adr/0011-gateway-tail.md).
import type http from 'node:http';
import net from 'node:net';
import type { Split, Upstream } from './table.ts';

export type Listener = 'external' | 'internal';

/** What the routing code needs of a request: node's IncomingMessage and FastRequest both fit. */
export interface Incoming {
  method?: string | undefined;
  url?: string | undefined;
  rawHeaders: string[];
  socket: { remoteAddress?: string | undefined };
}

export type Resolved = { split: Split; host: string | undefined; extra: [string, string][] | undefined } | { status: number; body: string };

/** The parts of the Gateway the fast path calls. */
export interface Router {
  resolve(req: Incoming, listener: Listener): Resolved;
  headersFor(req: Incoming, split: Split, host: string | undefined, extra: [string, string][] | undefined, upgrade: boolean): string[];
  pickEndpoint(split: Split): Upstream;
}

/** Larger heads go to node:http (whose limit is 16 KiB), so node answers 431, not this file. */
export const MAX_HEAD = 8192;
/** Larger request bodies go to node:http (streamed there). */
export const MAX_BODY = 64 * 1024;
const MAX_PENDING = 256 * 1024;
const UPSTREAM_IDLE_MS = 4_000;
const CLIENT_IDLE_MS = 65_000;
const CLIENT_HEAD_MS = 66_000;
const TEXT = 'text/plain; charset=utf-8';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
/** RFC 9110 tchar. */
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) TOKEN[c] = 1;
for (let c = 65; c <= 90; c++) TOKEN[c] = 1;
for (let c = 97; c <= 122; c++) TOKEN[c] = 1;

const REASONS: Record<number, string> = { 404: 'Not Found', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout', 508: 'Loop Detected' };

function plainText(status: number, body: string, close: boolean): string {
  return `HTTP/1.1 ${status} ${REASONS[status] ?? ''}\r\ncontent-type: ${TEXT}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${close ? 'connection: close\r\n' : ''}\r\n${body}`;
}

/** A value of visible ASCII, SP, HTAB (obs-text and controls go to node:http). */
function plainValue(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 9) || c > 0x7e) return false;
  }
  return true;
}

function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || TOKEN[c] === 0) return false;
  }
  return true;
}

/** s[from..to) without leading and trailing SP/HTAB, sliced once. */
function owsTrimmed(s: string, from: number, to: number): string {
  while (from < to && (s.charCodeAt(from) === 32 || s.charCodeAt(from) === 9)) from++;
  while (to > from && (s.charCodeAt(to - 1) === 32 || s.charCodeAt(to - 1) === 9)) to--;
  return s.slice(from, to);
}

function digitsOnly(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A request the fast path took: the shape routing code reads (see Incoming). */
interface FastRequest extends Incoming {
  method: string;
  url: string;
  bodyLength: number;
  close: boolean;
}

/**
 * Parses a request head (without the final CRLFCRLF). Returns undefined for anything this path does
 * not take (node:http then parses it and decides: serve it, or answer 400/431/…).
 */
export function parseRequestHead(head: string, socket: { remoteAddress?: string | undefined }): FastRequest | undefined {
  let eol = head.indexOf('\r\n');
  const line = eol < 0 ? head : head.slice(0, eol);
  const sp1 = line.indexOf(' ');
  const sp2 = line.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 <= sp1 + 1) return undefined;
  const method = line.slice(0, sp1);
  if (!METHODS.has(method)) return undefined;
  if (line.length - sp2 !== 9 || !line.endsWith(' HTTP/1.1')) return undefined;
  const url = line.slice(sp1 + 1, sp2);
  if (url.charCodeAt(0) !== 47 /* / */) return undefined;
  for (let i = 1; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return undefined;
  }
  const raw: string[] = [];
  let hosts = 0;
  let bodyLength = 0;
  let lengths = 0;
  let close = false;
  while (eol >= 0) {
    const start = eol + 2;
    eol = head.indexOf('\r\n', start);
    const end = eol < 0 ? head.length : eol;
    const colon = head.indexOf(':', start);
    if (colon <= start || colon >= end) return undefined;
    const name = head.slice(start, colon);
    if (!isToken(name)) return undefined;
    const value = owsTrimmed(head, colon + 1, end);
    if (!plainValue(value)) return undefined;
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === 'host') hosts++;
        break;
      case 6:
        if (name.toLowerCase() === 'expect') return undefined;
        break;
      case 7:
        if (name.toLowerCase() === 'upgrade') return undefined;
        break;
      case 10:
        if (name.toLowerCase() === 'connection') {
          const l = value.toLowerCase();
          if (l === 'close') close = true;
          else if (l !== 'keep-alive') return undefined;
        }
        break;
      case 14:
        if (name.toLowerCase() === 'content-length') {
          if (!digitsOnly(value) || ++lengths > 1) return undefined;
          bodyLength = Number(value);
          if (bodyLength > MAX_BODY) return undefined;
        }
        break;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') return undefined;
        break;
      default:
    }
    raw.push(name, value);
  }
  if (hosts !== 1) return undefined;
  return { method, url, rawHeaders: raw, socket, bodyLength, close };
}

// --- upstream side ------------------------------------------------------------------------------

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Response framing. */
const NONE = 0; // complete after the head
const LENGTH = 1;
const CHUNKED = 2;
const UNTIL_CLOSE = 3;

// Chunked scanner states.
const C_SIZE = 0;
const C_EXT = 1;
const C_SIZE_LF = 2;
const C_DATA = 3;
const C_DATA_CR = 4;
const C_DATA_LF = 5;
const C_TRAILER_START = 6;
const C_TRAILER = 7;
const C_TRAILER_LF = 8;
const C_END_LF = 9;
const C_DONE = 10;
const C_ERROR = 11;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Where every upstream socket's reads land (see UpConn); its contents live until the next read. */
const READ_BUFFER = Buffer.allocUnsafeSlow(64 * 1024);

class UpConn {
  readonly socket: net.Socket;
  readonly pool: UpPool;
  x: Exchange | null = null;
  /** Whether this connection carried a response before (a failure may be a stale keep-alive). */
  reused = false;
  idleSince = 0;
  /** How long this connection may sit idle: UPSTREAM_IDLE_MS, or less when the upstream's Keep-Alive hint says so. */
  idleMs = UPSTREAM_IDLE_MS;
  dead = false;
  private head: Buffer | null = null;
  private framing = NONE;
  private left = 0;
  private cstate = C_SIZE;
  private csize = 0;
  private keepAlive = true;
  private inBody = false;
  private paused = false;
  private error: string | undefined;
  private readonly resume = () => {
    this.paused = false;
    this.socket.resume();
  };

  constructor(pool: UpPool) {
    this.pool = pool;
    // Reads land in one buffer shared by every upstream socket (node's `onread`), not in a new
    // ArrayBuffer per read: freeing those was most of each young-generation GC pause (see
    // docs/adr/0011-gateway-tail.md). onData() therefore copies whatever it keeps or hands to an
    // asynchronous write.
    const s = net.connect({
      host: pool.ep.host,
      port: pool.ep.port,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, b: Uint8Array) => {
          this.onData((b as Buffer).subarray(0, n));
          return true; // backpressure pauses the socket itself (see backpressure())
        },
      },
    });
    this.socket = s;
    s.on('error', (e: NodeJS.ErrnoException) => {
      this.error = e.code ?? e.message;
    });
    s.on('end', () => s.destroy());
    s.on('close', () => this.onClose());
  }

  send(x: Exchange): void {
    this.x = x;
    x.up = this;
    this.head = null;
    this.inBody = false;
    this.keepAlive = true;
    this.socket.write(x.upstreamHead, 'latin1');
  }

  /** Drops the connection (not returned to the pool). */
  kill(): void {
    if (this.dead) return;
    this.dead = true;
    this.x = null;
    this.pool.forget(this);
    this.socket.destroy();
  }

  private onClose(): void {
    const x = this.x;
    if (this.dead) return;
    this.dead = true;
    this.x = null;
    this.pool.forget(this);
    if (!x) return;
    if (this.inBody && this.framing === UNTIL_CLOSE) x.finish(true);
    else x.upstreamFailed(this.error ?? 'ECONNRESET', this.reused, this.inBody);
  }

  private onData(d: Buffer): void {
    const x = this.x;
    if (!x) {
      // Bytes with no request outstanding: the connection cannot be trusted any more.
      this.kill();
      return;
    }
    if (!this.inBody) {
      let at: number;
      let buf = d;
      if (this.head) buf = Buffer.concat([this.head, d]);
      for (;;) {
        const end = buf.indexOf(CRLFCRLF);
        if (end < 0) {
          if (buf.length > 65536) return this.bad(x, 'response head too large');
          this.head = Buffer.from(buf); // a copy: buf may be (a view of) the shared read buffer
          return;
        }
        this.head = null;
        const status = this.parseHead(buf.toString('latin1', 0, end), x);
        if (status < 0) return this.bad(x, 'malformed response head');
        at = end + 4;
        if (status >= 100 && status < 200) {
          // 1xx: informational, dropped (Expect requests never take this path).
          buf = buf.subarray(at);
          if (buf.length === 0) return;
          continue;
        }
        d = buf;
        break;
      }
      this.inBody = true;
      x.responded = true;
      const client = x.conn.socket;
      if (this.framing === NONE) {
        this.write(client, x.responseHead);
        if (at < d.length) this.keepAlive = false; // stray bytes after a complete response
        return this.complete(x);
      }
      // The head and (the start of) the body in one write.
      const rest = d.length - at;
      if (this.framing === LENGTH && rest >= this.left) {
        const body = d.toString('latin1', at, at + this.left);
        if (rest > this.left) this.keepAlive = false;
        this.left = 0;
        this.write(client, x.responseHead + body);
        return this.complete(x);
      }
      if (rest === 0) {
        this.write(client, x.responseHead);
        return;
      }
      if (rest <= 16384) {
        const body = d.toString('latin1', at);
        const done = this.account(d, at);
        this.write(client, x.responseHead + body);
        if (done) this.complete(x);
        else if (this.cstate === C_ERROR) this.bad(x, 'bad chunked framing');
        return;
      }
      client.cork();
      this.write(client, x.responseHead);
      const done = this.account(d, at);
      this.writeBuf(client, at === 0 ? d : d.subarray(at));
      client.uncork();
      if (done) this.complete(x);
      else if (this.cstate === C_ERROR) this.bad(x, 'bad chunked framing');
      return;
    }
    const client = x.conn.socket;
    const done = this.account(d, 0);
    if (this.cstate === C_ERROR) return this.bad(x, 'bad chunked framing');
    this.writeBuf(client, d);
    if (done) this.complete(x);
  }

  /**
   * Accounts for body bytes d[at..]: returns true when the response body ends within them. Bytes
   * after the end mean the upstream misbehaves: the connection is then not reused.
   */
  private account(d: Buffer, at: number): boolean {
    if (this.framing === LENGTH) {
      const n = d.length - at;
      if (n > this.left) {
        this.keepAlive = false;
        this.left = 0;
        return true;
      }
      this.left -= n;
      return this.left === 0;
    }
    if (this.framing === UNTIL_CLOSE) return false;
    // CHUNKED
    let i = at;
    const len = d.length;
    let st = this.cstate;
    while (i < len) {
      if (st === C_DATA) {
        const take = Math.min(this.csize, len - i);
        this.csize -= take;
        i += take;
        if (this.csize === 0) st = C_DATA_CR;
        continue;
      }
      const c = d[i++]!;
      switch (st) {
        case C_SIZE: {
          const h = hexValue(c);
          if (h >= 0) {
            this.csize = this.csize * 16 + h;
            if (this.csize > 2 ** 40) st = C_ERROR;
          } else if (c === 59 /* ; */ || c === 32 || c === 9) st = C_EXT;
          else if (c === 13) st = C_SIZE_LF;
          else st = C_ERROR;
          break;
        }
        case C_EXT:
          if (c === 13) st = C_SIZE_LF;
          break;
        case C_SIZE_LF:
          if (c !== 10) st = C_ERROR;
          else st = this.csize === 0 ? C_TRAILER_START : C_DATA;
          break;
        case C_DATA_CR:
          st = c === 13 ? C_DATA_LF : C_ERROR;
          break;
        case C_DATA_LF:
          st = c === 10 ? C_SIZE : C_ERROR;
          break;
        case C_TRAILER_START:
          st = c === 13 ? C_END_LF : C_TRAILER;
          break;
        case C_TRAILER:
          if (c === 13) st = C_TRAILER_LF;
          break;
        case C_TRAILER_LF:
          st = c === 10 ? C_TRAILER_START : C_ERROR;
          break;
        case C_END_LF:
          st = c === 10 ? C_DONE : C_ERROR;
          break;
        default:
      }
      if (st === C_ERROR) break;
      if (st === C_DONE) {
        if (i < len) this.keepAlive = false;
        break;
      }
    }
    this.cstate = st;
    return st === C_DONE;
  }

  private write(client: net.Socket, s: string): void {
    if (!client.write(s, 'latin1')) this.backpressure(client);
  }

  /** Writes a copy of b (a view of the shared read buffer, which the next read overwrites). */
  private writeBuf(client: net.Socket, b: Buffer): void {
    if (!client.write(Buffer.from(b))) this.backpressure(client);
  }

  private backpressure(client: net.Socket): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
    client.once('drain', this.resume);
  }

  private complete(x: Exchange): void {
    this.x = null;
    if (this.paused) {
      x.conn.socket.removeListener('drain', this.resume);
      this.paused = false;
      this.socket.resume();
    }
    this.reused = true;
    // Back to the pool first, so that a pipelined next request of the same client can take it.
    if (this.keepAlive && !this.dead) this.pool.release(this);
    else this.kill();
    x.finish(false);
  }

  private bad(x: Exchange, why: string): void {
    this.kill();
    x.upstreamFailed(why, false, this.inBody);
  }

  /**
   * Parses the status line and headers, builds the client's response head on x, sets framing.
   * Returns the status, or -1 when the head is malformed.
   */
  private parseHead(head: string, x: Exchange): number {
    let eol = head.indexOf('\r\n');
    const line = eol < 0 ? head : head.slice(0, eol);
    if (!line.startsWith('HTTP/1.') || line.length < 12 || line.charCodeAt(12 - 4) !== 32) return -1;
    const status = Number(line.slice(9, 12));
    if (!(status >= 100 && status <= 999)) return -1;
    const http10 = line.charCodeAt(7) === 48; /* HTTP/1.0 */
    const reason = line.length > 13 ? line.slice(13) : '';
    if (status < 200) {
      // Nothing of a 1xx head reaches the client; skip its headers.
      return status;
    }
    let out = `HTTP/1.1 ${status} ${reason}\r\n`;
    let length = -1;
    let chunked = false;
    let te = false;
    let keepAlive = !http10;
    while (eol >= 0) {
      const start = eol + 2;
      eol = head.indexOf('\r\n', start);
      const end = eol < 0 ? head.length : eol;
      const colon = head.indexOf(':', start);
      if (colon <= start || colon >= end) return -1;
      const name = head.slice(start, colon).toLowerCase();
      const value = owsTrimmed(head, colon + 1, end);
      switch (name.length) {
        case 2:
          if (name === 'te') continue;
          break;
        case 7:
          if (name === 'upgrade' || name === 'trailer') continue;
          break;
        case 10:
          if (name === 'connection') {
            const l = value.toLowerCase();
            if (l.includes('close')) keepAlive = false;
            else if (l.includes('keep-alive')) keepAlive = true;
            continue;
          }
          if (name === 'keep-alive') {
            // "timeout=5": the upstream closes idle connections after 5 s; stop reusing 1 s before.
            const t = value.indexOf('timeout=');
            if (t >= 0) {
              const secs = parseInt(value.slice(t + 8), 10);
              if (secs >= 0) this.idleMs = Math.min(UPSTREAM_IDLE_MS, Math.max(0, secs * 1000 - 1000));
            }
            continue;
          }
          break;
        case 14:
          if (name === 'content-length') {
            if (!digitsOnly(value) || (length >= 0 && Number(value) !== length)) return -1;
            if (length >= 0) continue;
            length = Number(value);
          }
          break;
        case 16:
          if (name === 'proxy-connection') continue;
          break;
        case 17:
          if (name === 'transfer-encoding') {
            te = true;
            chunked = value.toLowerCase().endsWith('chunked');
          }
          break;
        default:
      }
      out += `${name}: ${value}\r\n`;
    }
    const noBody = x.head || status === 204 || status === 304;
    let close = x.req.close;
    if (noBody) this.framing = NONE;
    else if (chunked) {
      this.framing = CHUNKED;
      this.cstate = C_SIZE;
      this.csize = 0;
      if (length >= 0) {
        // Both: chunked wins (RFC 9112 §6.3); drop the Content-Length line.
        out = out.replace(/\r\ncontent-length: [0-9]+\r\n/, '\r\n');
      }
    } else if (te || length < 0) {
      this.framing = UNTIL_CLOSE;
      keepAlive = false;
      close = true;
    } else if (length === 0) this.framing = NONE;
    else {
      this.framing = LENGTH;
      this.left = length;
    }
    this.keepAlive = keepAlive;
    x.closeClient = close;
    x.responseHead = close ? `${out}connection: close\r\n\r\n` : `${out}\r\n`;
    return status;
  }
}

class UpPool {
  readonly ep: Upstream;
  readonly key: string;
  private readonly idle: UpConn[] = [];
  private readonly waiting: Exchange[] = [];
  private total = 0;
  private readonly max: number;
  /** Dropped from the table: connections close when their exchange ends. */
  closed = false;

  constructor(ep: Upstream, key: string, max: number) {
    this.ep = ep;
    this.key = key;
    this.max = max;
  }

  /** Sends x on an idle connection (the most recently used), a new one, or queues it. */
  acquire(x: Exchange, fresh: boolean): void {
    if (!fresh) {
      for (;;) {
        const c = this.idle.pop();
        if (!c) break;
        if (c.idleMs < UPSTREAM_IDLE_MS && Date.now() - c.idleSince >= c.idleMs) {
          c.kill();
          continue;
        }
        c.send(x);
        return;
      }
    }
    if (this.total < this.max) {
      this.total++;
      new UpConn(this).send(x);
      return;
    }
    this.waiting.push(x);
  }

  release(c: UpConn): void {
    if (this.closed) {
      c.kill();
      return;
    }
    for (;;) {
      const w = this.waiting.shift();
      if (!w) break;
      if (w.done) continue;
      c.send(w);
      return;
    }
    c.idleSince = Date.now();
    this.idle.push(c);
  }

  /** A connection closed or was dropped. */
  forget(c: UpConn): void {
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    this.total--;
    if (this.waiting.length > 0 && this.total < this.max) {
      const w = this.waiting.shift()!;
      if (!w.done) this.acquire(w, true);
    }
  }

  /** Closes connections idle for longer than UPSTREAM_IDLE_MS. */
  sweep(now: number): void {
    for (const c of [...this.idle]) if (now - c.idleSince > c.idleMs) c.kill();
  }

  close(): void {
    this.closed = true;
    for (const c of [...this.idle]) c.kill();
    this.waiting.length = 0;
  }
}

// --- exchanges and client connections -------------------------------------------------------------

class Exchange {
  readonly conn: ClientConn;
  readonly req: FastRequest;
  readonly split: Split;
  readonly ep: Upstream;
  readonly upstreamHead: string;
  readonly head: boolean;
  readonly pool: UpPool;
  attempt = 0;
  done = false;
  responseHead = '';
  closeClient = false;
  /** Set when the response head went to the client. */
  responded = false;
  /** When the route timeout expires (Date.now() ms); the client connection's timer checks it. */
  deadline = 0;
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

  private end(): void {
    this.done = true;
    this.split.stats.inFlight--;
  }

  /** The response is complete (or, closed: the upstream closed a read-until-close body). */
  finish(_closed: boolean): void {
    if (this.done) return;
    this.end();
    this.conn.exchangeDone(this.closeClient);
  }

  upstreamFailed(code: string, reused: boolean, responded: boolean): void {
    if (this.done) return;
    if (responded || this.responded) {
      this.end();
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
    this.end();
    this.conn.reply(502, `upstream ${this.ep.host}:${this.ep.port} for revision "${this.split.revision}": ${code}\n`, this.req.close);
  }

  timeout(): void {
    if (this.done) return;
    const up = this.findUp();
    this.end();
    up?.kill();
    if (this.responded) this.conn.socket.destroy();
    else this.conn.reply(504, 'request timeout\n', this.req.close);
  }

  /** Called by the client connection when it closes before the response completed. */
  abort(): void {
    if (this.done) return;
    const up = this.findUp();
    this.end();
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
      const end = buf.indexOf(CRLFCRLF);
      if (end < 0) {
        if (buf.length > MAX_HEAD) this.handOver();
        return;
      }
      if (end + 4 > MAX_HEAD) return this.handOver();
      const req = parseRequestHead(buf.toString('latin1', 0, end), this);
      if (!req) return this.handOver();
      const total = end + 4 + req.bodyLength;
      if (buf.length < total) return; // the body is still coming
      const r = this.fast.router.resolve(req, this.listener);
      if ('status' in r) {
        this.consume(total);
        this.fast.counts.served++;
        const close = req.close || this.ended;
        this.socket.write(plainText(r.status, r.body, close));
        if (close) {
          this.socket.end();
          this.buf = null;
          return;
        }
        continue;
      }
      const split = r.split;
      // containerConcurrency > 0: node:http's path, where the activator's per-pod breaker is (issue #9).
      if (split.endpoints.length === 0 || split.h2c || split.containerConcurrency > 0 || !this.fast.safeSplit(split, r.extra, r.host)) return this.handOver();
      const ep = this.fast.router.pickEndpoint(split);
      const headers = this.fast.router.headersFor(req, split, r.host, r.extra, false);
      let head = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < headers.length; i += 2) {
        const v = headers[i + 1]!;
        head += `${headers[i]!}: ${v}\r\n`;
      }
      head += '\r\n';
      if (req.bodyLength > 0) head += buf.toString('latin1', end + 4, total);
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
    this.socket.write(plainText(status, body, close || this.ended));
    this.after(close);
  }

  exchangeDone(close: boolean): void {
    this.busy = null;
    if (this.closed) return;
    this.after(close);
  }

  private after(close: boolean): void {
    // A server that stopped listening (shutting down) keeps no connection once its request is done.
    if (close || this.ended || !this.server.listening) {
      this.socket.end();
      this.buf = null;
      return;
    }
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    if (this.buf) this.process();
  }

  /** Gives the socket, with every unconsumed byte, to node:http (between two requests). */
  private handOver(): void {
    const s = this.socket;
    s.removeListener('data', this.onData);
    s.removeListener('end', this.onEnd);
    s.removeListener('close', this.onClose);
    s.removeListener('error', this.onError);
    this.fast.conns.delete(this);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.fast.counts.handedOver++;
    this.closed = true;
    const rest = this.buf;
    this.buf = null;
    if (rest) s.unshift(rest);
    if (this.paused) s.resume();
    this.fast.nodeConnection(this.server).call(this.server, s);
  }
}

export class FastPath {
  readonly router: Router;
  readonly conns = new Set<ClientConn>();
  /** Requests answered here, and connections handed to node:http (for tests and debugging). */
  readonly counts = { served: 0, handedOver: 0 };
  private readonly pools = new Map<string, UpPool>();
  private readonly byEndpoint = new WeakMap<Upstream, UpPool>();
  private readonly maxSockets: number;
  private readonly nodeListeners = new WeakMap<http.Server, (s: net.Socket) => void>();
  private readonly checked = new WeakMap<Split, boolean>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(router: Router, maxSockets: number) {
    this.router = router;
    this.maxSockets = maxSockets;
  }

  /** Takes over an http.Server's connections: plain requests here, the rest to its own handler. */
  attach(server: http.Server, listener: Listener): void {
    const node = server.listeners('connection')[0] as ((s: net.Socket) => void) | undefined;
    if (!node) throw new Error('http.Server without a connection listener');
    server.removeListener('connection', node);
    this.nodeListeners.set(server, node);
    server.on('connection', (s: net.Socket) => this.conns.add(new ClientConn(this, server, s, listener)));
    const closeAll = server.closeAllConnections.bind(server);
    const closeIdle = server.closeIdleConnections.bind(server);
    server.closeAllConnections = () => {
      for (const c of [...this.conns]) if (c.server === server) c.socket.destroy();
      closeAll();
    };
    server.closeIdleConnections = () => {
      for (const c of [...this.conns]) if (c.server === server && c.idle) c.socket.destroy();
      closeIdle();
    };
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
    for (const [key, p] of this.pools) {
      if (live.has(key)) continue;
      this.pools.delete(key);
      p.close();
    }
  }

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
