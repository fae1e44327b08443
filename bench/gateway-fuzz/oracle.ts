// Node's own HTTP/1.1 parser (llhttp, with node:http's checks on top) as the fuzzer's oracle, in
// process: a real http.Server (the gateway's options) and a real http.request client, each fed a
// byte string through an in-memory Duplex instead of a TCP socket. No network, no private bindings.
import http from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/** One request as node:http read it. */
export interface OracleRequest {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
  /** The body was read to its end. */
  complete: boolean;
}

export interface OracleRequests {
  requests: OracleRequest[];
  /** node's parse error code (clientError), if any. */
  error: string | undefined;
  /** The connection switched protocols (Upgrade/CONNECT): node stopped reading requests there. */
  switched: boolean;
}

export interface OracleResponse {
  status: number | undefined;
  rawHeaders: string[];
  body: Buffer;
  rawTrailers: string[];
  /** The response was read to its end without an error. */
  complete: boolean;
  error: string | undefined;
}

function memorySocket(): Duplex & { remoteAddress?: string } {
  const s = new Duplex({
    read() {},
    write(_c, _e, cb) {
      cb();
    },
    final(cb) {
      cb();
    },
  }) as Duplex & { remoteAddress?: string };
  s.remoteAddress = '127.0.0.1';
  s.on('error', () => {});
  return s;
}

const settle = () => new Promise<void>((r) => setImmediate(() => setImmediate(r)));

/** Reads requests out of byte strings as the gateway's node:http server would. */
export class RequestOracle {
  private readonly server: http.Server;
  private readonly current = new WeakMap<object, { out: OracleRequests; pending: number; done: () => void }>();

  constructor() {
    // The options of Gateway.createServer (proxy.ts) that bear on parsing.
    this.server = http.createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000, requestTimeout: 0, optimizeEmptyRequests: true });
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const c = this.current.get(req.socket);
      if (!c) return;
      const r: OracleRequest = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.alloc(0), complete: false };
      c.out.requests.push(r);
      c.pending++;
      const parts: Buffer[] = [];
      let settled = false;
      const end = (complete: boolean) => {
        if (settled) return;
        settled = true;
        r.complete = complete;
        r.body = Buffer.concat(parts);
        if (!res.headersSent) res.end();
        c.pending--;
        c.done();
      };
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => end(true));
      req.on('error', () => end(false));
      req.on('close', () => end(req.complete));
      // optimizeEmptyRequests: a request without a body comes already ended (no 'end' event).
      if (req.readableEnded) end(true);
      else req.resume();
    };
    this.server.on('request', onRequest);
    this.server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeContinue();
      onRequest(req, res);
    });
    this.server.on('checkExpectation', onRequest);
    const switched = (req: http.IncomingMessage, socket: Duplex) => {
      const c = this.current.get(socket);
      if (c) {
        c.out.requests.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, body: Buffer.alloc(0), complete: true });
        c.out.switched = true;
      }
      socket.destroy();
    };
    this.server.on('upgrade', switched);
    this.server.on('connect', switched);
    this.server.on('clientError', (e: NodeJS.ErrnoException, socket: Duplex) => {
      const c = this.current.get(socket);
      if (c && c.out.error === undefined) c.out.error = e.code ?? e.message;
      socket.destroy();
    });
  }

  /** Every request node reads from `bytes` followed by the end of the stream. */
  read(bytes: Buffer): Promise<OracleRequests> {
    return new Promise((resolve) => {
      const out: OracleRequests = { requests: [], error: undefined, switched: false };
      const sock = memorySocket();
      let closed = false;
      const c = {
        out,
        pending: 0,
        done: () => {
          if (closed && c.pending === 0) void settle().then(() => resolve(out));
        },
      };
      this.current.set(sock, c);
      sock.on('close', () => {
        closed = true;
        c.done();
      });
      this.server.emit('connection', sock);
      sock.push(bytes);
      sock.push(null);
    });
  }
}

/** Reads one response out of a byte string as a node:http client would. */
export function readResponse(bytes: Buffer, method: string): Promise<OracleResponse> {
  return new Promise((resolve) => {
    const out: OracleResponse = { status: undefined, rawHeaders: [], body: Buffer.alloc(0), rawTrailers: [], complete: false, error: undefined };
    const sock = memorySocket();
    const parts: Buffer[] = [];
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      out.body = Buffer.concat(parts);
      void settle().then(() => resolve(out));
    };
    // createConnection hands node the in-memory socket (no agent: an agent would dial itself); the
    // address is loopback all the same, so that nothing could ever leave the machine.
    const req = http.request({ method, path: '/', host: '127.0.0.1', port: 9, createConnection: () => sock as unknown as Socket });
    req.on('response', (res: http.IncomingMessage) => {
      out.status = res.statusCode;
      out.rawHeaders = res.rawHeaders;
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        out.rawTrailers = res.rawTrailers;
        // node's client also ends a response cut short by the connection's end (a chunked body
        // without its last chunk): `complete` says whether the message was read to its end.
        if (out.error === undefined) out.complete = res.complete;
        finish();
      });
      res.on('error', (e: NodeJS.ErrnoException) => {
        out.error ??= e.code ?? e.message;
        out.complete = false;
        finish();
      });
      res.on('aborted', () => {
        out.error ??= 'aborted';
        out.complete = false;
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      out.error ??= e.code ?? e.message;
      out.complete = false;
      finish();
    });
    req.on('close', () => setImmediate(finish));
    req.end();
    setImmediate(() => {
      sock.push(bytes);
      sock.push(null);
    });
  });
}
