// The gateway's informers and KIngress status writer against the real API server. The
// EndpointSlices carry TEST-NET addresses (203.0.113.x) that are only stored and compared, never
// dialled: this test sends HTTP only to the gateway's own listeners on 127.0.0.1, for hosts whose
// answer (404, 503) the gateway gives without dialling anything. --peers points the status writer
// at the gateway's own admin port on 127.0.0.1.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import type { Ingress } from '../../src/api/networking/types.ts';
import { R } from '../../src/api/resources.ts';
import { type RunningGateway, startGateway } from '../../src/dataplane/gateway/main.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { freshNamespace, kube, testKubeconfig } from '../harness/env.ts';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function eventually<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', headers: { host }, agent: false }, (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (body += c));
        r.on('end', () => res({ status: r.statusCode ?? 0, body }));
      })
      .on('error', rej);
  });
}

function kingress(ns: string, name: string, host: string, service: string, cls = 'kourier.ingress.networking.knative.dev'): Ingress {
  return {
    apiVersion: 'networking.internal.knative.dev/v1alpha1',
    kind: 'Ingress',
    metadata: { name, namespace: ns, annotations: { 'networking.knative.dev/ingress.class': cls } },
    spec: {
      rules: [
        {
          hosts: [host],
          visibility: 'ExternalIP',
          http: {
            paths: [
              {
                splits: [
                  {
                    serviceNamespace: ns,
                    serviceName: service,
                    servicePort: 80,
                    percent: 100,
                    appendHeaders: { 'Knative-Serving-Revision': service, 'Knative-Serving-Namespace': ns },
                  },
                ],
              },
            ],
          },
        },
      ],
    },
  };
}

describe('gateway against the API server', () => {
  let client: KubeClient;
  let ns: string;
  let gw: RunningGateway;

  before(async () => {
    client = await kube();
    await installServingCRDs(client);
    ns = await freshNamespace('gw');
    const admin = await freePort();
    gw = await startGateway([
      '--kubeconfig',
      testKubeconfig(),
      '--bind',
      '127.0.0.1',
      '--port',
      '0',
      '--internal-port',
      '0',
      '--admin-port',
      String(admin),
      '--peers',
      `127.0.0.1:${admin}`,
      '--gateway-namespace',
      ns,
      '--identity',
      `test-${process.pid}`,
      '--debounce-ms',
      '10',
    ]);
  });

  after(async () => {
    await gw?.stop();
  });

  it('builds its table from KIngresses and EndpointSlices and marks the KIngress Ready', async () => {
    const host = `hello.${ns}.example.com`;
    await client.create(R.Ingress, kingress(ns, 'hello', host, 'hello-00001') as KubeObject);
    // No pods run here: the EndpointSlice a Deployment would get is written by the test itself.
    await client.create(R.EndpointSlice, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'hello-00001-abcde', namespace: ns, labels: { 'kubernetes.io/service-name': 'hello-00001' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['203.0.113.10'], conditions: { ready: true } }, { addresses: ['203.0.113.11'], conditions: { ready: false } }],
      ports: [{ name: 'http', port: 8012, protocol: 'TCP' }],
    } as KubeObject);

    const split = await eventually('the split to have endpoints', () => {
      const s = gw.gateway.routingTable.hosts.get(host)?.external[0]?.splits[0];
      return s && s.endpoints.length > 0 ? s : undefined;
    });
    assert.deepEqual(split.endpoints, [{ host: '203.0.113.10', port: 8012 }]);
    assert.equal(gw.gateway.routingTable.generations.get(`${ns}/hello`), 1);

    const ready = await eventually('KIngress Ready', async () => {
      const k = await client.get<Ingress>(R.Ingress, 'hello', ns);
      return k.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? k : undefined;
    });
    assert.equal(ready.status?.observedGeneration, 1);
    assert.deepEqual(
      ready.status?.conditions?.map((c) => [c.type, c.status]),
      [
        ['LoadBalancerReady', 'True'],
        ['NetworkConfigured', 'True'],
        ['Ready', 'True'],
      ],
    );
    assert.deepEqual(ready.status?.publicLoadBalancer, { ingress: [{ domainInternal: 'kourier.kourier-system.svc.cluster.local' }] });
    assert.deepEqual(ready.status?.privateLoadBalancer, { ingress: [{ domainInternal: 'kourier-internal.kourier-system.svc.cluster.local' }] });
  });

  it('serves a new generation and reports it', async () => {
    const k = await client.get<Ingress>(R.Ingress, 'hello', ns);
    const newHost = `hello2.${ns}.example.com`;
    k.spec.rules![0]!.hosts = [newHost];
    await client.replace(R.Ingress, k as KubeObject);
    const ready = await eventually('generation 2 Ready', async () => {
      const x = await client.get<Ingress>(R.Ingress, 'hello', ns);
      return x.status?.observedGeneration === 2 && x.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? x : undefined;
    });
    assert.equal(ready.metadata.generation, 2);
    assert.ok(gw.gateway.routingTable.hosts.has(newHost));
    // The old host is gone: 404 from the gateway itself, nothing dialled.
    const r = await get(gw.ports.external, `hello.${ns}.example.com`);
    assert.equal(r.status, 404);
  });

  it('answers 503 for a KIngress whose revision has no EndpointSlice', async () => {
    const host = `cold.${ns}.example.com`;
    await client.create(R.Ingress, kingress(ns, 'cold', host, 'cold-00001') as KubeObject);
    await eventually('the cold host in the table', () => gw.gateway.routingTable.hosts.get(host));
    const r = await get(gw.ports.external, host);
    assert.equal(r.status, 503);
    assert.match(r.body, /no ready endpoints for revision "cold-00001"/);
  });

  it('ignores KIngresses of another class and leaves their status alone', async () => {
    const host = `istio.${ns}.example.com`;
    await client.create(R.Ingress, kingress(ns, 'other', host, 'x-00001', 'istio.ingress.networking.knative.dev') as KubeObject);
    const marker = `marker.${ns}.example.com`;
    await client.create(R.Ingress, kingress(ns, 'marker', marker, 'm-00001') as KubeObject);
    await eventually('the marker KIngress Ready', async () => {
      const x = await client.get<Ingress>(R.Ingress, 'marker', ns);
      return x.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? x : undefined;
    });
    assert.equal(gw.gateway.routingTable.hosts.has(host), false);
    const other = await client.get<Ingress>(R.Ingress, 'other', ns);
    assert.equal(other.status?.conditions, undefined);
  });
});
