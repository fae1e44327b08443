// containerConcurrency across gateway replicas: two real Gateways (each with its Activator, its
// external and internal listeners on 127.0.0.1) in front of one "pod" of a `containerConcurrency: 1`
// revision. Clients spread over both replicas, as the kourier Service spreads them; the pod must
// never see two requests at once (upstream's queue-proxy guarantees it inside the pod; kn-ts has no
// queue-proxy, so the replicas agree on one owner of the revision's breaker: owners.ts).
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Ingress } from '../../src/api/networking/types.ts';
import { Activator } from '../../src/dataplane/gateway/activator.ts';
import { BreakerOwners, rendezvous } from '../../src/dataplane/gateway/owners.ts';
import { Gateway } from '../../src/dataplane/gateway/proxy.ts';
import { CONTAINER_CONCURRENCY_LABEL, buildRoutingTable } from '../../src/dataplane/gateway/table.ts';

const NS = 'default';
const REV = 'single-00001';
const HOST = 'single.default.example.com';

const INGRESS: Ingress = {
  metadata: { name: 'single', namespace: NS, generation: 1 },
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

interface Replica {
  gw: Gateway;
  external: http.Server;
  internal: http.Server;
  ext: number;
  int: number;
}

async function listen(s: http.Server): Promise<number> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

async function replica(): Promise<Replica> {
  const gw = new Gateway({ activator: new Activator() });
  const external = gw.createServer('external');
  const internal = gw.createServer('internal');
  return { gw, external, internal, ext: await listen(external), int: await listen(internal) };
}

function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false, headers: { host: HOST } }, (r) => {
        let body = '';
        r.setEncoding('utf8').on('data', (d: string) => (body += d));
        r.on('end', () => res({ status: r.statusCode ?? 0, body }));
      })
      .on('error', rej);
  });
}

describe('gateway: one breaker per revision across replicas (containerConcurrency)', () => {
  let pod: http.Server;
  let podPort: number;
  let inside = 0;
  let most = 0;
  const hops: string[] = [];
  const replicas: Replica[] = [];

  before(async () => {
    // The "pod": 100 ms per request, as test/test_images/singlethreaded answers 500 to a second one at once.
    pod = http.createServer((req, res) => {
      req.resume();
      if (req.headers['k-kn-ts-breaker-hop'] !== undefined) hops.push(String(req.headers['k-kn-ts-breaker-hop']));
      most = Math.max(most, ++inside);
      setTimeout(() => {
        inside--;
        res.end('one at a time');
      }, 100);
    });
    podPort = await listen(pod);
    replicas.push(await replica(), await replica());
    const slice = {
      metadata: { name: `${REV}-x`, namespace: NS, labels: { 'kubernetes.io/service-name': REV, [CONTAINER_CONCURRENCY_LABEL]: '1' } },
      addressType: 'IPv4' as const,
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      ports: [{ name: 'http', port: podPort }],
    };
    const peers = replicas.map((r) => `127.0.0.1:${r.int}`);
    for (const r of replicas) {
      r.gw.setTable(buildRoutingTable([INGRESS], [slice]));
      r.gw.setReplicas(`127.0.0.1:${r.int}`, peers);
    }
  });

  after(() => {
    for (const r of replicas) {
      r.gw.close();
      for (const s of [r.external, r.internal]) {
        s.close();
        s.closeAllConnections();
      }
    }
    pod.close();
    pod.closeAllConnections();
  });

  it('20 concurrent requests over both replicas: all answered, never two at the pod at once', async () => {
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => get(replicas[i % 2]!.ext)));
    assert.deepEqual(
      rs.map((r) => r.status),
      rs.map(() => 200),
    );
    assert.equal(most, 1, 'the pod saw more than containerConcurrency requests at once');
    assert.deepEqual(hops, [], 'the replicas’ hop mark never reaches the pod');
  });

  it('every replica names the same owner, and only a peer that comes or goes moves keys', () => {
    const peers = ['10.0.0.1:8081', '10.0.0.2:8081', '10.0.0.3:8081'];
    const keys = Array.from({ length: 300 }, (_, i) => `ns/rev-${i}`);
    const owners = keys.map((k) => rendezvous(k, peers));
    assert.deepEqual(keys.map((k) => rendezvous(k, [...peers].reverse())), owners, 'independent of the order');
    for (const p of peers) assert.ok(owners.filter((o) => o === p).length > 50, `${p} owns a share`);
    const without = keys.map((k) => rendezvous(k, peers.slice(0, 2)));
    keys.forEach((_, i) => {
      if (owners[i] !== peers[2]) assert.equal(without[i], owners[i], 'a key not owned by the peer that left stays');
    });
    const o = new BreakerOwners();
    o.set('10.0.0.1:8081', peers);
    const mine = keys.filter((k) => o.ownerOf(k) === undefined);
    assert.deepEqual(mine, keys.filter((_, i) => owners[i] === '10.0.0.1:8081'));
    o.set(undefined, peers);
    assert.equal(o.ownerOf(keys[0]!), undefined, 'a replica that does not know its own address serves locally');
  });
});
