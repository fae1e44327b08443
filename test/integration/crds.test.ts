// The Serving CRDs and ConfigMaps in manifests/ against the real kube-apiserver: they install and
// become Established, every Knative YAML fixture is accepted unchanged (and stored without pruning),
// and the schema plus CEL rules reject invalid objects with upstream's wording.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { KubeObject, ResourceType } from '../../src/api/meta.ts';
import { R, resourceOf } from '../../src/api/resources.ts';
import { parseServingConfig } from '../../src/api/serving/config.ts';
import { SCHEMA_DEFAULTS } from '../../src/api/serving/defaults.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { KubeError } from '../../src/kube/errors.ts';
import { installServingCRDs, loadManifest, SERVING_CONFIG_FILES, servingCRDs } from '../harness/crds.ts';
import { freshNamespace, kube } from '../harness/env.ts';

const FIXTURES = 'test/fixtures/knative-yaml';
// Certificate is not in the shared resource table (src/api/resources.ts).
const KCertificate: ResourceType = { group: 'networking.internal.knative.dev', version: 'v1alpha1', kind: 'Certificate', plural: 'certificates', namespaced: true };

function typeOf(o: KubeObject): ResourceType {
  const r = o.kind === 'Certificate' ? KCertificate : resourceOf(o.apiVersion ?? '', o.kind ?? '');
  assert.ok(r, `no resource type for ${o.apiVersion} ${o.kind}`);
  return r;
}

function inNamespace(o: KubeObject, ns: string): KubeObject {
  const r = typeOf(o);
  return r.namespaced ? { ...o, metadata: { ...o.metadata, namespace: ns } } : o;
}

async function applyIn(c: KubeClient, ns: string, o: KubeObject): Promise<KubeObject> {
  return c.apply(typeOf(o), inNamespace(o, ns), { fieldManager: 'crds-test' });
}

/** The spec as the schema's defaults (ADR 0016) store it: a Service's traffic, each target's percent. */
function schemaDefaulted(o: KubeObject): unknown {
  const spec = structuredClone((o as KubeObject & { spec?: { traffic?: { percent?: number }[] } }).spec);
  if (!spec || (o.kind !== 'Service' && o.kind !== 'Route')) return spec;
  if (o.kind === 'Service' && !spec.traffic) spec.traffic = SCHEMA_DEFAULTS.serviceTraffic.map((t) => ({ ...t }));
  for (const t of spec.traffic ?? []) t.percent ??= SCHEMA_DEFAULTS.percent;
  return spec;
}

/** Asserts the server rejects o with a 422 whose message contains every expected fragment. */
async function rejects(p: Promise<unknown>, ...expected: string[]): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof KubeError, `expected a KubeError, got ${String(e)}`);
    assert.equal(e.code, 422, e.message);
    for (const x of expected) assert.ok(e.message.includes(x), `message lacks ${JSON.stringify(x)}:\n${e.message}`);
    return true;
  });
}

const ksvc = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name },
  spec: { template: { spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest' }] } }, ...spec },
});
const ksvcWith = (name: string, revisionSpec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name },
  spec: { template: { spec: revisionSpec } },
});
const route = (name: string, traffic: unknown[]): KubeObject => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Route', metadata: { name }, spec: { traffic } });
const dm = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'serving.knative.dev/v1beta1', kind: 'DomainMapping', metadata: { name }, spec });
const img = 'ghcr.io/knative/helloworld-go:latest';

describe('Serving CRDs on the real API server', () => {
  let c: KubeClient;
  let ns: string;
  before(async () => {
    c = await kube();
    await installServingCRDs(c);
    await installServingCRDs(c); // idempotent
    ns = await freshNamespace('crds');
  });

  it('installs every CRD as Established, with upstream names, short names, categories and columns', async () => {
    const want: Record<string, { short?: string[]; categories: string[]; scope: string; columns: string[] }> = {
      'services.serving.knative.dev': { short: ['kservice', 'ksvc'], categories: ['all', 'knative', 'serving'], scope: 'Namespaced', columns: ['URL', 'LatestCreated', 'LatestReady', 'Ready', 'Reason'] },
      'configurations.serving.knative.dev': { short: ['config', 'cfg'], categories: ['all', 'knative', 'serving'], scope: 'Namespaced', columns: ['LatestCreated', 'LatestReady', 'Ready', 'Reason'] },
      'revisions.serving.knative.dev': { short: ['rev'], categories: ['all', 'knative', 'serving'], scope: 'Namespaced', columns: ['Config Name', 'Generation', 'Ready', 'Reason', 'Actual Replicas', 'Desired Replicas'] },
      'routes.serving.knative.dev': { short: ['rt'], categories: ['all', 'knative', 'serving'], scope: 'Namespaced', columns: ['URL', 'Ready', 'Reason'] },
      'domainmappings.serving.knative.dev': { short: ['dm'], categories: ['all', 'knative', 'serving'], scope: 'Namespaced', columns: ['URL', 'Ready', 'Reason'] },
      'ingresses.networking.internal.knative.dev': { short: ['kingress', 'king'], categories: ['knative-internal', 'networking'], scope: 'Namespaced', columns: ['Ready', 'Reason'] },
      'serverlessservices.networking.internal.knative.dev': { short: ['sks'], categories: ['knative-internal', 'networking'], scope: 'Namespaced', columns: ['Mode', 'Activators', 'ServiceName', 'PrivateServiceName', 'Ready', 'Reason'] },
      'clusterdomainclaims.networking.internal.knative.dev': { short: ['cdc'], categories: ['knative-internal', 'networking'], scope: 'Cluster', columns: [] },
      'certificates.networking.internal.knative.dev': { short: ['kcert'], categories: ['knative-internal', 'networking'], scope: 'Namespaced', columns: ['Ready', 'Reason'] },
      'podautoscalers.autoscaling.internal.knative.dev': { short: ['kpa', 'pa'], categories: ['knative-internal', 'autoscaling'], scope: 'Namespaced', columns: ['DesiredScale', 'ActualScale', 'Ready', 'Reason'] },
      'metrics.autoscaling.internal.knative.dev': { categories: ['knative-internal', 'autoscaling'], scope: 'Namespaced', columns: ['Ready', 'Reason'] },
    };
    assert.deepEqual(servingCRDs().map((o) => o.metadata.name).sort(), Object.keys(want).sort());
    for (const [name, w] of Object.entries(want)) {
      type CRD = KubeObject & {
        spec: { scope: string; names: { shortNames?: string[]; categories?: string[] }; versions: { additionalPrinterColumns?: { name: string }[]; subresources?: { status?: object } }[] };
        status: { conditions: { type: string; status: string }[] };
      };
      const crd = await c.get<CRD>(R.CustomResourceDefinition, name);
      assert.ok(crd.status.conditions.some((x) => x.type === 'Established' && x.status === 'True'), `${name} is Established`);
      assert.deepEqual(crd.spec.names.shortNames, w.short, `${name} short names`);
      assert.deepEqual(crd.spec.names.categories, w.categories, `${name} categories`);
      assert.equal(crd.spec.scope, w.scope);
      const v = crd.spec.versions[0];
      assert.deepEqual((v?.additionalPrinterColumns ?? []).map((x) => x.name), w.columns, `${name} columns`);
      assert.deepEqual(v?.subresources?.status, {}, `${name} has the status subresource`);
      assert.equal(crd.metadata.labels?.['knative.dev/crd-install'], 'true');
      assert.equal(crd.metadata.labels?.['serving.knative.dev/release'], 'devel');
    }
    const svc = await c.get(R.CustomResourceDefinition, 'services.serving.knative.dev');
    assert.equal(svc.metadata.labels?.['duck.knative.dev/addressable'], 'true');
    assert.equal(svc.metadata.labels?.['duck.knative.dev/podspecable'], 'true');
    // Discovery serves the short names that kubectl and kn resolve.
    const disc = await c.raw<{ resources: { name: string; shortNames?: string[] }[] }>('GET', '/apis/serving.knative.dev/v1');
    assert.deepEqual(disc.resources.find((r) => r.name === 'services')?.shortNames, ['kservice', 'ksvc']);
  });

  it('installs the ConfigMaps in knative-serving, and they parse without a warning', async () => {
    const maps: Record<string, Record<string, string> | undefined> = {};
    for (const f of SERVING_CONFIG_FILES) {
      for (const o of loadManifest(f)) {
        const cm = await c.get<KubeObject & { data?: Record<string, string> }>(R.ConfigMap, o.metadata.name ?? '', 'knative-serving');
        assert.ok(cm.data?._example, `${o.metadata.name} has an _example block`);
        maps[cm.metadata.name ?? ''] = cm.data;
      }
    }
    assert.deepEqual(Object.keys(maps).sort(), ['config-autoscaler', 'config-defaults', 'config-deployment', 'config-domain', 'config-features', 'config-gc', 'config-network']);
    const { config, warnings } = parseServingConfig(maps);
    assert.deepEqual(warnings, []);
    assert.equal(config.network.ingressClass, 'kourier.ingress.networking.knative.dev');
  });

  const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml')).sort();
  it('has the fixtures the brief asks for', () => {
    for (const f of ['issue-4-seed.yaml', 'helloworld-go.yaml', 'domainmapping.yaml', 'route-tags-split.yaml', 'kingress.yaml']) assert.ok(fixtures.includes(f), f);
  });
  for (const f of fixtures) {
    it(`accepts ${f} unchanged and stores it without pruning a field`, async () => {
      const docs = loadManifest(join(FIXTURES, f));
      assert.ok(docs.length > 0);
      for (const o of docs) {
        const stored = await applyIn(c, ns, o);
        // Whatever the fixture says is what the server keeps (plus the schema's defaults): no field was dropped.
        assert.deepEqual(stored.spec, schemaDefaulted(o), `${o.kind}/${o.metadata.name} spec round-trips`);
        for (const [k, v] of Object.entries(o.metadata.labels ?? {})) assert.equal(stored.metadata.labels?.[k], v);
        for (const [k, v] of Object.entries(o.metadata.annotations ?? {})) assert.equal(stored.metadata.annotations?.[k], v);
        if (!typeOf(o).namespaced) await c.delete(typeOf(o), o.metadata.name ?? '');
      }
    });
  }

  it('lets a controller write status through the status subresource', async () => {
    const [svc] = loadManifest(join(FIXTURES, 'helloworld-go.yaml'));
    assert.ok(svc);
    const created = await c.create(R.Service, { ...inNamespace(svc, ns), metadata: { ...svc.metadata, name: 'status-writer', namespace: ns } });
    const status = {
      observedGeneration: 1,
      latestCreatedRevisionName: 'status-writer-00001',
      latestReadyRevisionName: 'status-writer-00001',
      url: `http://status-writer.${ns}.example.com`,
      address: { url: `http://status-writer.${ns}.svc.cluster.local` },
      traffic: [{ revisionName: 'status-writer-00001', latestRevision: true, percent: 100 }],
      conditions: [
        { type: 'ConfigurationsReady', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'RoutesReady', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
      ],
    };
    const updated = await c.replaceStatus(R.Service, { ...created, status });
    assert.deepEqual(updated.status, status);
    // status on the main resource is ignored.
    const again = await c.patch(R.Service, 'status-writer', ns, { status: { url: 'http://elsewhere' } }, 'merge');
    assert.equal((again.status as { url: string }).url, status.url);
  });

  it('treats an empty tag, revisionName or configurationName as unset, as upstream does', async () => {
    const o = ksvc('empty-strings', {
      traffic: [
        { tag: '', revisionName: '', configurationName: '', latestRevision: true, percent: 50 },
        { tag: '', revisionName: 'empty-strings-00001', latestRevision: false, percent: 50 },
      ],
    });
    const stored = await applyIn(c, ns, o);
    assert.deepEqual(stored.spec, schemaDefaulted(o));
  });

  describe('rejects invalid objects with upstream wording', () => {
    const cases: { name: string; obj: KubeObject; expect: string[] }[] = [
      { name: 'percent above 100', obj: route('pct-high', [{ revisionName: 'a', percent: 101 }]), expect: ['spec.traffic[0].percent', 'expected 0 <= 101 <= 100'] },
      { name: 'negative percent', obj: ksvc('pct-low', { traffic: [{ latestRevision: true, percent: -1 }, { revisionName: 'x', percent: 101 }] }), expect: ['expected 0 <= -1 <= 100'] },
      { name: 'percents not summing to 100', obj: ksvc('sum', { traffic: [{ latestRevision: true, percent: 50 }, { revisionName: 'r1', percent: 40 }] }), expect: ['spec.traffic', 'Traffic targets sum to 90, want 100'] },
      { name: 'no percent at all', obj: route('nopct', [{ configurationName: 'c', tag: 'a' }]), expect: ['Traffic targets sum to 0, want 100'] },
      { name: 'revisionName and configurationName', obj: route('both', [{ revisionName: 'a', configurationName: 'b', percent: 100 }]), expect: ['spec.traffic[0]', 'expected exactly one, got both: revisionName, configurationName'] },
      { name: 'neither revisionName nor configurationName', obj: route('neither', [{ percent: 100 }]), expect: ['expected exactly one, got neither: revisionName, configurationName'] },
      { name: 'configurationName in a Service', obj: ksvc('svc-cfg', { traffic: [{ configurationName: 'other', percent: 100 }] }), expect: ['spec.traffic[0].configurationName', 'must not set the field(s): configurationName'] },
      {
        name: 'duplicate tag',
        obj: ksvc('duptag', { traffic: [{ tag: 'a', latestRevision: true, percent: 50 }, { tag: 'a', revisionName: 'r1', percent: 50 }] }),
        expect: ['spec.traffic', 'expected exactly one, got both', 'unique tags'],
      },
      { name: 'tag that is not a DNS-1035 label', obj: ksvc('badtag', { traffic: [{ tag: 'Not_A_Label', latestRevision: true, percent: 100 }] }), expect: ['spec.traffic[0].tag', 'a DNS-1035 label must consist of lower case alphanumeric characters'] },
      { name: 'tag starting with a digit', obj: ksvc('digittag', { traffic: [{ tag: '1st', latestRevision: true, percent: 100 }] }), expect: ['spec.traffic[0].tag', 'DNS-1035'] },
      { name: 'url in spec', obj: ksvc('url', { traffic: [{ latestRevision: true, percent: 100, url: 'http://x.example.com' }] }), expect: ['spec.traffic[0].url', 'must not set the field(s): url'] },
      { name: 'latestRevision true with a revisionName', obj: ksvc('latest', { traffic: [{ revisionName: 'r1', latestRevision: true, percent: 100 }] }), expect: ['spec.traffic[0].latestRevision', 'may not set revisionName "r1" when latestRevision is true'] },
      { name: 'latestRevision false without a revisionName', obj: route('notlatest', [{ configurationName: 'c', latestRevision: false, percent: 100 }]), expect: ['may not set revisionName "" when latestRevision is false'] },
      { name: 'reserved port', obj: ksvcWith('port8012', { containers: [{ image: img, ports: [{ containerPort: 8012 }] }] }), expect: ['containerPort', '8012 is a reserved port'] },
      { name: 'port name other than h2c or http1', obj: ksvcWith('portname', { containers: [{ image: img, ports: [{ name: 'grpc', containerPort: 8080 }] }] }), expect: ['Port name grpc is not allowed'] },
      { name: 'UDP port', obj: ksvcWith('udp', { containers: [{ image: img, ports: [{ containerPort: 8080, protocol: 'UDP' }] }] }), expect: ['Protocol UDP is not allowed'] },
      {
        name: 'two ports',
        obj: ksvcWith('twoports', { containers: [{ image: img, ports: [{ containerPort: 8080 }] }, { image: img, ports: [{ containerPort: 8081 }] }] }),
        expect: ['spec.template.spec.containers', 'more than one container port is set'],
      },
      { name: 'several containers and no port', obj: ksvcWith('noport', { containers: [{ image: img }, { image: img }] }), expect: ['missing field(s): ports'] },
      { name: 'queue-proxy container name', obj: ksvcWith('qp', { containers: [{ name: 'queue-proxy', image: img }] }), expect: ['"queue-proxy" is a reserved container name'] },
      { name: 'reserved mount path', obj: ksvcWith('devmount', { containers: [{ image: img, volumeMounts: [{ name: 'v', mountPath: '/dev' }] }], volumes: [{ name: 'v', emptyDir: {} }] }), expect: ['"/dev" is a reserved path'] },
      { name: 'relative mount path', obj: ksvcWith('relmount', { containers: [{ image: img, volumeMounts: [{ name: 'v', mountPath: 'data' }] }], volumes: [{ name: 'v', emptyDir: {} }] }), expect: ['must be an absolute path'] },
      { name: 'container without image', obj: ksvcWith('noimage', { containers: [{ name: 'app' }] }), expect: ['spec.template.spec.containers[0].image', 'Required value'] },
      { name: 'no containers', obj: ksvcWith('nocontainers', {}), expect: ['spec.template.spec.containers', 'Required value'] },
      { name: 'negative containerConcurrency', obj: ksvcWith('cc', { containerConcurrency: -1, containers: [{ image: img }] }), expect: ['spec.template.spec.containerConcurrency', 'expected 0 <= -1 <= 1000'] },
      { name: 'negative timeoutSeconds', obj: ksvcWith('timeout', { timeoutSeconds: -5, containers: [{ image: img }] }), expect: ['spec.template.spec.timeoutSeconds', 'expected 0 <= -5 <= 600'] },
      {
        name: 'revision name that is not a DNS-1035 label',
        obj: { ...ksvc('byo', {}), spec: { template: { metadata: { name: 'BYO_Name' }, spec: { containers: [{ image: img }] } } } },
        expect: ['spec.template.metadata.name', 'DNS-1035'],
      },
      { name: 'Service name that is not a DNS-1035 label', obj: ksvc('my.service', {}), expect: ['metadata.name: Invalid value: "my.service": a DNS-1035 label'] },
      {
        name: 'BYO revision name without the parent prefix',
        obj: { ...ksvc('prefix', {}), spec: { template: { metadata: { name: 'other-v1' }, spec: { containers: [{ image: img }] } } } },
        expect: ['spec.template.metadata.name', '"other-v1" must have prefix "prefix-"'],
      },
      { name: 'DomainMapping without ref kind', obj: dm('a.example.org', { ref: { name: 'hello', apiVersion: 'serving.knative.dev/v1' } }), expect: ['spec.ref.kind', 'Required value'] },
      { name: 'DomainMapping without ref name', obj: dm('b.example.org', { ref: { kind: 'Service', apiVersion: 'serving.knative.dev/v1' } }), expect: ['spec.ref.name', 'Required value'] },
      { name: 'DomainMapping without spec', obj: { apiVersion: 'serving.knative.dev/v1beta1', kind: 'DomainMapping', metadata: { name: 'c.example.org' } }, expect: ['spec', 'Required value'] },
      { name: 'DomainMapping name that is not a domain', obj: dm('localhost', { ref: { kind: 'Service', name: 'hello' } }), expect: ['metadata.name: Invalid value: "localhost"', 'should be a domain with at least two segments separated by dots'] },
      {
        name: 'DomainMapping under cluster.local',
        obj: dm('hello.default.svc.cluster.local', { ref: { kind: 'Service', name: 'hello' } }),
        expect: ['must not be a subdomain of cluster local domain "cluster.local"'],
      },
      {
        name: 'KIngress with an unknown visibility',
        obj: { apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'Ingress', metadata: { name: 'vis' }, spec: { rules: [{ hosts: ['a'], visibility: 'Public', http: { paths: [{ splits: [] }] } }] } },
        expect: ['spec.rules[0].visibility', 'Unsupported value: "Public"'],
      },
      {
        name: 'ServerlessService with an unknown mode',
        obj: { apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'ServerlessService', metadata: { name: 'mode' }, spec: { mode: 'Fast', protocolType: 'http1', objectRef: { kind: 'Deployment', name: 'd' } } },
        expect: ['spec.mode', 'Unsupported value: "Fast"'],
      },
      {
        name: 'PodAutoscaler with an unknown reachability',
        obj: { apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler', metadata: { name: 'reach' }, spec: { protocolType: 'http1', reachability: 'Maybe', scaleTargetRef: { kind: 'Deployment', name: 'd' } } },
        expect: ['spec.reachability', 'Unsupported value: "Maybe"'],
      },
      {
        name: 'Metric without windows',
        obj: { apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'Metric', metadata: { name: 'm' }, spec: { scrapeTarget: 'x' } },
        expect: ['spec.stableWindow', 'Required value'],
      },
    ];
    for (const tc of cases) {
      it(tc.name, async () => {
        await rejects(applyIn(c, ns, tc.obj), ...tc.expect);
        // Nothing was stored.
        const r = typeOf(tc.obj);
        assert.equal(await c.find(r, tc.obj.metadata.name ?? '', r.namespaced ? ns : undefined), undefined);
      });
    }

    it('DomainMapping with generateName', async () => {
      const o = { apiVersion: 'serving.knative.dev/v1beta1', kind: 'DomainMapping', metadata: { generateName: 'x.example.org', namespace: ns }, spec: { ref: { kind: 'Service', name: 'hello' } } };
      await rejects(c.create(R.DomainMapping, o as KubeObject), 'metadata.generateName', 'must not set the field(s): metadata.generateName');
    });

    it('fields outside Knative\'s pod-spec mask, with strict field validation (as kubectl apply sends)', async () => {
      const o = ksvcWith('masked', { containers: [{ image: img, lifecycle: { preStop: { exec: { command: ['true'] } } }, stdin: true }], restartPolicy: 'Never' });
      // kubectl apply (client-side) creates with POST ?fieldValidation=Strict.
      const path = `${c.path(R.Service, ns)}?fieldValidation=Strict`;
      await assert.rejects(c.raw('POST', path, { ...o, metadata: { name: 'masked', namespace: ns } }), (e: unknown) => {
        assert.ok(e instanceof KubeError);
        assert.equal(e.code, 400);
        for (const f of ['spec.template.spec.containers[0].lifecycle', 'spec.template.spec.containers[0].stdin', 'spec.template.spec.restartPolicy']) {
          assert.ok(e.message.includes(`unknown field "${f}"`), e.message);
        }
        return true;
      });
    });

    it('keeps unknown fields where upstream\'s schema is open (feature-flagged pod-spec fields)', async () => {
      const o = ksvcWith('open-fields', {
        containers: [{ image: img }],
        initContainers: [{ name: 'init', image: img, restartPolicy: 'Always' }],
        securityContext: { runAsNonRoot: true, futureField: 'x' },
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'Exists' }] }] } } },
      });
      const path = `${c.path(R.Service, ns, 'open-fields')}?fieldManager=crds-test&fieldValidation=Strict`;
      const stored = await c.raw<KubeObject>('PATCH', path, { ...o, metadata: { name: 'open-fields', namespace: ns } }, 'application/apply-patch+yaml');
      assert.deepEqual(stored.spec, schemaDefaulted(o));
    });
  });

  describe('rejects invalid updates', () => {
    it('a Revision spec is immutable, its metadata and status are not', async () => {
      const [rev] = loadManifest(join(FIXTURES, 'revision.yaml'));
      assert.ok(rev);
      const o: KubeObject = { ...rev, metadata: { ...rev.metadata, name: 'immutable-00001' } };
      await applyIn(c, ns, o);
      const spec = o.spec as { containers: { image: string }[] };
      const changed = { ...o, spec: { ...spec, containers: [{ ...spec.containers[0], image: 'ghcr.io/knative/helloworld-go:v2' }] } };
      await rejects(applyIn(c, ns, changed), 'spec: Invalid value', 'Immutable fields changed (-old +new)');
      await c.patch(R.Revision, 'immutable-00001', ns, { metadata: { labels: { 'serving.knative.dev/routingState': 'active' } } }, 'merge');
      await c.patch(R.Revision, 'immutable-00001', ns, { status: { actualReplicas: 1, desiredReplicas: 1 } }, 'merge', { subresource: 'status' });
      const got = await c.get<KubeObject & { status: { actualReplicas: number } }>(R.Revision, 'immutable-00001', ns);
      assert.equal(got.metadata.labels?.['serving.knative.dev/routingState'], 'active');
      assert.equal(got.status.actualReplicas, 1);
    });

    it('a template with a BYO revision name changes only together with the name', async () => {
      const [seed] = loadManifest(join(FIXTURES, 'issue-4-seed.yaml'));
      assert.ok(seed);
      const o = { ...seed, metadata: { name: 'byo' } } as KubeObject & { spec: { template: { metadata: { name: string }; spec: { containers: { image: string }[] } } } };
      o.spec = structuredClone(o.spec);
      o.spec.template.metadata.name = 'byo-v1';
      await applyIn(c, ns, o);
      const noRename = structuredClone(o);
      (noRename.spec.template.spec.containers[0] as { image: string }).image = 'ghcr.io/knative/helloworld-go:v2';
      await rejects(applyIn(c, ns, noRename), 'spec.template', 'Saw the following changes without a name change (-old +new)');
      const renamed = structuredClone(noRename);
      renamed.spec.template.metadata.name = 'byo-v2';
      await applyIn(c, ns, renamed);
      // Changing only traffic is fine with the name unchanged.
      await c.patch(R.Service, 'byo', ns, { spec: { traffic: [{ latestRevision: true, percent: 100 }] } }, 'merge');
    });
  });
});
