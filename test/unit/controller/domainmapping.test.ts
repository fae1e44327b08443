// The DomainMapping reconciler against the fake cluster.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/meta.ts';
import type { Ingress } from '../../../src/api/networking/types.ts';
import { R } from '../../../src/api/resources.ts';
import type { DomainMapping } from '../../../src/api/serving/types.ts';
import { makeDomainMappingReconciler, targetOf } from '../../../src/controller/domainmapping/reconciler.ts';
import { claim, cond, domainMapping, FakeCluster, ingressStatus, ksvc } from './route-fixtures.ts';

const NS = 'default';
const DOMAIN = 'www.example.org';
const KSVC_REF = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello' };
const AUTOCREATE = { 'config-network': { 'autocreate-cluster-domain-claims': 'true' } };

interface Row {
  name: string;
  objects: KubeObject[];
  configMaps?: Record<string, Record<string, string>>;
  wantActions?: string[];
  wantConditions?: Record<string, unknown>;
  check?(f: FakeCluster, dm: DomainMapping): void;
}

const rows: Row[] = [
  {
    name: 'no claim and no autocreate: DomainClaimed False',
    objects: [domainMapping(NS, DOMAIN, KSVC_REF), ksvc(NS, 'hello', 'http://hello.default.svc.cluster.local')],
    wantActions: [],
    wantConditions: {
      DomainClaimed: { status: 'False', reason: 'DomainAlreadyClaimed', message: 'The domain name is already in use by another DomainMapping' },
      Ready: { status: 'False', reason: 'DomainAlreadyClaimed', message: 'The domain name is already in use by another DomainMapping' },
    },
    check: (_f, dm) => assert.equal(dm.status?.url, 'http://www.example.org'),
  },
  {
    name: 'spec.tls: https URL, certificate externally provided, TLS on the KIngress',
    objects: [{ ...domainMapping(NS, DOMAIN, KSVC_REF), spec: { ref: KSVC_REF, tls: { secretName: 'tls-secret' } } } as KubeObject, ksvc(NS, 'hello', 'http://hello.default.svc.cluster.local')],
    configMaps: AUTOCREATE,
    wantActions: [`create clusterdomainclaims ${DOMAIN}`, `create ingresses default/${DOMAIN}`],
    wantConditions: { CertificateProvisioned: { status: 'True', reason: 'CertificateExternallyProvided', message: 'TLS certificate was provided externally' } },
    check(f, dm) {
      assert.equal(dm.status?.url, 'https://www.example.org');
      assert.equal(dm.status?.address?.url, 'https://www.example.org');
      assert.deepEqual(f.get<Ingress>(R.Ingress, DOMAIN, NS)!.spec.tls, [{ hosts: [DOMAIN], secretName: 'tls-secret', secretNamespace: NS }]);
    },
  },
  {
    name: 'claimed by another namespace',
    objects: [domainMapping(NS, DOMAIN, KSVC_REF), claim(DOMAIN, 'other'), ksvc(NS, 'hello', 'http://hello.default.svc.cluster.local')],
    configMaps: AUTOCREATE,
    wantActions: [],
    wantConditions: { DomainClaimed: { status: 'False', reason: 'DomainAlreadyClaimed', message: 'The domain name is already in use by another DomainMapping' } },
  },
  {
    name: 'autocreate: claim and KIngress created, rewriteHost to the ksvc',
    objects: [domainMapping(NS, DOMAIN, KSVC_REF), ksvc(NS, 'hello', 'http://hello.default.svc.cluster.local')],
    configMaps: AUTOCREATE,
    wantActions: [`create clusterdomainclaims ${DOMAIN}`, `create ingresses default/${DOMAIN}`],
    wantConditions: {
      DomainClaimed: { status: 'True' },
      ReferenceResolved: { status: 'True' },
      CertificateProvisioned: { status: 'True', reason: 'TLSNotEnabled', message: 'external-domain-tls is not enabled' },
      IngressReady: { status: 'Unknown', reason: 'IngressNotConfigured', message: 'Ingress has not yet been reconciled.' },
    },
    check(f, dm) {
      assert.equal(dm.status?.address?.url, 'http://www.example.org');
      assert.deepEqual(f.get<KubeObject>(R.ClusterDomainClaim, DOMAIN)?.spec, { namespace: NS });
      const ing = f.get<Ingress>(R.Ingress, DOMAIN, NS)!;
      assert.equal(ing.metadata.labels?.['serving.knative.dev/domainMappingUID'], `uid-dm-${DOMAIN}`);
      assert.equal(ing.metadata.labels?.['serving.knative.dev/domainMappingNamespace'], NS);
      assert.equal(ing.metadata.annotations?.['networking.knative.dev/ingress.class'], 'kourier.ingress.networking.knative.dev');
      assert.deepEqual(ing.spec.rules, [
        {
          hosts: [DOMAIN],
          visibility: 'ExternalIP',
          http: {
            paths: [
              {
                rewriteHost: 'hello.default.svc.cluster.local',
                splits: [{ serviceNamespace: NS, serviceName: 'hello', servicePort: 80, percent: 100, appendHeaders: { 'K-Original-Host': DOMAIN } }],
              },
            ],
          },
        },
      ]);
    },
  },
  {
    name: 'ref not found: ReferenceResolved False',
    objects: [domainMapping(NS, DOMAIN, KSVC_REF), claim(DOMAIN, NS)],
    wantActions: [],
    wantConditions: {
      DomainClaimed: { status: 'True' },
      ReferenceResolved: { status: 'False', reason: 'ResolveFailed', message: 'failed to get object default/hello: services.serving.knative.dev "hello" not found' },
    },
  },
  {
    name: 'ref without an address yet',
    objects: [domainMapping(NS, DOMAIN, KSVC_REF), claim(DOMAIN, NS), ksvc(NS, 'hello')],
    wantConditions: { ReferenceResolved: { status: 'False', reason: 'ResolveFailed', message: 'address not set for Service/hello' } },
  },
  {
    name: 'ref in another namespace',
    objects: [domainMapping(NS, DOMAIN, { ...KSVC_REF, namespace: 'other' }), claim(DOMAIN, NS), ksvc('other', 'hello', 'http://hello.other.svc.cluster.local')],
    wantConditions: {
      ReferenceResolved: {
        status: 'False',
        reason: 'ResolveFailed',
        message: 'resolved URI "http://hello.other.svc.cluster.local" must be in same namespace as DomainMapping',
      },
    },
  },
  {
    name: 'a plain Kubernetes Service ref',
    objects: [domainMapping(NS, DOMAIN, { apiVersion: 'v1', kind: 'Service', name: 'web' }), claim(DOMAIN, NS), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS } }],
    wantActions: [`create ingresses default/${DOMAIN}`],
    wantConditions: { ReferenceResolved: { status: 'True' } },
  },
  {
    name: 'KIngress ready: Ready True',
    objects: [],
    wantConditions: { IngressReady: { status: 'True' }, Ready: { status: 'True' } },
  },
];

async function run(row: Row) {
  let objects = row.objects;
  if (row.name.startsWith('KIngress ready')) {
    const f0 = new FakeCluster(domainMapping(NS, DOMAIN, KSVC_REF), claim(DOMAIN, NS), ksvc(NS, 'hello', 'http://hello.default.svc.cluster.local'));
    await makeDomainMappingReconciler().reconcile(structuredClone(f0.get<DomainMapping>(R.DomainMapping, DOMAIN, NS)!), f0.ctx());
    objects = [...f0.store.values()].flatMap((m) => [...m.values()]);
    // The gateway would write the KIngress status; here the test does.
    ingressStatus('True')(objects.find((o) => o.kind === 'Ingress') as Ingress);
  }
  const f = new FakeCluster(...objects);
  const dm = structuredClone(f.get<DomainMapping>(R.DomainMapping, DOMAIN, NS)!);
  await makeDomainMappingReconciler().reconcile(dm, f.ctx({ configMaps: row.configMaps ?? {} }));
  return { f, dm };
}

describe('domainmapping reconciler', () => {
  for (const row of rows) {
    it(row.name, async () => {
      const { f, dm } = await run(row);
      if (row.wantActions) assert.deepEqual(f.summary(), row.wantActions);
      for (const [type, want] of Object.entries(row.wantConditions ?? {})) assert.deepEqual(cond(dm, type), want, type);
      row.check?.(f, dm);
    });
  }

  it('targetOf rejects paths and non-cluster-local hosts', () => {
    assert.match(targetOf('http://a.b.svc.cluster.local/x', 'b').error ?? '', /contains a path/);
    assert.match(targetOf('http://example.com', 'b').error ?? '', /must end in ".svc.cluster.local"/);
    assert.match(targetOf('http://a.b.c.svc.cluster.local', 'c').error ?? '', /must be of the form/);
    assert.deepEqual(targetOf('http://a.b.svc.cluster.local', 'b'), { host: 'a.b.svc.cluster.local', serviceName: 'a' });
  });

  it('a claim change maps to the DomainMapping of its namespace', () => {
    const rec = makeDomainMappingReconciler();
    const w = rec.watches?.find((x) => x.resource === R.ClusterDomainClaim);
    assert.deepEqual(w?.map(claim(DOMAIN, NS)), [`${NS}/${DOMAIN}`]);
  });
});
