// What the gateway's informers keep (lean.ts, issue #9): the routing table built from the
// projections of a KIngress and its EndpointSlices is the table built from the whole objects, and a
// gateway serving that table routes a header match, a traffic split's revision headers and a
// ClusterLocal rule as before. Upstreams are real HTTP servers on 127.0.0.1.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import type { Ingress } from '../../src/api/networking/types.ts';
import { ingressHash } from '../../src/api/networking/hash.ts';
import { leanEndpointSlice, leanIngress } from '../../src/dataplane/gateway/lean.ts';
import { type EndpointSlice, type RoutingTable, buildRoutingTable } from '../../src/dataplane/gateway/table.ts';
import { listeningGateway } from './gateway-helpers.ts';

const NS = 'lean';
const managedFields = [{ manager: 'kn-ts-controller', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { '.': {} } } }];

/** A KIngress as the API server sends it: everything the controller writes, and more. */
function fullIngress(): Ingress {
  const split = (service: string, percent: number) => ({
    serviceNamespace: NS,
    serviceName: service,
    servicePort: 80,
    percent,
    appendHeaders: { 'Knative-Serving-Revision': service, 'Knative-Serving-Namespace': NS },
  });
  return {
    apiVersion: 'networking.internal.knative.dev/v1alpha1',
    kind: 'Ingress',
    metadata: {
      name: 'web',
      namespace: NS,
      uid: 'u-1',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { 'serving.knative.dev/route': 'web', 'serving.knative.dev/service': 'web' },
      annotations: {
        'networking.knative.dev/ingress.class': 'kourier.ingress.networking.knative.dev',
        'networking.kn-ts.dev/timeout-seconds': '42',
        'networking.internal.knative.dev/rollout': '{"configurations":[{"configurationName":"web","percent":100}]}',
        'serving.knative.dev/creator': 'someone',
      },
      ownerReferences: [{ apiVersion: 'serving.knative.dev/v1', kind: 'Route', name: 'web', uid: 'r-1', controller: true }],
      managedFields,
    },
    spec: {
      httpOption: 'Enabled',
      tls: [{ hosts: ['web.lean.example.com'], secretName: 'web-tls', secretNamespace: NS }],
      rules: [
        {
          hosts: ['web.lean.example.com'],
          visibility: 'ExternalIP',
          http: {
            paths: [
              { headers: { 'X-Canary': { exact: 'yes' } }, rewriteHost: 'canary.lean.example.com', splits: [split('web-b', 100)], appendHeaders: { 'X-Path': 'canary' } },
              { path: '/api', splits: [split('web-a', 70), split('web-b', 30)] },
              { splits: [split('web-a', 100)] },
            ],
          },
        },
        { hosts: ['web.lean.svc.cluster.local'], visibility: 'ClusterLocal', http: { paths: [{ splits: [split('web-a', 100)] }] } },
      ],
    },
    status: { observedGeneration: 3, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

/** An EndpointSlice as kube-controller-manager writes it for a revision's Service. */
function fullSlice(service: string, port: number, name = 'http'): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${service}-abcde`,
      namespace: NS,
      uid: `u-${service}`,
      resourceVersion: '7',
      generation: 2,
      labels: {
        'kubernetes.io/service-name': service,
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        'serving.knative.dev/revision': service,
        'serving.knative.dev/revisionUID': 'rev-uid',
        'networking.kn-ts.dev/container-concurrency': '4',
        'networking.kn-ts.dev/readiness-probe': `http.${Buffer.from('/ready').toString('hex')}`,
        // The revision's timeouts on one of the two (the other's come from the KIngress annotation).
        ...(name === 'http2' ? { 'networking.kn-ts.dev/timeout-seconds': '30', 'networking.kn-ts.dev/response-start-timeout-seconds': '20', 'networking.kn-ts.dev/idle-timeout-seconds': '10' } : {}),
      },
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:00Z' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: service, uid: 's-1', controller: true }],
      managedFields,
    },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['127.0.0.1'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-1', zone: 'z', targetRef: { kind: 'Pod', name: `${service}-pod`, namespace: NS } } as never,
      { addresses: ['127.0.0.2'], conditions: { ready: false, serving: false, terminating: false }, nodeName: 'node-1' } as never,
      { addresses: ['127.0.0.3'], conditions: { ready: false, serving: true, terminating: true } },
    ],
    ports: [{ name, port, protocol: 'TCP', appProtocol: name === 'http2' ? 'kubernetes.io/h2c' : undefined }],
  };
}

/** A table as plain data (Maps as sorted entries), to compare two tables field by field. */
function plain(t: RoutingTable): unknown {
  return JSON.parse(JSON.stringify(t, (_k, v: unknown) => (v instanceof Map ? [...v].sort((a, b) => String(a[0]).localeCompare(String(b[0]))) : v)));
}

const lean = <T extends KubeObject>(f: (o: KubeObject) => KubeObject, o: T): T => f(structuredClone(o)) as T;

describe('the gateway caches projections (lean.ts)', () => {
  it('builds the same routing table from the projections as from the whole objects', () => {
    const ing = fullIngress();
    const slices = [fullSlice('web-a', 8080), fullSlice('web-b', 8081, 'http2')];
    const whole = buildRoutingTable([ing], slices);
    const projected = buildRoutingTable([lean(leanIngress, ing)], slices.map((s) => lean(leanEndpointSlice, s)));
    assert.deepEqual(plain(projected), plain(whole));
    // The table read what the projection must keep: the revision settings of the slices, the timeout annotation.
    const split = whole.hosts.get('web.lean.example.com')?.external.find((p) => p.prefix === '/api')?.splits[1];
    assert.equal(split?.containerConcurrency, 4);
    assert.equal(split?.timeoutMs, 30_000);
    assert.equal(split?.idleTimeoutMs, 10_000);
    assert.equal(split?.h2c, true);
    assert.deepEqual(split?.pending, [{ host: '127.0.0.2', port: 8081 }]);
    assert.equal(whole.hosts.get('web.lean.svc.cluster.local')?.internal[0]?.splits[0]?.timeoutMs, 42_000);
  });

  it('keeps what the status writer sends back and the hash covers, and drops the rest', () => {
    const ing = fullIngress();
    const l = lean(leanIngress, ing);
    assert.equal(ingressHash(l), ingressHash(ing));
    assert.deepEqual(l.status, ing.status);
    assert.deepEqual(
      { apiVersion: l.apiVersion, kind: l.kind, name: l.metadata.name, namespace: l.metadata.namespace, uid: l.metadata.uid, rv: l.metadata.resourceVersion, gen: l.metadata.generation },
      { apiVersion: ing.apiVersion, kind: ing.kind, name: 'web', namespace: NS, uid: 'u-1', rv: '42', gen: 3 },
    );
    assert.deepEqual(Object.keys(l.metadata.annotations ?? {}).sort(), ['networking.kn-ts.dev/timeout-seconds', 'networking.knative.dev/ingress.class']);
    assert.equal(l.metadata.managedFields, undefined);
    assert.equal(l.metadata.ownerReferences, undefined);
    assert.equal(l.metadata.labels, undefined);
    const s = lean(leanEndpointSlice, fullSlice('web-a', 8080));
    assert.equal(s.metadata.managedFields, undefined);
    assert.equal(s.metadata.annotations, undefined);
    assert.equal(s.metadata.labels?.['serving.knative.dev/revisionUID'], undefined);
    assert.equal((s.endpoints?.[0] as Record<string, unknown>).targetRef, undefined);
  });

  describe('a gateway serving the projected table', () => {
    const upstreams: http.Server[] = [];
    let gw: Awaited<ReturnType<typeof listeningGateway>>;

    before(async () => {
      const ports: number[] = [];
      for (const name of ['a', 'b']) {
        const s = http.createServer((req, res) => {
          res.setHeader('content-type', 'text/plain');
          res.end(`${name} ${req.headers['knative-serving-revision']} ${req.headers.host} ${req.headers['x-path'] ?? '-'}`);
        });
        await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
        upstreams.push(s);
        ports.push((s.address() as AddressInfo).port);
      }
      const slices = [fullSlice('web-a', ports[0]!), fullSlice('web-b', ports[1]!)].map((s) => lean(leanEndpointSlice, s));
      gw = await listeningGateway({}, buildRoutingTable([lean(leanIngress, fullIngress())], slices));
    });

    after(() => {
      gw?.close();
      for (const s of upstreams) s.close();
    });

    const get = (host: string, headers: Record<string, string> = {}, path = '/') =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: gw.port, path, headers: { host, ...headers }, agent: false }, (r) => {
            let body = '';
            r.setEncoding('utf8');
            r.on('data', (c: string) => (body += c));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
          })
          .on('error', reject);
      });

    it('routes by header, rewrites the host and appends the path and split headers', async () => {
      assert.deepEqual(await get('web.lean.example.com', { 'x-canary': 'yes' }), { status: 200, body: 'b web-b canary.lean.example.com canary' });
    });

    it('serves the catch-all path with the split revision header', async () => {
      assert.deepEqual(await get('web.lean.example.com'), { status: 200, body: 'a web-a web.lean.example.com -' });
    });

    it('serves the split path from both revisions', async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 60 && seen.size < 2; i++) seen.add((await get('web.lean.example.com', {}, '/api')).body.split(' ')[0] ?? '');
      assert.deepEqual([...seen].sort(), ['a', 'b']);
    });

    it('keeps the ClusterLocal rule off the external listener', async () => {
      assert.equal((await get('web.lean.svc.cluster.local')).status, 404);
    });
  });
});
