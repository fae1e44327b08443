// The broker's HTTP front: the ingress (POST /<namespace>/<broker>, upstream's status codes) and
// the admin listener (/healthz, /readyz, /metrics, and /tail/<namespace>/<broker>: the events a
// Broker accepts, live, as NDJSON, optionally filtered by a CESQL expression).
import type http from 'node:http';
import { compileCesql } from '../../api/eventing/cesql.ts';
import type { Engine } from './dispatcher.ts';
import { BadEvent, parseEvent } from './event.ts';

export const MAX_BODY = 4 << 20;
const ALLOW = 'POST, OPTIONS';

function end(res: http.ServerResponse, code: number, headers: Record<string, string> = {}): void {
  res.writeHead(code, { allow: ALLOW, ...headers, 'content-length': '0' });
  res.end();
}

export function ingressHandler(engine: Engine, log: (o: object, msg: string) => void = () => {}): http.RequestListener {
  return (req, res) => {
    if (req.method === 'OPTIONS') return end(res, 200, { 'webhook-allowed-origin': '*', 'webhook-allowed-rate': '*' });
    if (req.method !== 'POST') {
      req.resume();
      return end(res, 405);
    }
    const url = req.url ?? '/';
    if (url === '/') {
      req.resume();
      return end(res, 404);
    }
    const parts = url.replace(/\/$/, '').split('/');
    if (parts.length !== 3 || !parts[1] || !parts[2]) {
      req.resume();
      return end(res, 400);
    }
    const key = `${parts[1]}/${parts[2]}`;
    if (!engine.broker(key)) {
      req.resume();
      return end(res, 404);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (tooLarge) return end(res, 413);
      let ev;
      try {
        ev = parseEvent(req.headers, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
      } catch (e) {
        if (e instanceof BadEvent) {
          log({ broker: key, err: e.message }, 'rejected a bad event');
          return end(res, 400);
        }
        throw e;
      }
      const code = engine.ingest(key, ev);
      end(res, code, code === 429 ? { 'retry-after': '1' } : {});
    });
    req.on('error', () => res.destroy());
  };
}

export function adminHandler(engine: Engine, ready: () => boolean, metrics: () => Promise<string>): http.RequestListener {
  return (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/healthz') return void res.end('ok');
    if (u.pathname === '/readyz') {
      res.statusCode = ready() ? 200 : 503;
      return void res.end(ready() ? 'ok' : 'not ready');
    }
    if (u.pathname === '/metrics') {
      void metrics().then((m) => {
        res.setHeader('content-type', 'text/plain; version=0.0.4');
        res.end(m);
      });
      return;
    }
    const m = /^\/tail\/([^/]+)\/([^/]+)\/?$/.exec(u.pathname);
    if (m && req.method === 'GET') {
      const key = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
      if (!engine.broker(key)) {
        res.statusCode = 404;
        return void res.end(`broker ${key} not found\n`);
      }
      const expr = u.searchParams.get('filter');
      let filter: ((a: Record<string, unknown>) => boolean) | undefined;
      if (expr) {
        try {
          const f = compileCesql(expr);
          filter = (a) => f((n) => a[n] as string | number | boolean | undefined);
        } catch (e) {
          res.statusCode = 400;
          return void res.end(`invalid filter: ${(e as Error).message}\n`);
        }
      }
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      res.flushHeaders();
      // A reader that does not keep up misses events rather than holding the broker's memory.
      const remove = engine.addTail(key, { ...(filter ? { filter } : {}), write: (line) => (res.writableLength < 1 << 20 ? res.write(line) : false) });
      const ping = setInterval(() => res.write('\n'), 15_000);
      res.on('close', () => {
        clearInterval(ping);
        remove();
      });
      return;
    }
    res.statusCode = 404;
    res.end('not found\n');
  };
}
