// Activation inside the gateway: the real Gateway with its Activator and StatsReporter, fed routing
// tables directly, in front of real HTTP upstreams on 127.0.0.1 that start listening late (a pod
// coming up). The revision's EndpointSlice lists the upstream as not ready, as Kubernetes does while
// the kubelet has not yet seen the readiness probe pass: the activator's direct probe finds it.
// Reports go to the controller's real autoscaler intake on 127.0.0.1.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Ingress } from '../../src/api/networking/types.ts';
import { makeDeciderSpec } from '../../src/api/autoscaling/annotations.ts';
import { READINESS_PROBE_LABEL, readinessLabel } from '../../src/api/autoscaling/readiness.ts';
import { Autoscaler } from '../../src/controller/autoscaling/autoscaler.ts';
import { createStatsServer, listenStats } from '../../src/controller/autoscaling/stats-server.ts';
import { Activator, type HeldRequest } from '../../src/dataplane/gateway/activator.ts';
import { Gateway } from '../../src/dataplane/gateway/proxy.ts';
import { StatsReporter } from '../../src/dataplane/gateway/stats.ts';
import { CONTAINER_CONCURRENCY_LABEL, type EndpointSlice, type Split, type SplitStats, TIMEOUT_ANNOTATION, buildRoutingTable } from '../../src/dataplane/gateway/table.ts';

const NS = 'default';
const REV = 'hello-00001';
const HOST = `hello.${NS}.svc.cluster.local`;

function ingress(timeoutSeconds?: number): Ingress {
  return {
    metadata: { name: 'hello', namespace: NS, generation: 1, annotations: timeoutSeconds ? { [TIMEOUT_ANNOTATION]: String(timeoutSeconds) } : {} },
    spec: {
      rules: [
        {
          hosts: [HOST],
          visibility: 'ClusterLocal',
          http: { paths: [{ splits: [{ serviceNamespace: NS, serviceName: REV, servicePort: 80, percent: 100, appendHeaders: { 'Knative-Serving-Revision': REV, 'Knative-Serving-Namespace': NS } }] }] },
        },
      ],
    },
  } as Ingress;
}

// The "pods" listen on an address of their own: a port freePort() found free on 127.0.0.1 could be
// taken there by another test file's server (listening on port 0) before the pod starts, and the
// activator's probe would then find that server (a 405 from a broker ingress was seen in CI).
const POD_IP = '127.0.0.61';

function slice(port: number, ready: boolean, cc = 0, labels: Record<string, string> = {}): EndpointSlice {
  return {
    metadata: { name: `${REV}-abc`, namespace: NS, labels: { 'kubernetes.io/service-name': REV, ...(cc ? { [CONTAINER_CONCURRENCY_LABEL]: String(cc) } : {}), ...labels } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [POD_IP], conditions: { ready } }],
    ports: [{ name: 'http', port }],
  };
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, POD_IP, r));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

/** A "pod": answers with its arrival index; /slow waits until released. */
function startPod(port: number): Promise<{ server: http.Server; seen: string[]; releaseSlow(): void }> {
  const seen: string[] = [];
  const slow: http.ServerResponse[] = [];
  let open = false;
  const server = http.createServer((req, res) => {
    seen.push(String(req.headers['x-n'] ?? ''));
    if (req.url === '/slow' && !open) {
      slow.push(res);
      return;
    }
    res.end(`ok ${req.headers['x-n'] ?? ''}`);
  });
  return new Promise((r) =>
    server.listen(port, POD_IP, () =>
      r({
        server,
        seen,
        releaseSlow: () => {
          open = true;
          for (const s of slow.splice(0)) s.end('slow done');
        },
      }),
    ),
  );
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function get(port: number, path = '/', headers: Record<string, string> = {}): { done: Promise<{ status: number; body: string }>; req: http.ClientRequest } {
  let req!: http.ClientRequest;
  const done = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req = http.get({ host: '127.0.0.1', port, path, agent, headers: { host: HOST, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
  return { done, req };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(f: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

for (const fastPath of [true, false]) {
  describe(`gateway activation (fast path ${fastPath ? 'on' : 'off'})`, () => {
    const autoscaler = new Autoscaler();
    const intake = createStatsServer(autoscaler);
    let intakePort = 0;
    let gw: Gateway;
    let activator: Activator;
    let reporter: StatsReporter;
    let server: http.Server;
    let port = 0;
    const stats = new Map<string, SplitStats>();
    const pokes: string[] = [];
    const setTable = (ings: Ingress[], slices: EndpointSlice[]) => gw.setTable(buildRoutingTable(ings, slices, { stats, defaultTimeoutMs: 30_000 }));

    before(async () => {
      intakePort = await listenStats(intake, 0, '127.0.0.1');
      autoscaler.ensure(`${NS}/${REV}`, makeDeciderSpec({}, { reachability: 'Reachable' }), 0);
      activator = new Activator({
        queueDepth: 3,
        onPoke: (s) => {
          pokes.push(s.revision);
          reporter.poke(s);
        },
      });
      reporter = new StatsReporter({ url: `http://127.0.0.1:${intakePort}`, gateway: 'gw-test', stats, activator, intervalMs: 60_000, sampleMs: 10 });
      reporter.start();
      gw = new Gateway({ fastPath, activator });
      server = gw.createServer('internal');
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });

    after(async () => {
      reporter.stop();
      autoscaler.stop();
      gw.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      intake.closeAllConnections();
      await new Promise<void>((r) => intake.close(() => r()));
    });

    it('holds requests while the revision has no pod, pokes the autoscaler once, and releases them when the pod answers its probe', async () => {
      const podPort = await freePort();
      setTable([ingress()], [slice(podPort, false)]);
      pokes.length = 0;
      const before = autoscaler.counts.pokes;
      const a = get(port, '/', { 'x-n': '1' });
      await until(() => activator.heldCount === 1, 'first request held');
      const b = get(port, '/', { 'x-n': '2' });
      await until(() => activator.heldCount === 2, 'second request held');
      assert.deepEqual(pokes, [REV], 'one poke for the first held request');
      await until(() => autoscaler.counts.pokes === before + 1, 'the poke reaches the autoscaler');
      assert.equal(autoscaler.decide(`${NS}/${REV}`)?.desired, 1, 'the autoscaler wants a pod at once');
      // The pod starts listening; the EndpointSlice still says not ready.
      const pod = await startPod(podPort);
      try {
        const [ra, rb] = await Promise.all([a.done, b.done]);
        assert.deepEqual([ra.status, rb.status], [200, 200]);
        assert.equal(activator.heldCount, 0);
        assert.ok(activator.counts.probesOk >= 1, 'released by the direct probe, not by a table change');
      } finally {
        pod.server.closeAllConnections();
        pod.server.close();
      }
    });

    it("with an HTTP readiness probe, holds requests while the pod accepts connections but its probe path fails, and releases them once it answers 200", async () => {
      const podPort = await freePort();
      setTable([ingress()], [slice(podPort, false, 0, { [READINESS_PROBE_LABEL]: readinessLabel({ httpGet: { path: '/ready', port: 8080 as never } })! })]);
      let ready = false;
      const probes: string[] = [];
      const served: boolean[] = [];
      // The pod listens from the start (a TCP connect would pass) but is not ready yet.
      const pod = http.createServer((req, res) => {
        if (req.url === '/ready') {
          probes.push(String(req.headers['user-agent']));
          res.writeHead(ready ? 200 : 503).end();
          return;
        }
        served.push(ready);
        res.end(ready ? 'ready' : 'NOT READY');
      });
      await new Promise<void>((r) => pod.listen(podPort, POD_IP, r));
      try {
        const probesBefore = activator.counts.probesOk;
        const a = get(port, '/', { 'x-n': '1' });
        await until(() => probes.length >= 3, 'the probe path is asked several times');
        assert.equal(activator.heldCount, 1, 'still held while /ready answers 503');
        assert.deepEqual(served, [], 'nothing reached the pod before it was ready');
        assert.equal(probes[0], 'Knative-Activator-Probe');
        ready = true;
        const r = await a.done;
        assert.deepEqual([r.status, r.body], [200, 'ready']);
        assert.deepEqual(served, [true]);
        assert.equal(activator.counts.probesOk, probesBefore + 1, 'released by the HTTP probe');
      } finally {
        pod.closeAllConnections();
        await new Promise<void>((r) => pod.close(() => r()));
      }
    });

    it('504 "activator request timeout" after the revision timeout', async () => {
      setTable([ingress(1)], [slice(await freePort(), false)]);
      const t0 = Date.now();
      const r = await get(port).done;
      assert.equal(r.status, 504);
      assert.equal(r.body, 'activator request timeout\n');
      assert.ok(Date.now() - t0 >= 900, 'not before the timeout');
    });

    it('503 "pending request queue full" beyond the queue depth; the held ones are served', async () => {
      const podPort = await freePort();
      setTable([ingress()], [slice(podPort, false)]);
      const held = [get(port), get(port), get(port)];
      await until(() => activator.heldCount === 3, 'three held');
      const over = await get(port).done;
      assert.equal(over.status, 503);
      assert.equal(over.body, 'pending request queue full\n');
      const pod = await startPod(podPort);
      try {
        const rs = await Promise.all(held.map((h) => h.done));
        assert.deepEqual(rs.map((r) => r.status), [200, 200, 200]);
      } finally {
        pod.server.closeAllConnections();
        pod.server.close();
      }
    });

    it('a client that disconnects while held leaves the queue', async () => {
      setTable([ingress()], [slice(await freePort(), false)]);
      const abandoned = activator.counts.abandoned;
      const h = get(port);
      h.done.catch(() => undefined);
      await until(() => activator.heldCount === 1, 'held');
      h.req.destroy();
      await until(() => activator.heldCount === 0, 'gone from the queue');
      assert.equal(activator.counts.abandoned, abandoned + 1);
    });

    it('a table that brings a ready endpoint releases held requests too', async () => {
      const podPort = await freePort();
      setTable([ingress()], []);
      const h = get(port, '/', { 'x-n': 'x' });
      await until(() => activator.heldCount === 1, 'held');
      const pod = await startPod(podPort);
      try {
        setTable([ingress()], [slice(podPort, true)]);
        const r = await h.done;
        assert.equal(r.status, 200);
        assert.equal(r.body, 'ok x');
      } finally {
        pod.server.closeAllConnections();
        pod.server.close();
      }
    });

    it('containerConcurrency 1: the per-pod breaker sends one request at a time, the rest wait in arrival order', async () => {
      const podPort = await freePort();
      const pod = await startPod(podPort);
      let inside = 0;
      let most = 0;
      pod.server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
        most = Math.max(most, ++inside);
        res.once('finish', () => inside--);
      });
      try {
        setTable([ingress()], [slice(podPort, true, 1)]);
        const first = get(port, '/slow', { 'x-n': '1' });
        await until(() => pod.seen.length === 1, 'the first request at the pod');
        const rest = [2, 3, 4].map((n) => {
          const r = get(port, '/', { 'x-n': String(n) });
          return r;
        });
        await until(() => activator.heldCount === 3, 'three waiting for the busy pod');
        assert.equal(pod.seen.length, 1, 'nothing else reached the busy pod');
        pod.releaseSlow();
        const rs = await Promise.all([first, ...rest].map((r) => r.done));
        assert.deepEqual(rs.map((r) => r.status), [200, 200, 200, 200]);
        assert.equal(most, 1, 'never more than containerConcurrency at once');
        assert.deepEqual(pod.seen, ['1', '2', '3', '4'], 'arrival order');
      } finally {
        pod.server.closeAllConnections();
        pod.server.close();
      }
    });

    it('reports time-averaged in-flight requests and requests per second', async () => {
      const podPort = await freePort();
      const pod = await startPod(podPort);
      try {
        setTable([ingress()], [slice(podPort, true)]);
        reporter.collect(); // start a fresh interval
        const slow = [get(port, '/slow'), get(port, '/slow'), get(port, '/slow')];
        await until(() => pod.seen.length === 3, 'three requests in flight');
        await sleep(500);
        const t = Date.now();
        const r = reporter.collect(t).find((s) => s.revision === REV);
        assert.ok(r, 'a report for the revision');
        // 3 in flight for most of the interval: between 2 and 3 on average.
        assert.ok(r.concurrency > 1.5 && r.concurrency <= 3, `concurrency ${r.concurrency}`);
        assert.ok(r.rps > 0, `rps ${r.rps}`);
        pod.releaseSlow();
        await Promise.all(slow.map((s) => s.done));
      } finally {
        pod.server.closeAllConnections();
        pod.server.close();
      }
    });
  });
}

describe('Activator queue order', () => {
  it('releases held requests in arrival order', () => {
    const a = new Activator({ probe: async () => false });
    const split = { key: `${NS}/${REV}`, namespace: NS, revision: REV, endpoints: [], pending: [], containerConcurrency: 0, timeoutMs: 10_000 } as unknown as Split;
    const order: number[] = [];
    const closers: (() => void)[] = [];
    for (let i = 0; i < 5; i++) {
      const h: HeldRequest = { split, id: {}, retry: () => order.push(i), reply: () => assert.fail('no reply expected'), onClose: (cb) => closers.push(cb) };
      a.hold(h);
    }
    const ready = { ...split, endpoints: [{ host: '127.0.0.1', port: 1 }] } as Split;
    a.onTable({ hosts: new Map([[HOST, { external: [], internal: [{ splits: [ready] } as never] }]]), wildcard: undefined, generations: new Map(), conflicts: new Map() });
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    for (const c of closers) c(); // closing after release is not an abandonment
    assert.equal(a.counts.abandoned, 0);
    a.close();
  });
});

describe('StatsReporter', () => {
  it('counts the requests a revision served before its first sample (a new revision\'s first 100 ms)', () => {
    const stats = new Map<string, SplitStats>([[`${NS}/${REV}`, { namespace: NS, revision: REV, inFlight: 0, requests: 0 }]]);
    const r = new StatsReporter({ url: 'http://127.0.0.1:1', gateway: 'g', stats });
    const t0 = Date.now();
    r.collect(t0);
    stats.get(`${NS}/${REV}`)!.requests = 5;
    // No sample ran in between (the sampler is not started): the five still count.
    assert.deepEqual(r.collect(t0 + 1000), [{ namespace: NS, revision: REV, concurrency: 0, rps: 5 }]);
    assert.deepEqual(r.collect(t0 + 2000), [], 'and only once');
    r.stop();
  });
});
