// The gateway's logs (src/dataplane/gateway/log.ts): the access log, on both paths, only when it is
// switched on; a client's malformed request logged (debug) with its error's stack. The logger is
// pino writing into memory; the gateway, upstream and client are real sockets on 127.0.0.x.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { accessLogFromEnv } from '../../src/dataplane/gateway/log.ts';
import { listeningGateway, oneRouteTable } from './gateway-helpers.ts';

const NS = 'default';
const HOST = 'logged.default.example.com';

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: 'debug', name: 'gateway' }, sink), lines };
}

const get = (port: number, host: string, path: string) =>
  new Promise<number>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });

/** Waits until the collected lines satisfy `ok` (log writes are asynchronous to the response). */
async function until(lines: Record<string, unknown>[], ok: (l: Record<string, unknown>[]) => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(lines); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('gateway logs', { timeout: 20_000 }, () => {
  let upstream: http.Server;
  let upPort = 0;
  before(async () => {
    upstream = http.createServer((_req, res) => res.end('hi'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.8', r));
    upPort = (upstream.address() as AddressInfo).port;
  });
  after(() => {
    upstream.close();
    upstream.closeAllConnections();
  });

  async function serve(o: { fastPath: boolean; accessLog: boolean }) {
    const m = memoryLogger();
    const g = await listeningGateway({ ...o, log: m.log }, oneRouteTable([HOST], 'logged-00001', '127.0.0.8', upPort));
    return { ...m, port: g.port, close: g.close };
  }

  for (const fastPath of [true, false])
    it(`writes one access line per request when switched on (fast path ${fastPath ? 'on' : 'off'})`, async () => {
      const g = await serve({ fastPath, accessLog: true });
      try {
        assert.equal(await get(g.port, HOST, '/a?x=1'), 200);
        assert.equal(await get(g.port, 'nope.example.com', '/b'), 404);
        await until(g.lines, (l) => l.filter((x) => x.msg === 'request').length >= 2);
        const access = g.lines.filter((x) => x.msg === 'request');
        assert.equal(access.length, 2, JSON.stringify(g.lines));
        assert.deepEqual(
          { ...access[0], time: undefined, pid: undefined, hostname: undefined, ms: undefined },
          { level: 30, name: 'gateway', log: 'access', method: 'GET', host: HOST, url: '/a?x=1', status: 200, namespace: NS, revision: 'logged-00001', via: fastPath ? 'fast' : 'node', msg: 'request', time: undefined, pid: undefined, hostname: undefined, ms: undefined },
        );
        assert.equal(typeof access[0]!.ms, 'number');
        assert.equal(access[1]!.status, 404);
        assert.equal(access[1]!.host, 'nope.example.com');
      } finally {
        g.close();
      }
    });

  it('writes no access line when it is off', async () => {
    const g = await serve({ fastPath: true, accessLog: false });
    try {
      assert.equal(await get(g.port, HOST, '/'), 200);
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(g.lines.filter((x) => x.msg === 'request'), []);
    } finally {
      g.close();
    }
  });

  it('logs a malformed request (debug) with its error and stack', async () => {
    const g = await serve({ fastPath: true, accessLog: false });
    try {
      await new Promise<void>((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port: g.port }, () => s.write(`GET / HTTP/1.1\r\nHost: ${HOST}\r\nBad Name: x\r\n\r\n`));
        s.on('close', () => resolve());
        s.on('error', () => {});
        s.resume();
      });
      await until(g.lines, (l) => l.some((x) => x.msg === 'bad request from a client'));
      const line = g.lines.find((x) => x.msg === 'bad request from a client');
      assert.ok(line, JSON.stringify(g.lines));
      assert.equal(line.level, 20);
      const err = line.err as { code?: string; stack?: string };
      assert.equal(err.code, 'HPE_INVALID_HEADER_TOKEN');
      assert.match(err.stack ?? '', /^Error: Parse Error/);
    } finally {
      g.close();
    }
  });

  it('KN_TS_GATEWAY_ACCESS_LOG switches the access log on', () => {
    assert.equal(accessLogFromEnv({ KN_TS_GATEWAY_ACCESS_LOG: '1' }), true);
    assert.equal(accessLogFromEnv({ KN_TS_GATEWAY_ACCESS_LOG: 'TRUE' }), true);
    assert.equal(accessLogFromEnv({ KN_TS_GATEWAY_ACCESS_LOG: '0' }), false);
    assert.equal(accessLogFromEnv({}), false);
  });
});
