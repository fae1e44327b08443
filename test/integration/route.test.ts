// The Route, DomainMapping, labeler and revision-GC reconcilers against a real kube-apiserver, run
// through the controller runtime (src/controller/runtime/manager.ts, in-process, no leader election).
// A private cluster, because the test rewrites knative-serving's config-gc and config-network.
//
// Only these reconcilers run: the test writes Configurations and Revisions itself, and also their
// status (what the Configuration and Revision reconcilers would write), and it writes the KIngress
// status that the gateway would write.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import type { Ingress } from '../../src/api/networking/types.ts';
import { R } from '../../src/api/resources.ts';
import type { Configuration, DomainMapping, Revision, Route } from '../../src/api/serving/types.ts';
import { silentLogger } from '../../src/controller/runtime/log.ts';
import { Manager } from '../../src/controller/runtime/manager.ts';
import type { Reconciler } from '../../src/controller/runtime/types.ts';
import { makeDomainMappingReconciler } from '../../src/controller/domainmapping/reconciler.ts';
import { makeGCReconciler } from '../../src/controller/gc/gc.ts';
import { makeLabelerReconciler } from '../../src/controller/route/labeler.ts';
import { makeRouteReconciler } from '../../src/controller/route/reconciler.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { startCluster, type TestCluster } from '../harness/cluster.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { freshNamespace } from '../harness/env.ts';

const T = 30_000;
const cond = (o: { status?: { conditions?: { type: string; status: string; reason?: string }[] } } | undefined, t: string) =>
  o?.status?.conditions?.find((c) => c.type === t);

describe('route reconcilers on a real API server', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let mgr: Manager;

  before(async () => {
    cluster = await startCluster();
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installServingCRDs(c);
    // An external default domain, autocreated domain claims, and a GC that keeps one non-active revision.
    await c.patch(R.ConfigMap, 'config-domain', 'knative-serving', { data: { 'example.com': '' } });
    await c.patch(R.ConfigMap, 'config-network', 'knative-serving', { data: { 'autocreate-cluster-domain-claims': 'true' } });
    await c.patch(R.ConfigMap, 'config-gc', 'knative-serving', {
      data: { 'retain-since-create-time': 'disabled', 'retain-since-last-active-time': 'disabled', 'min-non-active-revisions': '0', 'max-non-active-revisions': '1' },
    });
    mgr = new Manager({ client: c, reconcilers: [makeRouteReconciler(), makeDomainMappingReconciler(), makeLabelerReconciler(), makeGCReconciler()] as unknown as Reconciler[], log: silentLogger(), leaderElection: false, workers: 2 });
    await mgr.start();
  });

  after(async () => {
    await mgr?.stop();
    await cluster?.stop();
  });

  /** A Configuration plus ready Revisions, with the status their reconcilers would write. */
  async function configWithRevisions(ns: string, name: string, revs: string[], extra: (r: string) => Partial<KubeObject['metadata']> = () => ({})): Promise<void> {
    const cfg = await c.create<Configuration>(R.Configuration, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Configuration',
      metadata: { name, namespace: ns },
      spec: { template: { spec: { containers: [{ name: 'user-container', image: 'ghcr.io/knative/helloworld-go:latest' }] } } },
    });
    // The Configuration's status first, as its reconciler has it before any Route or GC looks.
    const latest = revs.at(-1);
    await c.replaceStatus(R.Configuration, {
      ...cfg,
      status: { observedGeneration: cfg.metadata.generation, latestCreatedRevisionName: latest, latestReadyRevisionName: latest, conditions: [{ type: 'Ready', status: 'True' }] },
    });
    let minute = 0;
    for (const r of revs) {
      const meta = extra(r);
      const rev = await c.create<Revision>(R.Revision, {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Revision',
        metadata: {
          name: r,
          namespace: ns,
          ...meta,
          labels: { 'serving.knative.dev/configuration': name, ...(meta.labels ?? {}) },
          ownerReferences: [{ apiVersion: 'serving.knative.dev/v1', kind: 'Configuration', name, uid: cfg.metadata.uid ?? '', controller: true }],
          annotations: { 'serving.knative.dev/routingStateModified': `2026-01-01T00:0${minute++}:00Z`, ...(meta.annotations ?? {}) },
        },
        spec: { containers: [{ name: 'user-container', image: 'ghcr.io/knative/helloworld-go:latest' }] },
      });
      await c.replaceStatus(R.Revision, { ...rev, status: { observedGeneration: rev.metadata.generation, conditions: [{ type: 'Ready', status: 'True' }] } });
    }
  }

  /** What the gateway does once it has programmed a KIngress. */
  async function markIngressReady(ns: string, name: string): Promise<void> {
    const ing = await waitFor<Ingress>(c, R.Ingress, name, ns, (o) => (o ? 'done' : 'wait'), T);
    await c.replaceStatus(R.Ingress, {
      ...ing,
      status: {
        observedGeneration: ing.metadata.generation,
        conditions: [
          { type: 'LoadBalancerReady', status: 'True' },
          { type: 'NetworkConfigured', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        privateLoadBalancer: { ingress: [{ domainInternal: 'kourier-internal.kourier-system.svc.cluster.local' }] },
        publicLoadBalancer: { ingress: [{ domainInternal: 'kourier.kourier-system.svc.cluster.local' }] },
      },
    });
  }

  it('traffic splits and tags appear in Route status and in the KIngress; the labeler marks routed revisions', async () => {
    const ns = await freshNamespace('route', c);
    await configWithRevisions(ns, 'hello', ['hello-00001', 'hello-00002']);
    await c.create<Route>(R.Route, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Route',
      metadata: { name: 'hello', namespace: ns },
      spec: {
        traffic: [
          { configurationName: 'hello', latestRevision: true, percent: 70, tag: 'current' },
          { revisionName: 'hello-00001', latestRevision: false, percent: 30, tag: 'old' },
        ],
      },
    });
    const rt = await waitFor<Route>(c, R.Route, 'hello', ns, (o) => (cond(o, 'AllTrafficAssigned')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(rt.status?.url, `http://hello.${ns}.example.com`);
    assert.equal(rt.status?.address?.url, `http://hello.${ns}.svc.cluster.local`);
    assert.deepEqual(rt.status?.traffic, [
      { tag: 'current', revisionName: 'hello-00002', latestRevision: true, percent: 70, url: `http://current-hello.${ns}.example.com` },
      { tag: 'old', revisionName: 'hello-00001', latestRevision: false, percent: 30, url: `http://old-hello.${ns}.example.com` },
    ]);
    assert.equal(cond(rt, 'IngressReady')?.reason, 'IngressNotConfigured');

    const ing = await c.get<Ingress>(R.Ingress, 'hello', ns);
    assert.equal(ing.metadata.labels?.['serving.knative.dev/route'], 'hello');
    assert.equal(ing.metadata.labels?.['serving.knative.dev/routeNamespace'], ns);
    assert.equal(ing.metadata.annotations?.['networking.knative.dev/ingress.class'], 'kourier.ingress.networking.knative.dev');
    const rules = (ing.spec.rules ?? []).map((r) => `${r.visibility} ${(r.hosts ?? []).join(',')} ${r.http?.paths[0]?.splits.map((s) => `${s.serviceName}:${s.servicePort}=${s.percent}`).join(' ')}`);
    assert.deepEqual(rules, [
      `ClusterLocal hello.${ns},hello.${ns}.svc,hello.${ns}.svc.cluster.local hello-00002:80=70 hello-00001:80=30`,
      `ExternalIP hello.${ns}.example.com hello-00002:80=70 hello-00001:80=30`,
      `ClusterLocal current-hello.${ns},current-hello.${ns}.svc,current-hello.${ns}.svc.cluster.local hello-00002:80=100`,
      `ExternalIP current-hello.${ns}.example.com hello-00002:80=100`,
      `ClusterLocal old-hello.${ns},old-hello.${ns}.svc,old-hello.${ns}.svc.cluster.local hello-00001:80=100`,
      `ExternalIP old-hello.${ns}.example.com hello-00001:80=100`,
    ]);
    assert.deepEqual(ing.spec.rules?.[0]?.http?.paths[0]?.splits[0]?.appendHeaders, { 'Knative-Serving-Revision': 'hello-00002', 'Knative-Serving-Namespace': ns });

    for (const name of ['hello', 'current-hello', 'old-hello']) {
      const svc = await c.get<KubeObject & { spec: { type?: string; externalName?: string } }>(R.KService, name, ns);
      assert.equal(svc.spec.type, 'ExternalName', name);
      assert.equal(svc.spec.externalName, 'kourier-internal.kourier-system.svc.cluster.local');
      assert.equal(svc.metadata.ownerReferences?.[0]?.kind, 'Route');
    }

    // The gateway marks the KIngress ready (this test writes that status): the Route becomes Ready.
    await markIngressReady(ns, 'hello');
    const ready = await waitFor<Route>(c, R.Route, 'hello', ns, (o) => (cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(cond(ready, 'CertificateProvisioned')?.reason, 'TLSNotEnabled');
    // Reconciling again after the status write did not rewrite the KIngress (the comparison with
    // what the API server stored is stable).
    assert.equal((await c.get<Ingress>(R.Ingress, 'hello', ns)).metadata.generation, 1);

    // The labeler: both revisions are routed.
    for (const r of ['hello-00001', 'hello-00002']) {
      const rev = await waitFor<Revision>(c, R.Revision, r, ns, (o) => (o?.metadata.labels?.['serving.knative.dev/routingState'] === 'active' ? 'done' : 'wait'), T);
      assert.equal(rev.metadata.annotations?.['serving.knative.dev/routes'], 'hello');
    }
    const cfg = await c.get<Configuration>(R.Configuration, 'hello', ns);
    assert.equal(cfg.metadata.annotations?.['serving.knative.dev/routes'], 'hello');

    // Dropping the "old" tag moves all traffic to the latest: the placeholder goes, hello-00001 goes to reserve.
    // A merge patch: a read-modify-replace would race with the controller's status writes.
    await c.patch(R.Route, 'hello', ns, { spec: { traffic: [{ configurationName: 'hello', latestRevision: true, percent: 100 }] } }, 'merge');
    await waitFor(c, R.KService, 'old-hello', ns, (o) => (o ? 'wait' : 'done'), T);
    await waitFor<Ingress>(c, R.Ingress, 'hello', ns, (o) => ((o?.spec.rules ?? []).length === 2 ? 'done' : 'wait'), T);
    await markIngressReady(ns, 'hello');
    await waitFor<Revision>(c, R.Revision, 'hello-00001', ns, (o) => (o?.metadata.labels?.['serving.knative.dev/routingState'] === 'reserve' ? 'done' : 'wait'), T);
  });

  it('a cluster-local Route gets only cluster-local rules and a svc.cluster.local URL', async () => {
    const ns = await freshNamespace('route-local', c);
    await configWithRevisions(ns, 'private', ['private-00001']);
    await c.create<Route>(R.Route, {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Route',
      metadata: { name: 'private', namespace: ns, labels: { 'networking.knative.dev/visibility': 'cluster-local' } },
      spec: { traffic: [{ configurationName: 'private', percent: 100 }] },
    });
    const rt = await waitFor<Route>(c, R.Route, 'private', ns, (o) => (o?.status?.traffic ? 'done' : 'wait'), T);
    assert.equal(rt.status?.url, `http://private.${ns}.svc.cluster.local`);
    const ing = await waitFor<Ingress>(c, R.Ingress, 'private', ns, (o) => (o ? 'done' : 'wait'), T);
    assert.deepEqual(ing.spec.rules?.map((r) => r.visibility), ['ClusterLocal']);
    assert.equal(ing.metadata.labels?.['networking.knative.dev/visibility'], 'cluster-local');
  });

  it('a DomainMapping gets a claim and a KIngress that rewrites the host to its target', async () => {
    const ns = await freshNamespace('dm', c);
    await configWithRevisions(ns, 'web', ['web-00001']);
    await c.create<Route>(R.Route, { apiVersion: 'serving.knative.dev/v1', kind: 'Route', metadata: { name: 'web', namespace: ns }, spec: {} });
    const domain = `${ns}.example.org`;
    await c.create<DomainMapping>(R.DomainMapping, {
      apiVersion: 'serving.knative.dev/v1beta1',
      kind: 'DomainMapping',
      metadata: { name: domain, namespace: ns },
      spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Route', name: 'web' } },
    });
    const ing = await waitFor<Ingress>(c, R.Ingress, domain, ns, (o) => (o ? 'done' : 'wait'), T);
    assert.deepEqual(ing.spec.rules, [
      {
        hosts: [domain],
        visibility: 'ExternalIP',
        http: {
          paths: [
            {
              rewriteHost: `web.${ns}.svc.cluster.local`,
              splits: [{ serviceNamespace: ns, serviceName: 'web', servicePort: 80, percent: 100, appendHeaders: { 'K-Original-Host': domain } }],
            },
          ],
        },
      },
    ]);
    const claim = await c.get<KubeObject & { spec: { namespace: string } }>(R.ClusterDomainClaim, domain);
    assert.equal(claim.spec.namespace, ns);
    await markIngressReady(ns, domain);
    const dm = await waitFor<DomainMapping>(c, R.DomainMapping, domain, ns, (o) => (cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(dm.status?.url, `http://${domain}`);
  });

  it('GC deletes what config-gc says and nothing protected', async () => {
    const ns = await freshNamespace('gc', c);
    // gc-00001..4; 00004 is latest ready; 00002 is protected by no-gc; 00001 and 00003 are reserve.
    // max-non-active-revisions 1 keeps the most recently active of the two (00003).
    await configWithRevisions(ns, 'gc', ['gc-00001', 'gc-00002', 'gc-00003', 'gc-00004'], (r) => ({
      labels: { 'serving.knative.dev/routingState': 'reserve' },
      ...(r === 'gc-00002' ? { annotations: { 'serving.knative.dev/no-gc': 'true' } } : {}),
    }));
    await waitFor(c, R.Revision, 'gc-00001', ns, (o) => (o ? 'wait' : 'done'), T);
    const left = (await c.list<Revision>(R.Revision, { namespace: ns })).items.map((r) => r.metadata.name).sort();
    assert.deepEqual(left, ['gc-00002', 'gc-00003', 'gc-00004']);
  });
});
