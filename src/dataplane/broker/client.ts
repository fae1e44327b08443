// The broker's delivery client: one POST per call on raw keep-alive HTTP/1.1 sockets, a LIFO pool
// per origin (at most `maxPerOrigin` connections, further calls wait their turn). Why not undici or
// node:http (an exception to "use the library made for the job", as the gateway's fast path, ADR
// 0006): their request and response objects cost more CPU per delivery than all of the broker's own
// work (bench/broker, docs/adr/0020-broker-hot-path.md). The request goes out in one write; the
// response head is read by the gateway's parser (response-head.ts: status, framing, keep-alive, the
// idle hint; fuzzed against node's), a chunked body is framed by its scanner (chunked.ts). What the
// caller gets: the status, the header fields (lower-case names), and the body (at most
// maxResponseBytes: the rest is not read and the connection is dropped). A failure before any
// response is status 0 with the reason; a reused connection that fails before any response byte
// (a keep-alive connection the subscriber just closed) is retried once on a new one.
// https: targets go through undici, loaded on first use.
import net from 'node:net';
import type * as Undici from 'undici';
import { CHUNKED_ERROR, CHUNKED_MORE, ChunkedScanner } from '../gateway/chunked.ts';
import { CHUNKED, LENGTH, NONE, type ResponseFraming, UNTIL_CLOSE, UPSTREAM_IDLE_MS, parseResponseHead } from '../gateway/response-head.ts';

export interface Response {
  /** 0: no response (the connection failed, timed out, or the response was malformed). */
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}
export type Done = (r: Response) => void;

/** Without a delivery timeout, a call still ends (as undici's default headers/body timeouts). */
export const DEFAULT_TIMEOUT_MS = 300_000;
const CRLFCRLF = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;
/** Where every delivery socket's reads land; its contents live until the next read. */
const READ_BUFFER = Buffer.allocUnsafeSlow(64 * 1024);

interface Origin {
  host: string;
  port: number;
  /** host[:port] for the Host header. */
  authority: string;
  idle: Conn[];
  waiting: Call[];
  total: number;
}

class Call {
  readonly origin: Origin;
  /** The request as it goes on the wire (latin1). */
  readonly wire: string;
  readonly timeoutMs: number;
  readonly done: Done;
  deadline = 0;
  retried = false;
  constructor(origin: Origin, wire: string, timeoutMs: number, done: Done) {
    this.origin = origin;
    this.wire = wire;
    this.timeoutMs = timeoutMs;
    this.done = done;
  }
}

class Conn implements ResponseFraming {
  readonly socket: net.Socket;
  readonly client: Client;
  readonly origin: Origin;
  call: Call | null = null;
  reused = false;
  idleSince = 0;
  idleMs = UPSTREAM_IDLE_MS;
  dead = false;
  // ResponseFraming (set by parseResponseHead)
  framing = NONE;
  left = 0;
  keepAlive = true;
  rewritten = '';
  private status = 0;
  private inBody = false;
  private head: Buffer | null = null;
  private body: Buffer[] = [];
  private bodyLen = 0;
  private truncated = false;
  private readonly chunks = new ChunkedScanner();
  private error: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerMs = 0;
  private readonly onTimer = () => this.timerFired();

  constructor(client: Client, origin: Origin) {
    this.client = client;
    this.origin = origin;
    // Reads land in one buffer shared by every delivery socket (node's `onread`, as the gateway's
    // upstream sockets): no stream machinery and no buffer per read; what is kept is copied.
    const s = net.connect({
      host: origin.host,
      port: origin.port,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, b: Uint8Array) => {
          this.onData((b as Buffer).subarray(0, n));
          return true;
        },
      },
    });
    this.socket = s;
    s.on('error', (e: NodeJS.ErrnoException) => {
      this.error = e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' ? e.message : (e.code ?? e.message);
    });
    s.on('end', () => s.destroy());
    s.on('close', () => this.onClose());
  }

  send(c: Call): void {
    this.call = c;
    this.head = null;
    this.inBody = false;
    this.keepAlive = true;
    this.body = [];
    this.bodyLen = 0;
    this.truncated = false;
    this.status = 0;
    this.arm(c);
    this.socket.write(c.wire, 'latin1');
  }

  /** One timer per connection, moved forward per call (no timer allocated per delivery). */
  private arm(c: Call): void {
    c.deadline = Date.now() + c.timeoutMs;
    if (this.timer && this.timerMs === c.timeoutMs) {
      this.timer.refresh();
      return;
    }
    clearTimeout(this.timer);
    this.timerMs = c.timeoutMs;
    this.timer = setTimeout(this.onTimer, c.timeoutMs).unref();
  }

  private timerFired(): void {
    const c = this.call;
    if (!c || this.dead) return;
    const left = c.deadline - Date.now();
    if (left > 0) {
      this.timerMs = -1;
      this.timer = setTimeout(this.onTimer, left).unref();
      return;
    }
    this.fail(c, `timeout after ${c.timeoutMs} ms`, false);
  }

  kill(): void {
    if (this.dead) return;
    this.dead = true;
    this.call = null;
    clearTimeout(this.timer);
    this.client.forget(this);
    this.socket.destroy();
  }

  private onClose(): void {
    const c = this.call;
    if (this.dead) return;
    this.dead = true;
    this.call = null;
    clearTimeout(this.timer);
    this.client.forget(this);
    if (!c) return;
    if (this.inBody && this.framing === UNTIL_CLOSE) return this.deliver(c);
    const early = !this.inBody && this.head === null;
    this.client.failed(c, this.error ?? (this.inBody ? 'connection closed in the response body' : 'socket hang up'), this.reused && early);
  }

  private fail(c: Call, why: string, stale: boolean): void {
    this.kill();
    this.client.failed(c, why, stale);
  }

  private onData(d: Buffer): void {
    const c = this.call;
    if (!c) return this.kill(); // bytes with no request outstanding: the connection cannot be trusted
    let at = 0;
    if (!this.inBody) {
      let buf = this.head ? Buffer.concat([this.head, d]) : d;
      for (;;) {
        const end = buf.indexOf(CRLFCRLF);
        if (end < 0) {
          if (buf.length > 65536) return this.fail(c, 'response head too large', false);
          this.head = Buffer.from(buf); // a copy: buf may be (a view of) the shared read buffer
          return;
        }
        this.head = null;
        const status = parseResponseHead(buf.toString('latin1', 0, end), false, this);
        if (status < 0) return this.fail(c, 'malformed response', false);
        at = end + 4;
        if (status < 200) {
          buf = buf.subarray(at);
          if (buf.length === 0) return;
          continue;
        }
        this.status = status;
        d = buf;
        break;
      }
      this.inBody = true;
      if (this.framing === NONE) {
        if (at < d.length) this.keepAlive = false; // stray bytes after a complete response
        return this.deliver(c);
      }
      if (this.framing === CHUNKED) this.chunks.reset();
    }
    if (at >= d.length) return;
    if (this.framing === LENGTH) {
      const n = d.length - at;
      if (n > this.left) this.keepAlive = false;
      const take = Math.min(n, this.left);
      this.keep(d, at, at + take);
      this.left -= take;
      if (this.left === 0 || this.truncated) this.deliver(c);
      return;
    }
    if (this.framing === UNTIL_CLOSE) {
      this.keep(d, at, d.length);
      if (this.truncated) this.deliver(c);
      return;
    }
    const end = this.chunks.feed(d, at);
    if (end === CHUNKED_ERROR) return this.fail(c, 'bad chunked framing', false);
    this.keep(d, at, end === CHUNKED_MORE ? d.length : end);
    if (end !== CHUNKED_MORE && end < d.length) this.keepAlive = false;
    if (end !== CHUNKED_MORE || this.truncated) this.deliver(c);
  }

  /** Keeps body bytes d[from..to), up to the client's limit (then the response is cut short). */
  private keep(d: Buffer, from: number, to: number): void {
    const room = this.client.maxResponseBytes - this.bodyLen;
    if (to - from > room) {
      to = from + room;
      this.truncated = true;
      this.keepAlive = false;
    }
    if (to > from) {
      this.body.push(Buffer.from(d.subarray(from, to))); // a copy: d is (a view of) the shared read buffer
      this.bodyLen += to - from;
    }
  }

  private deliver(c: Call): void {
    this.call = null;
    this.reused = true;
    let body = this.body.length === 0 ? EMPTY : this.body.length === 1 ? this.body[0]! : Buffer.concat(this.body, this.bodyLen);
    if (this.framing === CHUNKED && body.length) body = dechunk(body);
    const headers = headerFields(this.rewritten);
    this.body = [];
    if (this.keepAlive && !this.dead) this.client.release(this);
    else this.kill();
    c.done({ status: this.status, headers, body });
  }
}

/** The header fields of a head that parseResponseHead wrote (lower-case names, validated): name → value, repeats joined. */
function headerFields(rewritten: string): Record<string, string> {
  let i = rewritten.indexOf('\r\n');
  if (i < 0 || i + 2 >= rewritten.length) return NO_HEADERS;
  const out: Record<string, string> = {};
  while (i >= 0 && i + 2 < rewritten.length) {
    const start = i + 2;
    i = rewritten.indexOf('\r\n', start);
    const line = rewritten.slice(start, i < 0 ? rewritten.length : i);
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 2);
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  }
  return out;
}

/** The data of a chunked body the scanner accepted (possibly cut short: the complete part). */
function dechunk(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  while (i < b.length) {
    const eol = b.indexOf('\r\n', i, 'latin1');
    if (eol < 0) break;
    const size = parseInt(b.toString('latin1', i, eol).split(';')[0]!, 16);
    if (!(size > 0)) break;
    const from = eol + 2;
    parts.push(b.subarray(from, Math.min(from + size, b.length)));
    i = from + size + 2;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

export interface ClientOptions {
  /** Connections per origin (host:port). */
  maxPerOrigin: number;
  maxResponseBytes: number;
}

export class Client {
  readonly maxResponseBytes: number;
  private readonly maxPerOrigin: number;
  private readonly origins = new Map<string, Origin>();
  private readonly targets = new Map<string, { origin: Origin; path: string } | { https: true }>();
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;
  private undici: Promise<typeof Undici> | undefined;
  private agent: Undici.Agent | undefined;

  constructor(o: ClientOptions) {
    this.maxPerOrigin = o.maxPerOrigin;
    this.maxResponseBytes = o.maxResponseBytes;
  }

  /**
   * POSTs to target: `headLines` are the header lines ("name: value\r\n", validated by the caller),
   * without Host and Content-Length. `done` is called once, never synchronously.
   */
  post(target: string, headLines: string, body: Buffer | undefined, timeoutMs: number, done: Done): void {
    const t = this.target(target);
    if (!t) {
      queueMicrotask(() => done({ status: 0, headers: NO_HEADERS, body: Buffer.from(`invalid URL ${target}`) }));
      return;
    }
    if ('https' in t) {
      void this.postUndici(target, headLines, body, timeoutMs, done);
      return;
    }
    const n = body?.length ?? 0;
    const wire = `POST ${t.path} HTTP/1.1\r\nhost: ${t.origin.authority}\r\n${headLines}content-length: ${n}\r\n\r\n${n ? body!.toString('latin1') : ''}`;
    this.acquire(new Call(t.origin, wire, timeoutMs || DEFAULT_TIMEOUT_MS, done), false);
  }

  private target(target: string): { origin: Origin; path: string } | { https: true } | undefined {
    let t = this.targets.get(target);
    if (t) return t;
    let u: URL;
    try {
      u = new URL(target);
    } catch {
      return undefined;
    }
    if (u.protocol === 'https:') t = { https: true };
    else if (u.protocol === 'http:') {
      const authority = u.host;
      let origin = this.origins.get(authority);
      if (!origin) {
        const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
        this.origins.set(authority, (origin = { host, port: Number(u.port || 80), authority, idle: [], waiting: [], total: 0 }));
      }
      t = { origin, path: `${u.pathname}${u.search}` };
    } else return undefined;
    if (this.targets.size > 10_000) this.targets.clear();
    this.targets.set(target, t);
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), 1000);
      this.sweeper.unref();
    }
    return t;
  }

  private acquire(c: Call, fresh: boolean): void {
    if (this.closed) return queueMicrotask(() => c.done({ status: 0, headers: NO_HEADERS, body: Buffer.from('dispatch error: the broker is stopping') }));
    const o = c.origin;
    if (!fresh) {
      for (;;) {
        const conn = o.idle.pop();
        if (!conn) break;
        if (conn.idleMs < UPSTREAM_IDLE_MS && Date.now() - conn.idleSince >= conn.idleMs) {
          conn.kill();
          continue;
        }
        conn.send(c);
        return;
      }
    }
    if (o.total < this.maxPerOrigin) {
      o.total++;
      new Conn(this, o).send(c);
      return;
    }
    o.waiting.push(c);
  }

  release(conn: Conn): void {
    const o = conn.origin;
    const w = o.waiting.shift();
    if (w) return conn.send(w);
    conn.idleSince = Date.now();
    o.idle.push(conn);
  }

  forget(conn: Conn): void {
    const o = conn.origin;
    const i = o.idle.indexOf(conn);
    if (i >= 0) o.idle.splice(i, 1);
    o.total--;
    if (o.waiting.length > 0 && o.total < this.maxPerOrigin) this.acquire(o.waiting.shift()!, true);
  }

  /** A call whose connection failed: once more on a new connection if it was a stale keep-alive one. */
  failed(c: Call, why: string, stale: boolean): void {
    if (stale && !c.retried) {
      c.retried = true;
      this.acquire(c, true);
      return;
    }
    c.done({ status: 0, headers: NO_HEADERS, body: Buffer.from(why) });
  }

  private sweep(): void {
    const now = Date.now();
    for (const o of this.origins.values()) for (const conn of [...o.idle]) if (now - conn.idleSince > conn.idleMs) conn.kill();
  }

  private async postUndici(target: string, headLines: string, body: Buffer | undefined, timeoutMs: number, done: Done): Promise<void> {
    const undici = await (this.undici ??= import('undici'));
    this.agent ??= new undici.Agent({ connections: this.maxPerOrigin, keepAliveTimeout: 30_000, pipelining: 1 });
    const headers: Record<string, string> = {};
    for (const line of headLines.split('\r\n')) {
      const colon = line.indexOf(': ');
      if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 2);
    }
    try {
      const res = await undici.request(target, { method: 'POST', headers, body: body ?? '', dispatcher: this.agent, signal: AbortSignal.timeout(timeoutMs || DEFAULT_TIMEOUT_MS) });
      const chunks: Buffer[] = [];
      let n = 0;
      for await (const ch of res.body) {
        n += (ch as Buffer).length;
        if (n > this.maxResponseBytes) {
          res.body.destroy();
          break;
        }
        chunks.push(ch as Buffer);
      }
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
      done({ status: res.statusCode, headers: h, body: Buffer.concat(chunks) });
    } catch (e) {
      done({ status: 0, headers: NO_HEADERS, body: Buffer.from((e as Error).message) });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const o of this.origins.values()) {
      for (const conn of [...o.idle]) conn.kill();
      o.waiting.length = 0;
    }
    await this.agent?.close();
  }
}
