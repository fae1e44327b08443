// SinkBinding on Jobs against a real kube-apiserver with kn-ts's webhook registered as
// manifests/420-webhook.yaml registers it (by URL on 127.0.0.1: the API server cannot reach a
// cluster Service): a Job created after its binding is stored with K_SINK in its pod template, a Job
// the binding does not select is stored as written, and a Job created before the binding (its
// template can no longer change) keeps the binding's SinkBindingAvailable=False with the reason.
// Its own API server: the webhook configuration is cluster-wide.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Condition, KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { SinkBinding } from '../../src/api/sources/types.ts';
import { silentLogger } from '../../src/controller/runtime/log.ts';
import { Manager } from '../../src/controller/runtime/manager.ts';
import { jobUnbindable, makeSinkBindingReconciler } from '../../src/controller/sources/sinkbinding.ts';
import type { DefaultingWebhook } from '../../src/controller/webhook/server.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { startCluster, type TestCluster } from '../harness/cluster.ts';
import { installServingCRDs, loadManifest } from '../harness/crds.ts';
import { startTestWebhook } from '../harness/webhook.ts';

const T = 30_000;
const NS = 'jobs';
const SINK = 'http://127.0.0.1:9/events';
type Env = { name: string; value?: string }[];
type Job = KubeObject & { spec: { template: { spec: { containers: { env?: Env }[]; initContainers?: { env?: Env }[] } } } };

const job = (name: string, labels: Record<string, string>): Job => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: NS, labels },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'example.invalid/app', env: [{ name: 'A', value: '1' }] }] } } },
} as Job);
const envOf = (j: Job) => (j.spec.template.spec.containers[0]!.env ?? []).map((e) => `${e.name}=${e.value ?? ''}`);
const cond = (o: SinkBinding | undefined, type: string): Condition | undefined => o?.status?.conditions?.find((x) => x.type === type);

describe('SinkBinding on Jobs: bound at creation by the admission webhook', () => {
  let cluster: TestCluster;
  let c: KubeClient;
  let webhook: DefaultingWebhook;
  let mgr: Manager;

  before(async () => {
    cluster = await startCluster();
    c = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
    await installServingCRDs(c);
    for (const o of loadManifest('manifests/112-crd-sources.yaml')) await c.apply(R.CustomResourceDefinition, o, { fieldManager: 'kn-ts-test-install' });
    for (const o of loadManifest('manifests/112-crd-sources.yaml'))
      await waitFor<KubeObject & { status?: { conditions?: Condition[] } }>(c, R.CustomResourceDefinition, o.metadata.name ?? '', undefined, (x) => (x?.status?.conditions?.some((k) => k.type === 'Established' && k.status === 'True') ? 'done' : 'wait'), T);
    await c.create(R.Namespace, { metadata: { name: NS } } as KubeObject);
    webhook = await startTestWebhook(c);
    mgr = new Manager({ client: c, reconcilers: [makeSinkBindingReconciler()], log: silentLogger(), systemNamespace: 'knative-serving', workers: 2, leaderElection: false });
    await mgr.start();
  });
  after(async () => {
    await mgr?.stop();
    await webhook?.stop();
    c?.close();
    await cluster?.stop();
  });

  it('a Job created after the binding carries K_SINK; one not selected does not; one created before keeps False with the reason until it goes', async () => {
    await c.create(R.Job, job('early', { app: 'batch' }));
    await c.create(R.SinkBinding, {
      apiVersion: 'sources.knative.dev/v1',
      kind: 'SinkBinding',
      metadata: { name: 'bind-jobs', namespace: NS },
      spec: { subject: { apiVersion: 'batch/v1', kind: 'Job', selector: { matchLabels: { app: 'batch' } } }, sink: { uri: SINK }, ceOverrides: { extensions: { team: 'a' } } },
    } as SinkBinding);
    const b = await waitFor<SinkBinding>(c, R.SinkBinding, 'bind-jobs', NS, (o) => (cond(o, 'SinkBindingAvailable')?.status === 'False' && o?.status?.sinkUri ? 'done' : 'wait'), T);
    assert.equal(b.status?.sinkUri, SINK);
    assert.equal(cond(b, 'SinkBindingAvailable')?.reason, 'SubjectUnavailable');
    assert.equal(cond(b, 'SinkBindingAvailable')?.message, jobUnbindable('early'));
    assert.equal(cond(b, 'SinkBindingAvailable')?.message, 'job "early": a Job\'s pod template cannot change after creation and this Job was created without K_SINK (before the SinkBinding, or while the webhook did not answer); delete and create the Job again to bind it');
    assert.deepEqual(envOf(await c.get<Job>(R.Job, 'early', NS)), ['A=1']);

    // The webhook reads SinkBindings from its own cache: wait (server-side dry run, which runs the
    // admission webhooks and stores nothing) until it has seen the binding's sink.
    const K_SINK = `K_SINK=${SINK}`;
    for (let i = 0; i < 300 && !envOf(await c.create<Job>(R.Job, job('late', { app: 'batch' }), { dryRun: true })).includes(K_SINK); i++) await new Promise((r) => setTimeout(r, 100));
    await c.create(R.Job, job('late', { app: 'batch' }));
    await c.create(R.Job, job('other', { app: 'web' }));
    assert.deepEqual(envOf(await c.get<Job>(R.Job, 'late', NS)), ['A=1', K_SINK, 'K_CE_OVERRIDES={"extensions":{"team":"a"}}']);
    assert.deepEqual(envOf(await c.get<Job>(R.Job, 'other', NS)), ['A=1']);

    // Still False: "early" cannot be bound. Once it is gone, the bound "late" makes it True.
    const still = await c.get<SinkBinding>(R.SinkBinding, 'bind-jobs', NS);
    assert.equal(cond(still, 'SinkBindingAvailable')?.message, jobUnbindable('early'));
    await c.delete(R.Job, 'early', NS, { propagationPolicy: 'Background' });
    const ok = await waitFor<SinkBinding>(c, R.SinkBinding, 'bind-jobs', NS, (o) => (cond(o, 'SinkBindingAvailable')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(cond(ok, 'Ready')?.status, 'True');
  });

  it('a Job named by the binding is bound when it is created; the binding is True', async () => {
    await c.create(R.SinkBinding, {
      apiVersion: 'sources.knative.dev/v1',
      kind: 'SinkBinding',
      metadata: { name: 'bind-one', namespace: NS },
      spec: { subject: { apiVersion: 'batch/v1', kind: 'Job', name: 'named' }, sink: { uri: SINK } },
    } as SinkBinding);
    await waitFor<SinkBinding>(c, R.SinkBinding, 'bind-one', NS, (o) => (o?.status?.sinkUri ? 'done' : 'wait'), T);
    const K_SINK = `K_SINK=${SINK}`;
    for (let i = 0; i < 300 && !envOf(await c.create<Job>(R.Job, job('named', {}), { dryRun: true })).includes(K_SINK); i++) await new Promise((r) => setTimeout(r, 100));
    await c.create(R.Job, job('named', {}));
    assert.deepEqual(envOf(await c.get<Job>(R.Job, 'named', NS)), ['A=1', K_SINK, 'K_CE_OVERRIDES=']);
    const ok = await waitFor<SinkBinding>(c, R.SinkBinding, 'bind-one', NS, (o) => (cond(o, 'SinkBindingAvailable')?.status === 'True' ? 'done' : 'wait'), T).catch(async (e: unknown) => {
      throw new Error(`bind-one: ${JSON.stringify((await c.get<SinkBinding>(R.SinkBinding, 'bind-one', NS)).status)}`, { cause: e });
    });
    assert.equal(cond(ok, 'Ready')?.status, 'True');
  });
});
