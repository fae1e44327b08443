// The ingress fast path: plain event POSTs read and answered on the raw socket, in front of the
// node:http server (the same design as the gateway's, ADR 0006, and the same framing code:
// gateway/request-head.ts, which takes only requests node's parser reads the same way). node:http's
// request and response objects cost more CPU per event than the broker's own work
// (docs/adr/0020-broker-hot-path.md).
//   - taken here: POST /<namespace>/<broker> of a Broker this process serves (for the
//     InMemoryChannel dispatcher: the channel its Host or path names, channel/main.ts), framed by
//     frameRequest() (HTTP/1.1, Content-Length body of at most 64 KiB, no Expect/Upgrade/
//     Transfer-Encoding), with no header name repeated; the event is parsed by the same
//     parseEvent() and ingested by the same Engine.ingest() as on the node:http path, and answered
//     with the same status codes (202, 400, 404 for a TTL… see server.ts) and headers;
//   - handed over (the socket, with every unconsumed byte unshifted, between two requests): all the
//     rest (other methods and paths, unknown Brokers, larger bodies, repeated headers, anything
//     frameRequest does not take). A connection handed over stays with node:http.
// Responses to pipelined requests go out in one write, in order.
import type http from 'node:http';
import type net from 'node:net';
import { HAND_OVER, INCOMPLETE, frameRequest, type FastRequest } from '../gateway/request-head.ts';
import { handBack, takeOver } from '../gateway/takeover.ts';
import type { Engine } from './dispatcher.ts';
import { BadEvent, parseEvent } from './event.ts';

/** node:http's keep-alive timeout on the ingress (main.ts): an idle connection is closed after it. */
const IDLE_MS = 65_000;
/** A request still incomplete after this long closes the connection (node's headersTimeout is 60 s). */
const REQUEST_MS = 66_000;
const REASONS: Record<number, string> = { 202: 'Accepted', 400: 'Bad Request', 404: 'Not Found', 429: 'Too Many Requests' };

let dateSec = 0;
let date = '';
function httpDate(): string {
  const now = Date.now();
  const sec = Math.floor(now / 1000);
  if (sec !== dateSec) {
    dateSec = sec;
    date = new Date(now).toUTCString();
  }
  return date;
}

let accepted = '';
let acceptedSec = -1;
/**
 * The answer node:http's path (server.ts end()) gives, byte for byte but for header order; the
 * common one (202, keep-alive) is made once a second.
 */
function answer(code: number, close: boolean): string {
  const d = httpDate();
  if (code !== 202 || close) return build(code, close, d);
  if (acceptedSec !== dateSec) {
    accepted = build(202, false, d);
    acceptedSec = dateSec;
  }
  return accepted;
}

function build(code: number, close: boolean, d: string): string {
  return (
    `HTTP/1.1 ${code} ${REASONS[code] ?? ''}\r\nallow: POST, OPTIONS\r\n${code === 429 ? 'retry-after: 1\r\n' : ''}content-length: 0\r\n` +
    `date: ${d}\r\n${close ? 'connection: close\r\n' : 'connection: keep-alive\r\nkeep-alive: timeout=65\r\n'}\r\n`
  );
}

class Conn {
  readonly socket: net.Socket;
  readonly fast: FastIngress;
  readonly server: http.Server;
  lastActive = Date.now();
  /** Since when the bytes in buf (an incomplete request) have been waiting. */
  waitingSince = 0;
  private buf: Buffer | null = null;
  private ended = false;
  private done = false;
  private readonly onData = (d: Buffer) => this.data(d);
  private readonly onEnd = () => this.end();
  private readonly onClose = () => this.close();
  private readonly onError = () => {};
  private readonly onDrain = () => this.socket.resume();

  constructor(fast: FastIngress, server: http.Server, socket: net.Socket) {
    this.fast = fast;
    this.server = server;
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
  }

  get idle(): boolean {
    return this.buf === null;
  }

  private data(d: Buffer): void {
    this.lastActive = Date.now();
    this.buf = this.buf ? Buffer.concat([this.buf, d]) : d;
    this.process();
    if (this.buf === null) this.waitingSince = 0;
    else if (this.waitingSince === 0) this.waitingSince = this.lastActive;
  }

  private end(): void {
    this.ended = true;
    this.process();
    if (!this.done) this.socket.end();
  }

  private close(): void {
    this.done = true;
    this.fast.conns.delete(this);
  }

  private process(): void {
    let out = '';
    while (this.buf && !this.done) {
      const buf = this.buf;
      const req = frameRequest(buf, this.socket);
      if (req === INCOMPLETE) break;
      const code = req === HAND_OVER ? 0 : this.serve(req, buf);
      if (code === 0) {
        if (out) this.socket.write(out, 'latin1');
        // A client that half-closed cannot be handed over (its stream has ended): what it sent
        // after the requests answered here is dropped with the connection.
        if (this.ended) {
          this.buf = null;
          this.socket.end();
          return;
        }
        return this.handOver();
      }
      this.buf = req === HAND_OVER || req.end >= buf.length ? null : buf.subarray(req.end);
      const close = (req as FastRequest).close || !this.server.listening;
      out += answer(code, close);
      if (close) {
        this.done = true;
        this.buf = null;
        this.socket.end(out, 'latin1');
        return;
      }
    }
    if (out && !this.socket.write(out, 'latin1')) {
      // The client does not read its answers: stop reading its requests until it does.
      this.socket.pause();
      this.socket.once('drain', this.onDrain);
    }
  }

  /** The status for a request served here, or 0: node:http takes it. */
  private serve(req: FastRequest, buf: Buffer): number {
    if (req.method !== 'POST') return 0;
    const raw = req.rawHeaders;
    const headers: Record<string, string> = {};
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      if (headers[name] !== undefined) return 0;
      headers[name] = raw[i + 1]!;
    }
    const fast = this.fast;
    // The engine's key of the target (a served Broker or channel), or undefined: node:http answers.
    const key = fast.keyOf(req.url, headers.host);
    if (key === undefined || !fast.engine.broker(key)) return 0;
    let ev;
    try {
      ev = parseEvent(headers, buf.subarray(req.bodyStart, req.end));
    } catch (e) {
      if (e instanceof BadEvent) {
        fast.log({ broker: key, err: e.message }, 'rejected a bad event');
        return 400;
      }
      throw e;
    }
    return fast.engine.ingest(key, ev);
  }

  /** Gives the socket, with every unconsumed byte, to node:http (between two requests). */
  private handOver(): void {
    this.fast.conns.delete(this);
    this.fast.counts.handedOver++;
    this.done = true;
    const rest = this.buf;
    this.buf = null;
    const l = { data: this.onData, end: this.onEnd, close: this.onClose, error: this.onError };
    handBack(this.server, this.fast.nodeListener, this.socket, l, rest, false);
  }
}

/**
 * The broker's key of a request: `/<namespace>/<broker>[/]` is "<namespace>/<broker>" (the table's
 * keys are exactly that, so the engine's lookup is the check; anything else, a query string
 * included, is not served here and node:http answers it).
 */
export function brokerKeyOf(url: string): string | undefined {
  return url.slice(1, url.charCodeAt(url.length - 1) === 47 ? url.length - 1 : url.length);
}

export class FastIngress {
  readonly engine: Engine;
  readonly log: (o: object, msg: string) => void;
  /** The engine's key of a request (url, Host header), or undefined. */
  readonly keyOf: (url: string, host: string | undefined) => string | undefined;
  readonly conns = new Set<Conn>();
  /** Connections handed to node:http (tests). */
  readonly counts = { handedOver: 0 };
  nodeListener!: (s: net.Socket) => void;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(engine: Engine, log: (o: object, msg: string) => void, keyOf: FastIngress['keyOf'] = brokerKeyOf) {
    this.engine = engine;
    this.log = log;
    this.keyOf = keyOf;
  }

  /** Takes over the server's connections: event POSTs here, the rest to its own handler. */
  attach(server: http.Server): void {
    this.nodeListener = takeOver(server, this.conns, (s: net.Socket) => this.conns.add(new Conn(this, server, s)));
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const c of this.conns) if (now - c.lastActive > IDLE_MS || (c.waitingSince && now - c.waitingSince > REQUEST_MS)) c.socket.destroy();
    }, 1000);
    this.sweeper.unref();
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
