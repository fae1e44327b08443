// The autoscaler's intake: gateways POST their per-revision reports here (JSON StatReport, once a
// second and at once on a poke). Upstream's activator pushes over a websocket to the autoscaler's
// port 8080; kn-ts uses plain HTTP keep-alive POSTs to the same port of the controller.
import type * as HttpNS from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Autoscaler, RevisionStat, StatReport } from './autoscaler.ts';

// node:http through require, not import (see runtime/manager.ts).
const http = createRequire(import.meta.url)('node:http') as typeof HttpNS;

export const STATS_PATH = '/stats';
const MAX_BODY = 1 << 20;

function isStat(s: unknown): s is RevisionStat {
  const o = s as RevisionStat;
  return !!o && typeof o.namespace === 'string' && typeof o.revision === 'string' && Number.isFinite(o.concurrency) && Number.isFinite(o.rps);
}

/** Parses a report; undefined when it is not one. */
export function parseReport(body: string): StatReport | undefined {
  let o: unknown;
  try {
    o = JSON.parse(body);
  } catch {
    return undefined;
  }
  const r = o as StatReport;
  if (!r || typeof r.gateway !== 'string' || !Array.isArray(r.stats) || !r.stats.every(isStat)) return undefined;
  if (r.poke !== undefined && (!Array.isArray(r.poke) || !r.poke.every((p) => typeof p?.namespace === 'string' && typeof p?.revision === 'string'))) return undefined;
  return r;
}

export function createStatsServer(a: Autoscaler): HttpNS.Server {
  const s = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (req.method !== 'POST' || req.url !== STATS_PATH) {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('report too large\n');
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.writableEnded) return;
      const r = parseReport(Buffer.concat(chunks).toString('utf8'));
      if (!r) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('not a stats report: want {"gateway": string, "stats": [{namespace, revision, concurrency, rps}], "poke"?: [{namespace, revision}]}\n');
        return;
      }
      if (!a.leading()) {
        // Only the leader decides (docs/architecture.md): refuse, and close the connection so the
        // gateway's retry goes through the Service again and can reach the leader.
        a.counts.refused++;
        res.writeHead(503, { 'content-type': 'text/plain', connection: 'close' }).end('not the leader\n');
        return;
      }
      a.ingest(r);
      res.writeHead(204).end();
    });
  });
  s.keepAliveTimeout = 65_000;
  return s;
}

export function listenStats(s: HttpNS.Server, port: number, host: string): Promise<number> {
  return new Promise((res, rej) => {
    s.once('error', rej);
    s.listen(port, host, () => {
      s.off('error', rej);
      res((s.address() as AddressInfo).port);
    });
  });
}
