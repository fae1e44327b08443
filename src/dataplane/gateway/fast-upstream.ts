// The fast path's upstream side: per endpoint a LIFO pool of keep-alive sockets (UpPool) and, per
// socket, the reading of the upstream's response (UpConn): the response head is parsed here and
// re-written (names lower-cased, hop-by-hop headers dropped); the body is relayed unchanged by
// Content-Length, chunked framing (ChunkedScanner finds its end; trailers are relayed as they are),
// or until close (the client connection is then closed too). HEAD, 1xx (dropped), 204 and 304 have
// no body. Backpressure pauses the upstream socket until the client drains. Upstream reads land in
// one shared buffer (no ArrayBuffer per read, which the young GC would have to free in its pause);
// whatever outlives the read callback is copied (docs/adr/0011-gateway-tail.md).
import net from 'node:net';
import { CHUNKED_ERROR, CHUNKED_MORE, ChunkedScanner } from './chunked.ts';
import type { Exchange } from './fast.ts';
import { CHUNKED, LENGTH, NONE, UNTIL_CLOSE, UPSTREAM_IDLE_MS, parseResponseHead } from './response-head.ts';
import type { Upstream } from './table.ts';


const CRLFCRLF = Buffer.from('\r\n\r\n');


/** What account() found. */
const MORE = 0;
const DONE = 1;
const ERROR = 2;

/** Where every upstream socket's reads land (see UpConn); its contents live until the next read. */
const READ_BUFFER = Buffer.allocUnsafeSlow(64 * 1024);

export class UpConn {
  readonly socket: net.Socket;
  readonly pool: UpPool;
  x: Exchange | null = null;
  /** Whether this connection carried a response before (a failure may be a stale keep-alive). */
  reused = false;
  idleSince = 0;
  /** How long this connection may sit idle: UPSTREAM_IDLE_MS, or less when the upstream's Keep-Alive hint says so. */
  idleMs = UPSTREAM_IDLE_MS;
  /** The response head for the client, without its final CRLF (parseResponseHead). */
  rewritten = '';
  dead = false;
  private head: Buffer | null = null;
  framing = NONE;
  left = 0;
  private readonly chunks = new ChunkedScanner();
  keepAlive = true;
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
        const r = this.account(d, at);
        this.write(client, x.responseHead + body);
        if (r === DONE) this.complete(x);
        else if (r === ERROR) this.bad(x, 'bad chunked framing');
        return;
      }
      client.cork();
      this.write(client, x.responseHead);
      const r = this.account(d, at);
      this.writeBuf(client, at === 0 ? d : d.subarray(at));
      client.uncork();
      if (r === DONE) this.complete(x);
      else if (r === ERROR) this.bad(x, 'bad chunked framing');
      return;
    }
    const client = x.conn.socket;
    const r = this.account(d, 0);
    if (r === ERROR) return this.bad(x, 'bad chunked framing');
    this.writeBuf(client, d);
    if (r === DONE) this.complete(x);
  }

  /**
   * Accounts for body bytes d[at..]: MORE, DONE when the response body ends within them, or ERROR
   * (invalid chunked framing). Bytes after the end mean the upstream misbehaves: the connection is
   * then not reused.
   */
  private account(d: Buffer, at: number): number {
    if (this.framing === LENGTH) {
      const n = d.length - at;
      if (n > this.left) {
        this.keepAlive = false;
        this.left = 0;
        return DONE;
      }
      this.left -= n;
      return this.left === 0 ? DONE : MORE;
    }
    if (this.framing === UNTIL_CLOSE) return MORE;
    const end = this.chunks.feed(d, at);
    if (end === CHUNKED_MORE) return MORE;
    if (end === CHUNKED_ERROR) return ERROR;
    if (end < d.length) this.keepAlive = false;
    return DONE;
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

  /** Parses the response head into this connection's framing; builds the client's head on x. */
  private parseHead(head: string, x: Exchange): number {
    const status = parseResponseHead(head, x.head, this);
    if (status < 200) return status;
    x.status = status;
    if (this.framing === CHUNKED) this.chunks.reset();
    const close = x.req.close || this.framing === UNTIL_CLOSE;
    x.closeClient = close;
    x.responseHead = close ? `${this.rewritten}connection: close\r\n\r\n` : `${this.rewritten}\r\n`;
    return status;
  }
}

export class UpPool {
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
    for (;;) {
      const w = this.waiting.shift();
      if (!w) break;
      if (w.done) continue;
      c.send(w);
      return;
    }
    // A pool dropped from the table keeps a connection only while exchanges still wait for it.
    if (this.closed) {
      c.kill();
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

  /**
   * The endpoint left the table: idle connections close, busy ones finish their exchange. Each
   * exchange still queued goes to `requeue` (another ready endpoint of its revision, if the table
   * has one); the others are sent here as busy connections free up, like node:http's pools that
   * close gracefully — a gone pod then fails them at once (502), never at the route timeout.
   */
  close(requeue?: (x: Exchange) => boolean): void {
    this.closed = true;
    for (const c of [...this.idle]) c.kill();
    const queued = this.waiting.splice(0);
    for (const x of queued) if (!x.done && !requeue?.(x)) this.waiting.push(x);
  }
}

