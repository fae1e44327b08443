// The gateway's pure routing-table builder: KIngresses + EndpointSlices → host → visibility →
// paths → weighted splits → ready endpoints.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HTTPIngressPath, Ingress, IngressRule } from '../../src/api/networking/types.ts';
import {
  type EndpointSlice,
  buildRoutingTable,
  isOurIngress,
  normalizeHost,
  pickPort,
  type SplitStats,
} from '../../src/dataplane/gateway/table.ts';
import { desiredIngressStatus } from '../../src/dataplane/gateway/status.ts';

const ns = 'default';
const revHeaders = (rev: string) => ({ 'Knative-Serving-Revision': rev, 'Knative-Serving-Namespace': ns });
const split = (rev: string, percent: number, port: number | string = 80) => ({
  serviceNamespace: ns,
  serviceName: rev,
  servicePort: port,
  percent,
  appendHeaders: revHeaders(rev),
});

function kingress(name: string, rules: IngressRule[], annotations: Record<string, string> = {}, generation = 1, created = '2026-01-01T00:00:00Z'): Ingress {
  return {
    apiVersion: 'networking.internal.knative.dev/v1alpha1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: ns,
      generation,
      creationTimestamp: created,
      annotations: { 'networking.knative.dev/ingress.class': 'kourier.ingress.networking.knative.dev', ...annotations },
    },
    spec: { rules },
  };
}

function slice(service: string, addrs: { ip: string; ready?: boolean }[], ports = [{ name: 'http', port: 8012 }], name = `${service}-abc`): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: addrs.map((a) => ({ addresses: [a.ip], conditions: a.ready === undefined ? {} : { ready: a.ready } })),
    ports,
  };
}

// What Serving's Route reconciler produces for Route "hello" with a tag "v1" (two rules per name).
function helloIngress(paths: HTTPIngressPath[], tagPaths: HTTPIngressPath[]): Ingress {
  return kingress('hello', [
    { hosts: ['hello.default', 'hello.default.svc', 'hello.default.svc.cluster.local'], visibility: 'ClusterLocal', http: { paths } },
    { hosts: ['hello.default.example.com'], visibility: 'ExternalIP', http: { paths } },
    { hosts: ['v1-hello.default', 'v1-hello.default.svc', 'v1-hello.default.svc.cluster.local'], visibility: 'ClusterLocal', http: { paths: tagPaths } },
    { hosts: ['v1-hello.default.example.com'], visibility: 'ExternalIP', http: { paths: tagPaths } },
  ]);
}

describe('gateway routing table', () => {
  it('normalizes hosts: lower case, no port, no trailing dot', () => {
    assert.equal(normalizeHost('Hello.Default.Example.COM:8080'), 'hello.default.example.com');
    assert.equal(normalizeHost('hello.default.example.com.'), 'hello.default.example.com');
    assert.equal(normalizeHost('[::1]:80'), '[::1]');
    assert.equal(normalizeHost('plain'), 'plain');
  });

  it('accepts only the Kourier class or no class', () => {
    assert.equal(isOurIngress(kingress('a', [])), true);
    const none = kingress('b', []);
    delete none.metadata.annotations;
    assert.equal(isOurIngress(none), true);
    assert.equal(isOurIngress(kingress('c', [], { 'networking.knative.dev/ingress.class': 'istio.ingress.networking.knative.dev' })), false);
    const alt = kingress('d', []);
    alt.metadata.annotations = { 'networking.knative.dev/ingress-class': 'contour.ingress.networking.knative.dev' };
    assert.equal(isOurIngress(alt), false);
    const t = buildRoutingTable(
      [
        kingress('istio', [{ hosts: ['x.example.com'], http: { paths: [{ splits: [split('x-00001', 100)] }] } }], {
          'networking.knative.dev/ingress.class': 'istio.ingress.networking.knative.dev',
        }),
      ],
      [],
    );
    assert.equal(t.hosts.size, 0);
    assert.equal(t.generations.size, 0);
  });

  it('maps every host of every rule, external hosts on both listeners and cluster-local hosts on the internal one only', () => {
    const paths = [{ splits: [split('hello-00002', 100)] }];
    const t = buildRoutingTable([helloIngress(paths, [{ splits: [split('hello-00001', 100)] }])], []);
    assert.deepEqual([...t.hosts.keys()].sort(), [
      'hello.default',
      'hello.default.example.com',
      'hello.default.svc',
      'hello.default.svc.cluster.local',
      'v1-hello.default',
      'v1-hello.default.example.com',
      'v1-hello.default.svc',
      'v1-hello.default.svc.cluster.local',
    ]);
    const local = t.hosts.get('hello.default.svc.cluster.local')!;
    assert.equal(local.external.length, 0);
    assert.equal(local.internal.length, 1);
    const ext = t.hosts.get('hello.default.example.com')!;
    assert.equal(ext.external.length, 1);
    assert.equal(ext.internal.length, 1);
    assert.equal(t.hosts.get('v1-hello.default.example.com')!.external[0]!.splits[0]!.service, 'hello-00001');
    assert.equal(t.generations.get('default/hello'), 1);
  });

  it('orders paths longest prefix first and keeps header-matching paths before the default one', () => {
    const paths: HTTPIngressPath[] = [
      { headers: { 'Knative-Serving-Tag': { exact: 'v1' } }, splits: [split('hello-00001', 100)], appendHeaders: { 'Knative-Serving-Tag': 'v1' } },
      { splits: [split('hello-00002', 100)], appendHeaders: { 'Knative-Serving-Default-Route': 'true' } },
      { path: '/api', splits: [split('api-00001', 100)] },
    ];
    const t = buildRoutingTable([kingress('hello', [{ hosts: ['hello.default.example.com'], http: { paths } }])], []);
    const ps = t.hosts.get('hello.default.example.com')!.external;
    assert.deepEqual(
      ps.map((p) => p.prefix),
      ['/api', '/', '/'],
    );
    assert.deepEqual(ps[1]!.headers, [{ name: 'knative-serving-tag', value: 'v1' }]);
    assert.deepEqual(ps[2]!.headers, []);
    // Path-level appendHeaders are merged into each split's, lower-cased.
    assert.deepEqual(Object.fromEntries(ps[1]!.splits[0]!.appendHeaders), {
      'knative-serving-tag': 'v1',
      'knative-serving-revision': 'hello-00001',
      'knative-serving-namespace': 'default',
    });
  });

  it('computes cumulative weights and defaults a lone split to 100', () => {
    const t = buildRoutingTable(
      [
        kingress('a', [{ hosts: ['a.example.com'], http: { paths: [{ splits: [split('a-1', 10), split('a-2', 30), split('a-3', 60)] }] } }]),
        kingress('b', [{ hosts: ['b.example.com'], http: { paths: [{ splits: [{ serviceNamespace: ns, serviceName: 'b-1', servicePort: 80 }] }] } }]),
      ],
      [],
    );
    const a = t.hosts.get('a.example.com')!.external[0]!;
    assert.deepEqual(a.cumulative, [10, 40, 100]);
    assert.equal(a.total, 100);
    const b = t.hosts.get('b.example.com')!.external[0]!;
    assert.equal(b.splits[0]!.percent, 100);
    assert.equal(b.total, 100);
  });

  it('resolves ready endpoints from the EndpointSlices of the split service, at the right port', () => {
    const paths = [{ splits: [split('hello-00001', 50), split('hello-00002', 50, 81)] }];
    const t = buildRoutingTable(
      [kingress('hello', [{ hosts: ['hello.example.com'], http: { paths } }])],
      [
        slice('hello-00001', [{ ip: '203.0.113.1' }, { ip: '203.0.113.2', ready: false }, { ip: '203.0.113.3', ready: true }], [
          { name: 'http', port: 8012 },
          { name: 'http2', port: 8013 },
        ]),
        slice('hello-00002', [{ ip: '203.0.113.9' }], [
          { name: 'http', port: 8012 },
          { name: 'http2', port: 8013 },
        ]),
        slice('other', [{ ip: '203.0.113.50' }]),
      ],
    );
    const [s1, s2] = t.hosts.get('hello.example.com')!.external[0]!.splits;
    assert.deepEqual(s1!.endpoints, [
      { host: '203.0.113.1', port: 8012 },
      { host: '203.0.113.3', port: 8012 },
    ]);
    assert.equal(s1!.h2c, false);
    assert.deepEqual(s2!.endpoints, [{ host: '203.0.113.9', port: 8013 }]);
    assert.equal(s2!.h2c, true, 'port 81 picks the http2 port, which is h2c');
    assert.equal(s1!.revision, 'hello-00001');
    assert.equal(s1!.key, 'default/hello-00001');
  });

  it('merges several slices of one service and marks h2c by port name or appProtocol', () => {
    const paths = [{ splits: [split('grpc-00001', 100)] }];
    const t = buildRoutingTable(
      [kingress('grpc', [{ hosts: ['grpc.example.com'], http: { paths } }])],
      [
        slice('grpc-00001', [{ ip: '203.0.113.2' }], [{ name: 'h2c', port: 8080 }], 'grpc-b'),
        slice('grpc-00001', [{ ip: '203.0.113.1' }], [{ name: 'h2c', port: 8080 }], 'grpc-a'),
      ],
    );
    const s = t.hosts.get('grpc.example.com')!.external[0]!.splits[0]!;
    assert.deepEqual(
      s.endpoints.map((e) => e.host),
      ['203.0.113.1', '203.0.113.2'],
    );
    assert.equal(s.h2c, true);
    assert.equal(pickPort([{ name: 'x', port: 1, appProtocol: 'kubernetes.io/h2c' }], 80)?.port, 1);
    assert.equal(pickPort([{ name: 'a', port: 1 }, { name: 'b', port: 2 }], 'b')?.port, 2);
    assert.equal(pickPort([{ name: 'a', port: 1 }, { name: 'b', port: 2 }], 2)?.port, 2);
    assert.equal(pickPort([{ name: 'a', port: 1 }, { name: 'b', port: 2 }], 80), undefined);
  });

  it('has no endpoints for a split whose service has no slice (the proxy answers 503 or holds)', () => {
    const t = buildRoutingTable([kingress('z', [{ hosts: ['z.example.com'], http: { paths: [{ splits: [split('z-1', 100)] }] } }])], []);
    assert.deepEqual(t.hosts.get('z.example.com')!.external[0]!.splits[0]!.endpoints, []);
  });

  it('keeps rewriteHost (DomainMapping) and the per-KIngress timeout annotation', () => {
    const dm = kingress(
      'app.example.org',
      [
        {
          hosts: ['app.example.org'],
          visibility: 'ExternalIP',
          http: {
            paths: [
              {
                rewriteHost: 'hello.default.svc.cluster.local',
                splits: [{ serviceNamespace: ns, serviceName: 'hello', servicePort: 80, percent: 100, appendHeaders: { 'K-Original-Host': 'app.example.org' } }],
              },
            ],
          },
        },
      ],
      { 'networking.kn-ts.dev/timeout-seconds': '12' },
    );
    const t = buildRoutingTable([dm], [], { defaultTimeoutMs: 1000 });
    const p = t.hosts.get('app.example.org')!.external[0]!;
    assert.equal(p.rewriteHost, 'hello.default.svc.cluster.local');
    assert.equal(p.splits[0]!.timeoutMs, 12_000);
    const t2 = buildRoutingTable([kingress('q', [{ hosts: ['q.example.com'], http: { paths: [{ splits: [split('q', 100)] }] } }])], [], { defaultTimeoutMs: 1000 });
    assert.equal(t2.hosts.get('q.example.com')!.external[0]!.splits[0]!.timeoutMs, 1000);
  });

  it('serves rules without hosts as a wildcard', () => {
    const t = buildRoutingTable([kingress('w', [{ http: { paths: [{ splits: [split('w-1', 100)] }] } }])], []);
    assert.equal(t.wildcard?.external.length, 1);
  });

  it('rejects a KIngress whose host an older KIngress already serves, as a whole', () => {
    const a = kingress('a', [{ hosts: ['same.example.com'], http: { paths: [{ splits: [split('a-1', 100)] }] } }], {}, 1, '2026-01-01T00:00:00Z');
    const b = kingress(
      'b',
      [
        { hosts: ['same.example.com'], http: { paths: [{ splits: [split('b-1', 100)] }] } },
        { hosts: ['only-b.example.com'], http: { paths: [{ splits: [split('b-1', 100)] }] } },
      ],
      {},
      1,
      '2026-01-02T00:00:00Z',
    );
    const t = buildRoutingTable([b, a], []);
    assert.equal(t.hosts.get('same.example.com')!.external[0]!.splits[0]!.service, 'a-1');
    assert.equal(t.hosts.has('only-b.example.com'), false);
    assert.deepEqual(t.conflicts.get('same.example.com'), ['default/a', 'default/b']);
    assert.equal(t.generations.has('default/b'), false);
  });

  it('shares per-revision counters across rebuilds', () => {
    const stats = new Map<string, SplitStats>();
    const ing = kingress('s', [{ hosts: ['s.example.com'], http: { paths: [{ splits: [split('s-1', 100)] }] } }]);
    const t1 = buildRoutingTable([ing], [], { stats });
    t1.hosts.get('s.example.com')!.external[0]!.splits[0]!.stats.inFlight = 3;
    const t2 = buildRoutingTable([ing], [], { stats });
    assert.equal(t2.hosts.get('s.example.com')!.external[0]!.splits[0]!.stats.inFlight, 3);
    assert.deepEqual([...stats.keys()], ['default/s-1']);
  });
});

describe('gateway KIngress status', () => {
  const ing = kingress('hello', [], {}, 3);
  it('is Ready with Kourier load balancers when every replica serves the generation', () => {
    const s = desiredIngressStatus(ing, { kind: 'ready' }, '2026-01-01T00:00:00Z');
    assert.equal(s.observedGeneration, 3);
    assert.deepEqual(
      s.conditions?.map((c) => [c.type, c.status]),
      [
        ['LoadBalancerReady', 'True'],
        ['NetworkConfigured', 'True'],
        ['Ready', 'True'],
      ],
    );
    assert.deepEqual(s.publicLoadBalancer, { ingress: [{ domainInternal: 'kourier.kourier-system.svc.cluster.local' }] });
    assert.deepEqual(s.privateLoadBalancer, { ingress: [{ domainInternal: 'kourier-internal.kourier-system.svc.cluster.local' }] });
  });
  it('waits with Uninitialized, and fails with DomainConflict', () => {
    const w = desiredIngressStatus(ing, { kind: 'waiting' }, '2026-01-01T00:00:00Z');
    const lb = w.conditions?.find((c) => c.type === 'LoadBalancerReady');
    assert.deepEqual([lb?.status, lb?.reason, lb?.message], ['Unknown', 'Uninitialized', 'Waiting for load balancer to be ready']);
    assert.equal(w.publicLoadBalancer, undefined);
    const c = desiredIngressStatus(ing, { kind: 'conflict', message: 'Ingress rejected: x' }, '2026-01-01T00:00:00Z');
    assert.equal(c.conditions?.find((x) => x.type === 'Ready')?.reason, 'DomainConflict');
  });
  it('keeps lastTransitionTime when a condition does not change', () => {
    const first = desiredIngressStatus(ing, { kind: 'ready' }, '2026-01-01T00:00:00Z');
    const again = desiredIngressStatus({ ...ing, status: first }, { kind: 'ready' }, '2026-02-02T00:00:00Z');
    assert.equal(again.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime, '2026-01-01T00:00:00Z');
  });
});
