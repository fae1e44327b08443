// The fast path's per-endpoint pools when a table change drops an endpoint while requests wait for
// one of its connections (more requests than maxSocketsPerEndpoint): those requests go to another
// ready endpoint of their revision, or, when the revision has none, still to the old endpoint once
// a connection frees up — never left to end in 504 at the route timeout.
// Upstreams are node:http servers on 127.0.0.x; tables are built in memory.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Ingress } from '../../src/api/networking/types.ts';
import { Gateway } from '../../src/dataplane/gateway/proxy.ts';
import { type EndpointSlice, type RoutingTable, buildRoutingTable } from '../../src/dataplane/gateway/table.ts';

const NS = 'default';
const HOST = 'hello.default.example.com';

/** hello → revision hello-1 at `ips` (every one on `port`), route timeout 5 s. */
function table(ips: string[], port: number): RoutingTable {
  const ingress: Ingress = {
    metadata: { name: 'hello', namespace: NS, generation: 1, annotations: { 'networking.kn-ts.dev/timeout-seconds': '5' } },
    spec: {
      rules: [
        {
          hosts: [HOST],
          visibility: 'ExternalIP',
          http: { paths: [{ splits: [{ serviceNamespace: NS, serviceName: 'hello-1', servicePort: 80, percent: 100, appendHeaders: { 'Knative-Serving-Revision': 'hello-1' } }] }] },
        },
      ],
    },
  };
  const slice: EndpointSlice = {
    metadata: { name: 'hello-1-x', namespace: NS, labels: { 'kubernetes.io/service-name': 'hello-1' } },
    addressType: 'IPv4',
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [{ name: 'http', port }],
  };
  return buildRoutingTable([ingress], [slice]);
}

/** A plain GET through the gateway on its own connection: status, body and when it ended. */
function get(port: number, path: string): Promise<{ status: number; body: string; at: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { host: HOST }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, at: performance.now() }));
    });
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('gateway fast path: an endpoint dropped while requests wait for its connections', { timeout: 30_000 }, () => {
  // Two pods of revision hello-1 on one port: A (127.0.0.2) holds every request until released,
  // B (127.0.0.4) answers at once. Each says who it is.
  let port = 0;
  let released = false;
  const heldAtA: http.ServerResponse[] = [];
  const servedBy: string[] = [];
  const pod = (name: string, hold: boolean) =>
    http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
      servedBy.push(name);
      const answer = () => res.writeHead(200, { 'content-type': 'text/plain' }).end(`${name} ${req.url ?? ''}`);
      if (hold && !released) heldAtA.push(res);
      else answer();
    });
  const a = pod('A', true);
  const b = pod('B', false);
  let upstreamPort = 0;
  let gw: Gateway;
  let server: http.Server;

  const releaseA = () => {
    released = true;
    for (const res of heldAtA.splice(0)) res.writeHead(200, { 'content-type': 'text/plain' }).end('A');
  };

  before(async () => {
    await new Promise<void>((r) => a.listen(0, '127.0.0.2', r));
    upstreamPort = (a.address() as AddressInfo).port;
    await new Promise<void>((r) => b.listen(upstreamPort, '127.0.0.4', r));
    // Two connections per endpoint: the third request and later wait in A's pool.
    gw = new Gateway({ fastPath: true, maxSocketsPerEndpoint: 2 });
    server = gw.createServer('external');
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  after(() => {
    gw.close();
    for (const s of [server, a, b]) {
      s.close();
      s.closeAllConnections();
    }
  });

  /** Five requests to A (two on its connections, three waiting), then A leaves the table. */
  async function fiveWaitingOnA(next: RoutingTable): Promise<{ status: number; body: string; at: number }[]> {
    released = false;
    servedBy.length = 0;
    gw.setTable(table(['127.0.0.2'], upstreamPort));
    const replies = Promise.all([1, 2, 3, 4, 5].map((i) => get(port, `/r${i}`)));
    for (let n = 0; heldAtA.length < 2 && n < 200; n++) await sleep(10);
    assert.equal(heldAtA.length, 2, 'two requests reached A (its connection limit)');
    await sleep(50);
    assert.equal(servedBy.length, 2, 'the other three wait in the gateway for one of A\'s connections');
    gw.setTable(next);
    return replies;
  }

  it('sends the waiting requests to another ready endpoint of the revision at once', async () => {
    const t0 = performance.now();
    const pending = fiveWaitingOnA(table(['127.0.0.4'], upstreamPort));
    // B answers the three waiting requests while A still holds its two.
    for (let n = 0; servedBy.filter((s) => s === 'B').length < 3 && n < 300; n++) await sleep(10);
    assert.equal(servedBy.filter((s) => s === 'B').length, 3, 'the three waiting requests reached B');
    releaseA();
    const replies = await pending;
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 200, 200]);
    assert.deepEqual(replies.map((r) => r.body.split(' ')[0]).sort(), ['A', 'A', 'B', 'B', 'B']);
    assert.ok(Math.max(...replies.map((r) => r.at - t0)) < 4000, 'no reply waited for the route timeout');
  });

  it('sends them to the old endpoint once its connections free up when the revision has no other', async () => {
    const t0 = performance.now();
    const pending = fiveWaitingOnA(table([], upstreamPort));
    await sleep(100);
    releaseA(); // A finishes its two; its connections then carry the three that waited
    const replies = await pending;
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 200, 200]);
    assert.deepEqual(replies.map((r) => r.body.split(' ')[0]), ['A', 'A', 'A', 'A', 'A']);
    assert.ok(Math.max(...replies.map((r) => r.at - t0)) < 4000, 'no reply waited for the route timeout');
  });
});
