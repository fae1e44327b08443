// The node:http path's upstream side: a request node:http parsed is forwarded over an undici Pool
// (HTTP/1.1, keep-alive, one per endpoint) or one HTTP/2 session per h2c endpoint, streaming in
// both directions, under the route's timeout.
import type http from 'node:http';
import type http2 from 'node:http2';
import type { Dispatcher, Pool } from 'undici';
import { connectionTokens, hasBody, isHopByHop, isNominated, upstreamHeaders } from './headers.ts';
import { plain } from './replies.ts';
import { http2 as loadHttp2, undici } from './node-http.ts';
import { hostOf, pickEndpoint } from './routing.ts';
import type { Split, Upstream } from './table.ts';

/** HTTP/2 also forbids these (RFC 9113 §8.2.2), and the pseudo-headers replace Host. */
function isH2Forbidden(lower: string): boolean {
  return lower === 'host' || lower === 'transfer-encoding' || isHopByHop(lower);
}

export class NodeForwarder {
  /** One undici Pool (keep-alive, no pipelining) per HTTP/1.1 upstream endpoint, "host:port" → pool. */
  private readonly pools = new Map<string, Pool>();
  private readonly h2Sessions = new Map<string, http2.ClientHttp2Session>();
  private readonly maxSocketsPerEndpoint: number;

  constructor(maxSocketsPerEndpoint: number) {
    this.maxSocketsPerEndpoint = maxSocketsPerEndpoint;
  }

  /** Pools of endpoints not in `live` close gracefully (requests in flight finish). */
  dropPools(live: Set<string>): void {
    for (const [key, pool] of this.pools) {
      if (live.has(key)) continue;
      this.pools.delete(key);
      pool.close().catch(() => {});
    }
  }

  close(): void {
    for (const p of this.pools.values()) p.destroy().catch(() => {});
    this.pools.clear();
    for (const s of this.h2Sessions.values()) s.destroy();
    this.h2Sessions.clear();
  }

  /** The keep-alive pool of one HTTP/1.1 endpoint. */
  pool(ep: Upstream): Pool {
    const key = `${ep.host}:${ep.port}`;
    let p = this.pools.get(key);
    if (!p) {
      const origin = ep.host.includes(':') ? `http://[${ep.host}]:${ep.port}` : `http://${ep.host}:${ep.port}`;
      p = new (undici().Pool)(origin, {
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

  forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    split: Split,
    host: string | undefined,
    extra: [string, string][] | undefined,
  ): void {
    const headers = upstreamHeaders(req, split, host, extra, false);
    const stats = split.stats;
    stats.inFlight++;
    stats.requests++;
    // The timeouts run from dispatch to the upstream (time spent held does not count), as
    // upstream's queue-proxy applies them (serving pkg/http/handler/timeout.go, v0.42): timeoutSeconds
    // and responseStartTimeoutSeconds answer 504 only while no response has started; a response
    // that started is not cut by them. idleTimeoutSeconds cuts an upstream silent that long, before
    // (504) or during the response (the connection is closed: the head is gone).
    let done = false;
    let abort: (() => void) | undefined;
    const cut = () => {
      abort?.();
      if (!res.headersSent) plain(res, 504, 'request timeout\n');
      else res.destroy();
    };
    const rs = split.responseStartTimeoutMs;
    const timer = setTimeout(() => {
      if (!res.headersSent) cut();
    }, rs > 0 && rs < split.timeoutMs ? rs : split.timeoutMs);
    const idle = split.idleTimeoutMs > 0 ? new IdleTimer(split.idleTimeoutMs, cut) : undefined;
    res.once('close', () => {
      done = true;
      clearTimeout(timer);
      idle?.stop();
      stats.inFlight--;
      if (!res.writableFinished) abort?.();
    });
    if (idle) {
      // Every byte the upstream sends resets it (the client's side of the response is what upstream watches).
      const write = res.write;
      res.write = function (this: http.ServerResponse, ...a: Parameters<typeof write>) {
        idle.touch();
        return write.apply(this, a);
      } as typeof write;
      const writeHead = res.writeHead;
      res.writeHead = function (this: http.ServerResponse, ...a: Parameters<typeof writeHead>) {
        idle.touch();
        return writeHead.apply(this, a);
      } as typeof writeHead;
    }
    if (split.h2c) abort = this.forwardH2c(req, res, split, headers, host);
    else abort = this.forwardH1(req, res, split, headers, 0);
    if (done) abort?.();
  }

  private forwardH1(req: http.IncomingMessage, res: http.ServerResponse, split: Split, headers: string[], attempt: number): () => void {
    const x = new H1Exchange(this, req, res, split, pickEndpoint(split), headers, attempt);
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
    s = loadHttp2().connect(authority);
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
    const ep = pickEndpoint(split);
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
        stream.close(loadHttp2().constants.NGHTTP2_CANCEL);
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
      if (!stream.destroyed) stream.close(loadHttp2().constants.NGHTTP2_CANCEL);
    };
  }

}

const ABORTED = new Error('aborted by the gateway');

/** idleTimeoutSeconds: fires when nothing was written for `ms` (one timer, re-armed for the rest). */
class IdleTimer {
  private last = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private readonly ms: number;
  private readonly fire: () => void;
  constructor(ms: number, fire: () => void) {
    this.ms = ms;
    this.fire = fire;
    this.timer = setTimeout(() => this.check(), ms);
  }
  touch(): void {
    this.last = Date.now();
  }
  private check(): void {
    const left = this.last + this.ms - Date.now();
    if (left > 0) this.timer = setTimeout(() => this.check(), left);
    else {
      this.timer = undefined;
      this.fire();
    }
  }
  stop(): void {
    clearTimeout(this.timer);
  }
}

/**
 * One HTTP/1.1 request forwarded over an undici Pool. The object is undici's dispatch handler (no
 * per-request closures on the hot path): the response head goes to the client as soon as it
 * arrives, the body streams with backpressure (pause/resume on the controller), and a
 * Content-Length body's last chunk goes out with end() (head, body and end in one write).
 */
class H1Exchange implements Dispatcher.DispatchHandler {
  readonly gw: NodeForwarder;
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

  constructor(gw: NodeForwarder, req: http.IncomingMessage, res: http.ServerResponse, split: Split, ep: Upstream, headers: string[], attempt: number) {
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
    const conn = headers.connection;
    const hop = conn === undefined ? undefined : typeof conn === 'string' ? connectionTokens(conn, []) : conn.reduce((a: string[], v) => connectionTokens(v, a), []);
    for (const name in headers) {
      const v = headers[name];
      if (v === undefined || isHopByHop(name) || (name.length === 17 && name === 'transfer-encoding') || isNominated(name, hop)) continue;
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

