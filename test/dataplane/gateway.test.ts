// The real gateway (in-process Gateway + node:http listeners) fed routing tables directly, in front
// of real HTTP/1.1, h2c and WebSocket upstreams. Every socket is on 127.0.0.0/8: the EndpointSlices
// below are built in memory with loopback addresses and never stored in an API server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { HTTPIngressPath, Ingress, IngressRule } from '../../src/api/networking/types.ts';
import { gatewayMetrics } from '../../src/dataplane/gateway/metrics.ts';
import { Gateway } from '../../src/dataplane/gateway/proxy.ts';
import { type EndpointSlice, type SplitStats, buildRoutingTable } from '../../src/dataplane/gateway/table.ts';

const NS = 'default';

// --- upstreams ------------------------------------------------------------------------------

interface Upstream {
  name: string;
  ip: string;
  port: number;
  connections: number;
  server: http.Server | http2.Http2Server;
  /** Resolves the pending /stream responses. */
  releaseStreams(): void;
}

const openStreams: http.ServerResponse[] = [];

function wsAccept(key: string): string {
  return createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
}

/** Unmasks client frames and echoes them unmasked (small text/binary frames only: enough for a test). */
function wsEcho(socket: Socket): void {
  let buf = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2) {
      const op = buf[0]! & 0x0f;
      const masked = (buf[1]! & 0x80) !== 0;
      const len = buf[1]! & 0x7f;
      if (len >= 126) throw new Error('test ws server: long frames not supported');
      const hdr = 2 + (masked ? 4 : 0);
      if (buf.length < hdr + len) return;
      const mask = masked ? buf.subarray(2, 6) : undefined;
      const payload = Buffer.from(buf.subarray(hdr, hdr + len));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      buf = buf.subarray(hdr + len);
      if (op === 8) {
        socket.end(Buffer.from([0x88, 0]));
        return;
      }
      socket.write(Buffer.concat([Buffer.from([0x80 | op, payload.length]), payload]));
    }
  });
}

async function startUpstream(name: string, ip: string): Promise<Upstream> {
  const u: Partial<Upstream> = { name, ip, connections: 0 };
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const path = req.url ?? '/';
    if (path.startsWith('/slow')) {
      // Never answers: the gateway's timeout must.
      req.resume();
      return;
    }
    if (path.startsWith('/stream')) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk\n');
      openStreams.push(res);
      return;
    }
    if (path.startsWith('/upload')) {
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => res.end(JSON.stringify({ name, bytes: n })));
      return;
    }
    req.resume();
    const body = JSON.stringify({ name, host: req.headers.host, headers: req.headers, httpVersion: req.httpVersion });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.on('connection', () => u.connections!++);
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${wsAccept(String(req.headers['sec-websocket-key']))}\r\nx-upstream: ${name}\r\n\r\n`,
    );
    wsEcho(socket);
  });
  await new Promise<void>((r) => server.listen(0, ip, r));
  u.port = (server.address() as AddressInfo).port;
  u.server = server;
  u.releaseStreams = () => {
    for (const r of openStreams.splice(0)) r.end('last chunk\n');
  };
  return u as Upstream;
}

async function startH2cUpstream(name: string, ip: string): Promise<Upstream> {
  const u: Partial<Upstream> = { name, ip, connections: 0 };
  const server = http2.createServer((req, res) => {
    req.resume();
    const body = JSON.stringify({ name, host: req.headers[':authority'], headers: req.headers, httpVersion: req.httpVersion });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  server.on('connection', () => u.connections!++);
  await new Promise<void>((r) => server.listen(0, ip, r));
  u.port = (server.address() as AddressInfo).port;
  u.server = server;
  u.releaseStreams = () => {};
  return u as Upstream;
}

// --- KIngress / EndpointSlice fixtures (in memory only) ------------------------------------

function sliceFor(service: string, ups: Upstream[], portName = 'http'): EndpointSlice[] {
  // One slice per upstream: each test upstream listens on its own port.
  return ups.map((u, i) => ({
    metadata: { name: `${service}-${i}`, namespace: NS, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [u.ip], conditions: { ready: true } }],
    ports: [{ name: portName, port: u.port }],
  }));
}

function split(rev: string, percent: number) {
  return {
    serviceNamespace: NS,
    serviceName: rev,
    servicePort: 80,
    percent,
    appendHeaders: { 'Knative-Serving-Revision': rev, 'Knative-Serving-Namespace': NS },
  };
}

function ing(name: string, rules: IngressRule[], annotations: Record<string, string> = {}): Ingress {
  return { metadata: { name, namespace: NS, generation: 1, annotations }, spec: { rules } };
}

function route(name: string, paths: HTTPIngressPath[], annotations: Record<string, string> = {}): Ingress {
  return ing(
    name,
    [
      { hosts: [`${name}.${NS}`, `${name}.${NS}.svc`, `${name}.${NS}.svc.cluster.local`], visibility: 'ClusterLocal', http: { paths } },
      { hosts: [`${name}.${NS}.example.com`], visibility: 'ExternalIP', http: { paths } },
    ],
    annotations,
  );
}

// --- client helpers -------------------------------------------------------------------------

const clientAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, host: string, path = '/', o: { method?: string; headers?: Record<string, string>; body?: Buffer | string; agent?: http.Agent } = {}): Promise<Reply> {
  return new Promise((res, rej) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: { host, ...o.headers }, agent: o.agent ?? clientAgent },
      (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (body += c));
        r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body }));
        r.on('error', rej);
      },
    );
    req.on('error', rej);
    req.end(o.body);
  });
}

async function countNames(port: number, host: string, n: number, concurrency = 20): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        const r = await request(port, host);
        assert.equal(r.status, 200, r.body);
        const name = (JSON.parse(r.body) as { name: string }).name;
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
    }),
  );
  return counts;
}

/** |observed − n·p| ≤ 4σ of Binomial(n, p). */
function assertBinomial(observed: number, n: number, p: number, what: string): void {
  const sigma = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(observed - n * p) <= 4 * sigma, `${what}: ${observed} of ${n}, expected ${n * p} ± ${Math.round(4 * sigma)}`);
}

// --- the tests ------------------------------------------------------------------------------

// Every case runs twice: node:http + undici only, and with the raw-socket fast path in front.
for (const fastPath of [false, true])
describe(`gateway data plane${fastPath ? ' (fast path on)' : ''}`, () => {
  let a: Upstream, b: Upstream, c: Upstream, h2: Upstream;
  const gw = new Gateway({ holdTimeoutMs: 5_000, fastPath });
  const stats = new Map<string, SplitStats>();
  const external = gw.createServer('external');
  const internal = gw.createServer('internal');
  let ext = 0;
  let int = 0;
  let ingresses: Ingress[] = [];
  let slices: EndpointSlice[] = [];
  const apply = () => gw.setTable(buildRoutingTable(ingresses, slices, { stats, defaultTimeoutMs: 30_000 }));

  before(async () => {
    a = await startUpstream('a', '127.0.0.2');
    b = await startUpstream('b', '127.0.0.3');
    c = await startUpstream('c', '127.0.0.4');
    h2 = await startH2cUpstream('h2', '127.0.0.5');
    await new Promise<void>((r) => external.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
    ext = (external.address() as AddressInfo).port;
    int = (internal.address() as AddressInfo).port;
    ingresses = [
      route('hello', [{ splits: [split('hello-a', 100)] }]),
      route('half', [{ splits: [split('hello-a', 50), split('hello-b', 50)] }]),
      route('ninety', [{ splits: [split('hello-a', 90), split('hello-b', 10)] }]),
      ing('tagged', [
        {
          hosts: ['tagged.default.example.com'],
          http: {
            paths: [
              { headers: { 'Knative-Serving-Tag': { exact: 'old' } }, appendHeaders: { 'Knative-Serving-Tag': 'old' }, splits: [split('hello-a', 100)] },
              { appendHeaders: { 'Knative-Serving-Default-Route': 'true' }, splits: [split('hello-b', 100)] },
            ],
          },
        },
        { hosts: ['old-tagged.default.example.com'], http: { paths: [{ appendHeaders: { 'Knative-Serving-Tag': 'old' }, splits: [split('hello-a', 100)] }] } },
      ]),
      route('slow', [{ splits: [split('hello-c', 100)] }], { 'networking.kn-ts.dev/timeout-seconds': '0.3' }),
      route('empty', [{ splits: [split('nothing-here', 100)] }]),
      route('later', [{ splits: [split('later-1', 100)] }]),
      route('grpc', [{ splits: [split('grpc-1', 100)] }]),
      route('pair', [{ splits: [split('pair-1', 100)] }]),
      // Browsers' WebSocket (and Node's) cannot set Host: route the bare address too.
      ing('by-ip', [{ hosts: ['127.0.0.1'], http: { paths: [{ splits: [split('hello-a', 100)] }] } }]),
      ing('app.example.org', [
        {
          hosts: ['app.example.org'],
          http: {
            paths: [
              {
                rewriteHost: 'hello.default.svc.cluster.local',
                splits: [{ serviceNamespace: NS, serviceName: 'hello', servicePort: 80, percent: 100, appendHeaders: { 'K-Original-Host': 'app.example.org' } }],
              },
            ],
          },
        },
      ]),
    ];
    slices = [
      ...sliceFor('hello-a', [a]),
      ...sliceFor('hello-b', [b]),
      ...sliceFor('hello-c', [c]),
      ...sliceFor('grpc-1', [h2], 'h2c'),
      ...sliceFor('pair-1', [a, b]),
    ];
    apply();
  });

  after(() => {
    a.releaseStreams();
    gw.close();
    clientAgent.destroy();
    for (const s of [external, internal, a.server, b.server, c.server, h2.server]) {
      s.close();
      if ('closeAllConnections' in s) s.closeAllConnections();
    }
  });

  it('routes by Host and adds Knative-Serving-Revision/Namespace and X-Forwarded-*', async () => {
    const r = await request(ext, 'Hello.Default.Example.com:80');
    assert.equal(r.status, 200);
    const seen = JSON.parse(r.body) as { name: string; host: string; headers: Record<string, string> };
    assert.equal(seen.name, 'a');
    assert.equal(seen.host, 'Hello.Default.Example.com:80', 'Host is passed through unchanged');
    assert.equal(seen.headers['knative-serving-revision'], 'hello-a');
    assert.equal(seen.headers['knative-serving-namespace'], 'default');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
  });

  it('overwrites a client-supplied Knative-Serving-Revision and appends to X-Forwarded-For', async () => {
    const r = await request(ext, 'hello.default.example.com', '/', { headers: { 'Knative-Serving-Revision': 'evil', 'X-Forwarded-For': '198.51.100.7' } });
    const seen = JSON.parse(r.body) as { headers: Record<string, string> };
    assert.equal(seen.headers['knative-serving-revision'], 'hello-a');
    assert.equal(seen.headers['x-forwarded-for'], '198.51.100.7, 127.0.0.1');
  });

  it('serves cluster-local hosts on the internal listener only', async () => {
    assert.equal((await request(int, 'hello.default.svc.cluster.local')).status, 200);
    assert.equal((await request(int, 'hello.default')).status, 200);
    assert.equal((await request(int, 'hello.default.example.com')).status, 200);
    const r = await request(ext, 'hello.default.svc.cluster.local');
    assert.equal(r.status, 404);
  });

  it('answers 404 with a clear body for an unknown host', async () => {
    const r = await request(ext, 'nope.example.com');
    assert.equal(r.status, 404);
    assert.match(r.body, /no route for host "nope\.example\.com"/);
  });

  it('splits 50/50 within 4σ over 4,000 requests', async () => {
    const n = 4000;
    const counts = await countNames(ext, 'half.default.example.com', n);
    assertBinomial(counts.get('a') ?? 0, n, 0.5, 'revision a');
    assert.equal((counts.get('a') ?? 0) + (counts.get('b') ?? 0), n);
  });

  it('splits 90/10 within 4σ over 4,000 requests', async () => {
    const n = 4000;
    const counts = await countNames(ext, 'ninety.default.example.com', n);
    assertBinomial(counts.get('b') ?? 0, n, 0.1, 'revision b');
  });

  it('round-robins over the endpoints of one revision', async () => {
    const counts = await countNames(ext, 'pair.default.example.com', 100, 1);
    assert.equal(counts.get('a'), 50);
    assert.equal(counts.get('b'), 50);
  });

  it('routes tag hosts and the Knative-Serving-Tag header', async () => {
    const byTagHost = JSON.parse((await request(ext, 'old-tagged.default.example.com')).body) as { name: string; headers: Record<string, string> };
    assert.equal(byTagHost.name, 'a');
    assert.equal(byTagHost.headers['knative-serving-tag'], 'old');
    const byHeader = JSON.parse((await request(ext, 'tagged.default.example.com', '/', { headers: { 'Knative-Serving-Tag': 'old' } })).body) as { name: string };
    assert.equal(byHeader.name, 'a');
    const dflt = JSON.parse((await request(ext, 'tagged.default.example.com')).body) as { name: string; headers: Record<string, string> };
    assert.equal(dflt.name, 'b');
    assert.equal(dflt.headers['knative-serving-default-route'], 'true');
    const otherTag = JSON.parse((await request(ext, 'tagged.default.example.com', '/', { headers: { 'Knative-Serving-Tag': 'nope' } })).body) as { name: string };
    assert.equal(otherTag.name, 'b', 'an unknown tag falls through to the default route');
  });

  it('follows a DomainMapping rewriteHost through the table', async () => {
    const r = await request(ext, 'app.example.org');
    assert.equal(r.status, 200, r.body);
    const seen = JSON.parse(r.body) as { name: string; host: string; headers: Record<string, string> };
    assert.equal(seen.name, 'a');
    assert.equal(seen.host, 'hello.default.svc.cluster.local');
    assert.equal(seen.headers['k-original-host'], 'app.example.org');
    assert.equal(seen.headers['knative-serving-revision'], 'hello-a');
  });

  it('answers 504 when the upstream exceeds the route timeout', async () => {
    const r = await request(ext, 'slow.default.example.com', '/slow');
    assert.equal(r.status, 504);
    assert.match(r.body, /request timeout/);
  });

  it('answers 502 naming the upstream when its port refuses connections', async () => {
    const closed = await new Promise<number>((resolve) => {
      const srv = http.createServer().listen(0, '127.0.0.6', () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    ingresses = [...ingresses, route('refused', [{ splits: [split('refused-1', 100)] }])];
    slices = [
      ...slices,
      {
        metadata: { name: 'refused-1-x', namespace: NS, labels: { 'kubernetes.io/service-name': 'refused-1' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['127.0.0.6'], conditions: { ready: true } }],
        ports: [{ name: 'http', port: closed }],
      },
    ];
    apply();
    const r = await request(ext, 'refused.default.example.com');
    assert.equal(r.status, 502);
    assert.match(r.body, new RegExp(`upstream 127\\.0\\.0\\.6:${closed} for revision "refused-1": ECONNREFUSED`));
  });

  it('answers 503 with a clear body when a revision has no ready endpoint (hold disabled)', async () => {
    const noHold = new Gateway({ fastPath });
    noHold.setTable(gw.routingTable);
    const s = noHold.createServer('external');
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    try {
      const r = await request((s.address() as AddressInfo).port, 'empty.default.example.com', '/', { agent: new http.Agent() });
      assert.equal(r.status, 503);
      assert.match(r.body, /no ready endpoints for revision "nothing-here" in namespace "default"/);
    } finally {
      s.close();
      s.closeAllConnections();
      noHold.close();
    }
  });

  it('holds a request for a revision without endpoints until endpoints appear', async () => {
    const held = request(ext, 'later.default.example.com');
    while (gw.heldCount === 0) await new Promise((r) => setTimeout(r, 10));
    slices = [...slices, ...sliceFor('later-1', [b])];
    apply();
    const r = await held;
    assert.equal(r.status, 200);
    assert.equal((JSON.parse(r.body) as { name: string }).name, 'b');
    assert.equal(gw.heldCount, 0);
  });

  it('streams the response: the first chunk arrives before the upstream finishes', async () => {
    const registry = gatewayMetrics(stats, gw, { defaults: false }).registry;
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: ext, path: '/stream', headers: { host: 'hello.default.example.com' }, agent: new http.Agent() }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body === 'first chunk\n') {
            // The upstream has not finished; the in-flight gauge shows the open request.
            registry
              .metrics()
              .then((m) => {
                assert.match(m, /kn_ts_gateway_revision_in_flight_requests\{namespace="default",revision="hello-a"\} 1/);
                a.releaseStreams();
              })
              .catch(reject);
          }
        });
        res.on('end', () => {
          try {
            assert.equal(body, 'first chunk\nlast chunk\n');
            resolve();
          } catch (e) {
            reject(e as Error);
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
  });

  it('streams a large request body (chunked, 32 MiB)', async () => {
    const chunk = Buffer.alloc(1 << 20, 7);
    const r = await new Promise<Reply>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: ext, path: '/upload', method: 'POST', headers: { host: 'hello.default.example.com', 'transfer-encoding': 'chunked' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      let i = 0;
      const pump = () => {
        while (i < 32) {
          i++;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { name: 'a', bytes: 32 << 20 });
  });

  it('proxies to an h2c upstream with HTTP/2 prior knowledge', async () => {
    const r = await request(ext, 'grpc.default.example.com', '/x', { method: 'POST', body: 'hi' });
    assert.equal(r.status, 200, r.body);
    const seen = JSON.parse(r.body) as { name: string; host: string; httpVersion: string; headers: Record<string, string> };
    assert.equal(seen.name, 'h2');
    assert.equal(seen.httpVersion, '2.0');
    assert.equal(seen.host, 'grpc.default.example.com');
    assert.equal(seen.headers['knative-serving-revision'], 'grpc-1');
    for (let i = 0; i < 20; i++) assert.equal((await request(ext, 'grpc.default.example.com')).status, 200);
    assert.equal(h2.connections, 1, 'one HTTP/2 session carries every request');
  });

  it('echoes WebSocket messages through the gateway', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${ext}/ws`);
    const got = await new Promise<string>((resolve, reject) => {
      ws.onopen = () => ws.send('ping through the gateway');
      ws.onmessage = (e) => resolve(String(e.data));
      ws.onerror = () => reject(new Error('websocket error'));
    });
    assert.equal(got, 'ping through the gateway');
    const closed = new Promise((r) => (ws.onclose = r));
    ws.close();
    await closed;
  });

  it('relays raw bytes both ways after the 101', async () => {
    const sock = await new Promise<{ socket: Socket; res: http.IncomingMessage }>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: ext,
        path: '/ws',
        headers: { host: 'hello.default.example.com', connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' },
        agent: false,
      });
      req.on('upgrade', (res, socket) => resolve({ socket, res }));
      req.on('response', (r) => reject(new Error(`no upgrade: ${r.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    assert.equal(sock.res.headers['sec-websocket-accept'], 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    assert.equal(sock.res.headers['x-upstream'], 'a');
    // A masked text frame "hey" → the echo server answers the unmasked frame.
    const mask = [1, 2, 3, 4];
    const payload = Buffer.from('hey').map((x, i) => x ^ mask[i % 4]!);
    sock.socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | 3, ...mask]), payload]));
    const frame = await new Promise<Buffer>((r) => sock.socket.once('data', r));
    assert.deepEqual([...frame], [0x81, 3, ...Buffer.from('hey')]);
    sock.socket.destroy();
  });

  it('reuses keep-alive connections to upstreams', async () => {
    const before = c.connections;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 5 });
    const hostRoute = route('kept', [{ splits: [split('hello-c', 100)] }]);
    ingresses = [...ingresses, hostRoute];
    apply();
    let next = 0;
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        while (next < 500) {
          next++;
          assert.equal((await request(ext, 'kept.default.example.com', '/', { agent })).status, 200);
        }
      }),
    );
    agent.destroy();
    const opened = c.connections - before;
    assert.ok(opened >= 1 && opened <= 5, `500 requests at concurrency 5 opened ${opened} upstream connections`);
  });

  it('loses no request while traffic moves from A to B in steps under load', async () => {
    const host = 'rollout.default.example.com';
    const setWeights = (pa: number) => {
      ingresses = [...ingresses.filter((i) => i.metadata.name !== 'rollout'), route('rollout', [{ splits: [split('hello-a', pa), split('hello-b', 100 - pa)].filter((s) => s.percent > 0) }])];
      apply();
    };
    setWeights(100);
    const total = 3000;
    const steps = [80, 60, 40, 20, 0];
    let sent = 0;
    let failed = 0;
    const lastNames: string[] = [];
    let step = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (sent < total) {
          const i = sent++;
          // Move the traffic every 500 requests while 20 are in flight.
          if (i > 0 && i % 500 === 0 && step < steps.length) setWeights(steps[step++]!);
          try {
            const r = await request(ext, host);
            if (r.status !== 200) failed++;
            else if (i >= total - 200) lastNames.push((JSON.parse(r.body) as { name: string }).name);
          } catch {
            failed++;
          }
        }
      }),
    );
    assert.equal(step, steps.length, 'every step was applied');
    assert.equal(failed, 0);
    assert.ok(lastNames.length > 0 && lastNames.every((n) => n === 'b'), 'after the last step every request goes to B');
  });
});
