// Upstream Knative's data-plane semantics the conformance suites check (issue #14 item 4), on the
// real Gateway in front of real HTTP servers on 127.0.0.1, with the fast path on and off:
//   - `K-Network-Hash: override` reaches the backend as the KIngress's hash (upstream's ingresses'
//     probe paths; networking conformance headers/probe);
//   - the revision timeout answers 504 only while no response has started; a response that started
//     is not cut (queue-proxy's TimeoutHandler; Serving conformance TestRevisionTimeout);
//     responseStartTimeoutSeconds and idleTimeoutSeconds as queue-proxy applies them.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ingressHash } from '../../src/api/networking/hash.ts';
import type { Ingress } from '../../src/api/networking/types.ts';
import { Gateway } from '../../src/dataplane/gateway/proxy.ts';
import { type EndpointSlice, IDLE_TIMEOUT_LABEL, RESPONSE_START_TIMEOUT_LABEL, REVISION_TIMEOUT_LABEL, buildRoutingTable } from '../../src/dataplane/gateway/table.ts';

const NS = 'default';
const REV = 'hello-00001';
const HOST = 'hello.default.example.com';

const INGRESS: Ingress = {
  metadata: { name: 'hello', namespace: NS, generation: 1 },
  spec: {
    rules: [
      {
        hosts: [HOST],
        visibility: 'ExternalIP',
        http: { paths: [{ splits: [{ serviceNamespace: NS, serviceName: REV, servicePort: 80, percent: 100, appendHeaders: { 'Knative-Serving-Revision': REV } }] }] },
      },
    ],
  },
};

function slice(port: number, labels: Record<string, string>): EndpointSlice {
  return {
    metadata: { name: `${REV}-x`, namespace: NS, labels: { 'kubernetes.io/service-name': REV, ...labels } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: 'http', port }],
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The "pod": /hash echoes K-Network-Hash; /late waits 3 s before its head; /stream writes its head
 * and a first chunk at once and the rest 2.5 s later; /silent writes a first chunk, then nothing for 3 s.
 */
function pod(): http.Server {
  return http.createServer((req, res) => {
    req.resume();
    const url = req.url ?? '/';
    if (url === '/hash') {
      res.end(String(req.headers['k-network-hash'] ?? ''));
    } else if (url === '/late') {
      const t = setTimeout(() => res.end('late'), 3000);
      res.once('close', () => clearTimeout(t));
    } else if (url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first ');
      const t = setTimeout(() => res.end('last'), 2500);
      res.once('close', () => clearTimeout(t));
    } else {
      res.writeHead(200);
      res.write('first ');
      const t = setTimeout(() => res.end('last'), 3000);
      res.once('close', () => clearTimeout(t));
    }
  });
}

interface Reply {
  status: number;
  body: string;
  error?: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((res) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers: { host: HOST, ...headers } }, (r) => {
      let body = '';
      r.setEncoding('utf8').on('data', (d: string) => (body += d));
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
      r.on('error', (e) => res({ status: r.statusCode ?? 0, body, error: e.message }));
    });
    req.on('error', (e) => res({ status: 0, body: '', error: e.message }));
  });
}

for (const fastPath of [true, false]) {
  describe(`gateway: upstream's probe hash and timeouts (fast path ${fastPath ? 'on' : 'off'})`, () => {
    let upstream: http.Server;
    let upPort: number;
    let gw: Gateway;
    let server: http.Server;
    let port: number;

    before(async () => {
      upstream = pod();
      await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
      upPort = (upstream.address() as AddressInfo).port;
      gw = new Gateway({ fastPath });
      server = gw.createServer('external');
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });

    after(() => {
      gw.close();
      server.close();
      server.closeAllConnections();
      upstream.close();
      upstream.closeAllConnections();
    });

    const table = (labels: Record<string, string> = {}) => gw.setTable(buildRoutingTable([INGRESS], [slice(upPort, labels)]));

    it("K-Network-Hash: override reaches the backend as the KIngress's hash; any other value passes as it is", async () => {
      table();
      const want = ingressHash(INGRESS);
      assert.match(want, /^[0-9a-f]{64}$/);
      assert.deepEqual(await get(port, '/hash', { 'K-Network-Hash': 'override', 'K-Network-Probe': 'probe' }), { status: 200, body: want });
      const mine = '2701a1b241db6af811992c57a5e11171847148ac3d2e1a8cc992a62f9e4fa111';
      assert.deepEqual(await get(port, '/hash', { 'K-Network-Hash': mine }), { status: 200, body: mine });
      assert.deepEqual(await get(port, '/hash'), { status: 200, body: '' });
    });

    it('timeoutSeconds: 504 when the response has not started in time; a response that started goes on to its end', async () => {
      table({ [REVISION_TIMEOUT_LABEL]: '1' });
      const started = Date.now();
      const late = await get(port, '/late');
      assert.deepEqual(late, { status: 504, body: 'request timeout\n' });
      assert.ok(Date.now() - started < 2900, 'answered at the timeout, not when the upstream did');
      const stream = await get(port, '/stream');
      assert.deepEqual(stream, { status: 200, body: 'first last' }, 'not cut after 1 s');
    });

    it('responseStartTimeoutSeconds: 504 when nothing started by then, though timeoutSeconds is longer', async () => {
      table({ [REVISION_TIMEOUT_LABEL]: '30', [RESPONSE_START_TIMEOUT_LABEL]: '1' });
      const started = Date.now();
      assert.deepEqual(await get(port, '/late'), { status: 504, body: 'request timeout\n' });
      assert.ok(Date.now() - started < 2900);
      assert.deepEqual(await get(port, '/stream'), { status: 200, body: 'first last' });
    });

    it('idleTimeoutSeconds: an upstream silent that long is cut, after its first bytes too', async () => {
      table({ [REVISION_TIMEOUT_LABEL]: '30', [IDLE_TIMEOUT_LABEL]: '1' });
      const silent = await get(port, '/silent');
      assert.equal(silent.status, 200);
      assert.equal(silent.body, 'first ', 'the rest never came');
      assert.ok(silent.error, 'the response ended with an error, not as complete');
      assert.deepEqual(await get(port, '/late'), { status: 504, body: 'request timeout\n' });
      await sleep(0);
    });
  });
}
