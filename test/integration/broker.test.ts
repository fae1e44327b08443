// Eventing against the real API server: the CRDs' CEL rules, the Broker and Trigger reconcilers
// (run in-process in a Manager of their own) and `kn broker|trigger`. The broker-ingress
// EndpointSlice is written by the test (TEST-NET address, never dialled): there is no kubelet.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { Broker, Trigger } from '../../src/api/eventing/types.ts';
import type { Condition, KubeObject, ResourceType } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { eventingReconcilers } from '../../src/controller/eventing.ts';
import { makeLogger, silentLogger } from '../../src/controller/runtime/log.ts';
import { Manager } from '../../src/controller/runtime/manager.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { KubeError } from '../../src/kube/errors.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { feedFor } from '../harness/feed.ts';
import { spawnBroker } from '../dataplane/broker-helpers.ts';
import { freshNamespace, kube, runKn } from '../harness/env.ts';
import { autoEventType } from '../../src/api/eventing/eventtype-auto.ts';
import { installEventing } from './broker-setup.ts';

const T = 30_000;
let c: KubeClient;
let ns: string;
let mgr: Manager;

const cond = (o: { status?: { conditions?: Condition[] } } | undefined, type: string) => o?.status?.conditions?.find((x) => x.type === type);

async function ingressEndpoints(ready: boolean): Promise<void> {
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'broker-ingress-test', namespace: 'knative-eventing', labels: { 'kubernetes.io/service-name': 'broker-ingress' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['203.0.113.7'], conditions: { ready } }],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  };
  await c.apply(R.EndpointSlice, slice as KubeObject, { fieldManager: 'broker-test' });
}

before(async () => {
  c = await kube();
  await installServingCRDs(c);
  await installEventing(c);
  await ingressEndpoints(false);
  ns = await freshNamespace('eventing');
  // Only the Eventing reconcilers: the API server is shared with other test files, whose Services a
  // Serving reconciler here would write to.
  mgr = new Manager({ client: c, reconcilers: await eventingReconcilers(c), log: process.env.BROKER_TEST_LOG ? makeLogger({ name: 'controller' }) : silentLogger(), systemNamespace: 'knative-serving', workers: 2, leaderElection: false });
  await mgr.start();
});
after(async () => {
  await mgr?.stop();
  await c.delete(R.EndpointSlice, 'broker-ingress-test', 'knative-eventing').catch(() => undefined);
});

describe('Broker', () => {
  it('kn broker create: upstream defaults filled in; not Ready until the ingress has an endpoint; then Ready with the ingress address', async () => {
    const r = await runKn(['broker', 'create', 'default', '-n', ns]);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, `Broker 'default' successfully created in namespace '${ns}'.\n`);
    const b = await waitFor<Broker>(c, R.Broker, 'default', ns, (o) => (cond(o, 'IngressReady')?.status === 'False' ? 'done' : 'wait'), T);
    assert.equal(b.metadata.annotations?.['eventing.knative.dev/broker.class'], 'MTChannelBasedBroker');
    assert.deepEqual(b.spec?.delivery, { retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' });
    assert.deepEqual(b.spec?.config, { apiVersion: 'v1', kind: 'ConfigMap', name: 'config-br-default-channel', namespace: 'knative-eventing' });
    assert.equal(cond(b, 'Ready')?.reason, 'EndpointSlicesUnavailable');
    await ingressEndpoints(true);
    const ready = await waitFor<Broker>(c, R.Broker, 'default', ns, (o) => (cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), T);
    assert.deepEqual(ready.status?.address, { name: 'http', url: `http://broker-ingress.knative-eventing.svc.cluster.local/${ns}/default` });
    const list = await runKn(['broker', 'list', '-n', ns]);
    assert.match(list.stdout, /^NAME\s+URL\s+AGE\s+CONDITIONS\s+READY\s+REASON\n/);
    assert.match(list.stdout, new RegExp(`default\\s+http://broker-ingress\\.knative-eventing\\.svc\\.cluster\\.local/${ns}/default\\s+\\S+\\s+7 OK / 7\\s+True`));
    const url = await runKn(['broker', 'describe', 'default', '-n', ns, '-o', 'url']);
    assert.equal(url.stdout, `http://broker-ingress.knative-eventing.svc.cluster.local/${ns}/default\n`);
    const d = await runKn(['broker', 'describe', 'default', '-n', ns]);
    assert.match(d.stdout, /Address:\s*\n\s+URL:\s+http:\/\/broker-ingress/);
    assert.match(d.stdout, /eventing\.knative\.dev\/broker\.class=MTChannelBasedBroker/);
  });
  it('the CRD rejects what upstream\'s webhook rejects: spec.config changes, a bad backoffDelay, negative retry', async () => {
    const b = await c.get<Broker>(R.Broker, 'default', ns);
    await assert.rejects(c.patch(R.Broker, 'default', ns, { spec: { config: { apiVersion: 'v1', kind: 'ConfigMap', name: 'other' } } }, 'merge'), /Immutable fields changed/);
    await assert.rejects(c.patch(R.Broker, 'default', ns, { spec: { delivery: { backoffDelay: '1s' } } }, 'merge'), /invalid value: 1s: backoffDelay/);
    await assert.rejects(c.patch(R.Broker, 'default', ns, { spec: { delivery: { retry: -1 } } }, 'merge'), /invalid value: -1: retry/);
    assert.ok(b);
  });
  it('kn broker update sets delivery; a bad value is a one-line error', async () => {
    const r = await runKn(['broker', 'update', 'default', '-n', ns, '--retry', '3', '--backoff-policy', 'linear', '--backoff-delay', 'PT1S', '--dl-sink', 'http://dls.example.com/x']);
    assert.equal(r.stdout, `Broker 'default' updated in namespace '${ns}'.\n`, r.stderr);
    const b = await waitFor<Broker>(c, R.Broker, 'default', ns, (o) => (o?.status?.deadLetterSinkUri ? 'done' : 'wait'), T);
    assert.equal(b.status?.deadLetterSinkUri, 'http://dls.example.com/x');
    assert.equal(b.spec?.delivery?.retry, 3);
    const bad = await runKn(['broker', 'update', 'default', '-n', ns, '--backoff-policy', 'square']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Error: invalid value for --backoff-policy: "square": must be linear or exponential\n/);
    const none = await runKn(['broker', 'update', 'default', '-n', ns]);
    assert.match(none.stderr, /^Error: flag\(s\) not set\n/);
  });
});

describe('EventType auto-creation (eventtype-auto-create)', () => {
  it('the broker process, reading the cluster, creates an EventType owned by the Broker for a new (type, source)', async () => {
    await c.patch(R.ConfigMap, 'config-features', 'knative-eventing', { data: { 'eventtype-auto-create': 'enabled' } }, 'merge');
    const feed = await feedFor(mgr, c);
    const { proc, ports } = await spawnBroker(feed.args);
    try {
      const { port } = ports;
      const r = await fetch(`http://127.0.0.1:${port}/${ns}/default`, { method: 'POST', headers: { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/auto', 'ce-type': 'dev.auto.created' } });
      assert.equal(r.status, 202);
      const b = await c.get<Broker>(R.Broker, 'default', ns);
      const want = autoEventType(b, { type: 'dev.auto.created', source: '/auto', specversion: '1.0' });
      const et = await waitFor<KubeObject & { spec?: { type?: string; source?: string; description?: string } }>(c, R.EventType, want.metadata.name!, ns, (o) => (o ? 'done' : 'wait'), T);
      assert.equal(et.spec?.type, 'dev.auto.created');
      assert.equal(et.spec?.source, '/auto');
      assert.equal(et.spec?.description, 'Event Type auto-created by controller');
      assert.equal(et.metadata.ownerReferences?.[0]?.uid, b.metadata.uid);
    } finally {
      proc.kill('SIGKILL');
      await feed.stop();
      await c.patch(R.ConfigMap, 'config-features', 'knative-eventing', { data: { 'eventtype-auto-create': 'disabled' } }, 'merge');
    }
  });
});

describe('Trigger', () => {
  it('Knative docs Trigger YAML applies unchanged; a missing subscriber is False with upstream\'s reason', async () => {
    const yaml = `apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: my-service-trigger
spec:
  broker: default
  filter:
    attributes:
      type: dev.knative.foo.bar
      myextension: my-extension-value
  subscriber:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: my-service
`;
    const t = parse(yaml) as Trigger;
    t.metadata.namespace = ns;
    await c.create(R.Trigger, t);
    const got = await waitFor<Trigger>(c, R.Trigger, 'my-service-trigger', ns, (o) => (cond(o, 'SubscriberResolved')?.status === 'False' ? 'done' : 'wait'), T);
    assert.equal(cond(got, 'SubscriberResolved')?.reason, "Unable to get the Subscriber's URI");
    assert.equal(cond(got, 'BrokerReady')?.status, 'True');
    assert.equal(got.metadata.labels?.['eventing.knative.dev/broker'], 'default');
    assert.equal(got.spec?.subscriber?.ref?.namespace, ns);
  });
  it('a Trigger created before its subscriber Broker resolves when it appears, without a restart', async () => {
    const r = await runKn(['trigger', 'create', 'chain', '-n', ns, '--broker', 'default', '--sink', 'http://placeholder.example.com/']);
    assert.equal(r.stdout, `Trigger 'chain' successfully created in namespace '${ns}'.\n`, r.stderr);
    // A merge patch, as a user's `kubectl patch` would: the controller writes defaults to the same
    // object concurrently, so a get-then-replace could lose the race (409).
    await c.patch(R.Trigger, 'chain', ns, { spec: { subscriber: { uri: null, ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'later', namespace: ns } } } }, 'merge');
    await waitFor<Trigger>(c, R.Trigger, 'chain', ns, (o) => (cond(o, 'SubscriberResolved')?.status === 'False' ? 'done' : 'wait'), T);
    await runKn(['broker', 'create', 'later', '-n', ns]);
    const ok = await waitFor<Trigger>(c, R.Trigger, 'chain', ns, (o) => (cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(ok.status?.subscriberUri, `http://broker-ingress.knative-eventing.svc.cluster.local/${ns}/later`);
    // The Broker's dead-letter sink applies to a Trigger without delivery of its own.
    assert.equal(ok.status?.deadLetterSinkUri, 'http://dls.example.com/x');
  });
  it('kn trigger create checks the sink exists, validates filters; list, describe, update, delete', async () => {
    const missing = await runKn(['trigger', 'create', 't1', '-n', ns, '--sink', 'ksvc:nope']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.split('\n')[0], `Error: cannot create trigger 't1' in namespace '${ns}' because: services.serving.knative.dev "nope" not found`);
    const broken = await runKn(['trigger', 'create', 't1', '-n', ns, '--sink', 'http://x.example.com/', '--filter', 'Type=foo']);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^Error: cannot create trigger 't1' in namespace '[^']+' because: Invalid --filter: Attribute name must start with a letter/);
    assert.equal(broken.stderr.split('\n').filter(Boolean).length, 2, 'one error line and the usage hint');
    await assert.rejects(c.get(R.Trigger, 't1', ns), (e: unknown) => e instanceof KubeError && e.code === 404, 'nothing half-created');
    const ok = await runKn(['trigger', 'create', 't1', '-n', ns, '--sink', 'broker:later', '--filter', 'type=dev.a', '--filter', 'source=/s']);
    assert.equal(ok.stdout, `Trigger 't1' successfully created in namespace '${ns}'.\n`, ok.stderr);
    await waitFor<Trigger>(c, R.Trigger, 't1', ns, (o) => (cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), T);
    const list = await runKn(['trigger', 'list', '-n', ns]);
    assert.match(list.stdout, /^NAME\s+BROKER\s+SINK\s+AGE\s+CONDITIONS\s+READY\s+REASON\n/);
    assert.match(list.stdout, /\nt1\s+default\s+broker:later\s+\S+\s+7 OK \/ 7\s+True/);
    const d = await runKn(['trigger', 'describe', 't1', '-n', ns]);
    assert.match(d.stdout, /Broker:\s+default/);
    assert.match(d.stdout, /Filter:\s*\n\s+source:\s+\/s\n\s+type:\s+dev\.a/);
    assert.match(d.stdout, /Sink:\s*\n\s+Name:\s+later\n\s+Resource:\s+Broker \(eventing\.knative\.dev\/v1\)/);
    const u = await runKn(['trigger', 'update', 't1', '-n', ns, '--filter', 'source-', '--filter', 'myext=x']);
    assert.equal(u.stdout, `Trigger 't1' updated in namespace '${ns}'.\n`, u.stderr);
    assert.deepEqual((await c.get<Trigger>(R.Trigger, 't1', ns)).spec?.filter?.attributes, { type: 'dev.a', myext: 'x' });
    const del = await runKn(['trigger', 'delete', 't1', '-n', ns]);
    assert.equal(del.stdout, `Trigger 't1' deleted in namespace '${ns}'.\n`);
  });
  it('the CRD rejects bad filters and a changed spec.broker', async () => {
    const base = { apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', metadata: { name: 'bad', namespace: ns } } as const;
    await assert.rejects(c.create(R.Trigger, { ...base, spec: { broker: 'default', filter: { attributes: { 's-pace': 'x' } }, subscriber: { uri: 'http://x.example.com' } } } as Trigger), /Attribute name must start with a letter/);
    await assert.rejects(c.create(R.Trigger, { ...base, spec: { broker: 'default', filters: [{ exact: { type: 'a' }, prefix: { type: 'b' } }], subscriber: { uri: 'http://x.example.com' } } } as Trigger), /multiple dialects found/);
    await assert.rejects(c.create(R.Trigger, { ...base, spec: { filter: {}, subscriber: { uri: 'http://x.example.com' } } } as Trigger), /missing field\(s\): broker/);
    await assert.rejects(c.create(R.Trigger, { ...base, spec: { broker: 'default', subscriber: { uri: '/relative' } } } as Trigger), /URI is not absolute/);
    await assert.rejects(c.patch(R.Trigger, 'chain', ns, { spec: { broker: 'other' } }, 'merge'), /Immutable fields changed \(-old \+new\): spec\.broker/);
  });
  it('kn broker delete', async () => {
    const r = await runKn(['broker', 'delete', 'later', '-n', ns]);
    assert.equal(r.stdout, `Broker 'later' successfully deleted in namespace '${ns}'.\n`);
    await waitFor<Trigger>(c, R.Trigger, 'chain', ns, (o) => (cond(o, 'SubscriberResolved')?.status === 'False' ? 'done' : 'wait'), T);
  });
  it('kn broker delete --wait returns once the broker is gone, and names the timeout when it is not', async () => {
    // A finalizer of the test's own holds the Broker in Terminating until the test lets it go.
    const hold = { metadata: { finalizers: ['kn-ts.test/hold'] } };
    await c.create(R.Broker, { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'held', namespace: ns, ...hold.metadata } } as Broker);
    const late = await runKn(['broker', 'delete', 'held', '-n', ns, '--wait', '--wait-timeout', '1']);
    assert.equal(late.code, 1);
    assert.match(late.stderr, /timeout: broker 'held' not ready after 1 seconds/);
    await c.create(R.Broker, { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'held2', namespace: ns, ...hold.metadata } } as Broker);
    let finished = false;
    const waiting = runKn(['broker', 'delete', 'held2', '-n', ns, '--wait']).then((r) => ((finished = true), r));
    await waitFor<Broker>(c, R.Broker, 'held2', ns, (o) => (o?.metadata.deletionTimestamp ? 'done' : 'wait'), T);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(finished, false, 'kn waits while the broker is still there');
    for (const name of ['held', 'held2']) await c.patch(R.Broker, name, ns, { metadata: { finalizers: null } }, 'merge');
    const done = await waiting;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(done.stdout, `Broker 'held2' successfully deleted in namespace '${ns}'.\n`);
    assert.equal(await c.find(R.Broker, 'held2', ns), undefined);
  });
});



// A CRD of a kind kn-ts knows nothing about, duck-Addressable through status.address: what a
// Channel, a Sequence or a third-party sink looks like to the resolver.
const PIPE: ResourceType = { group: 'example.dev', version: 'v1', kind: 'Pipe', plural: 'pipes', namespaced: true };
const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const pipe = (name: string): KubeObject => ({ apiVersion: 'example.dev/v1', kind: 'Pipe', metadata: { name, namespace: ns } });

describe('Addressables of any kind (status.address)', () => {
  before(async () => {
    await c.apply(
      R.CustomResourceDefinition,
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'pipes.example.dev' },
        spec: {
          group: 'example.dev',
          names: { kind: 'Pipe', plural: 'pipes', singular: 'pipe', listKind: 'PipeList' },
          scope: 'Namespaced',
          versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', properties: { spec: open, status: open } } } }],
        },
      } as KubeObject,
      { fieldManager: 'broker-test' },
    );
    await waitFor<KubeObject & { status?: { conditions?: Condition[] } }>(c, R.CustomResourceDefinition, 'pipes.example.dev', undefined, (o) => (o?.status?.conditions?.some((k) => k.type === 'Established' && k.status === 'True') ? 'done' : 'wait'), T);
  });
  it('a Trigger whose subscriber is a missing Pipe is False; the Pipe appearing, then getting an address, resolves it (ref + relative uri), without a restart', async () => {
    await c.create(R.Trigger, {
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { name: 'to-pipe', namespace: ns },
      spec: { broker: 'default', subscriber: { ref: { apiVersion: 'example.dev/v1', kind: 'Pipe', name: 'p1' }, uri: 'in/events' } },
    } as Trigger);
    const missing = await waitFor<Trigger>(c, R.Trigger, 'to-pipe', ns, (o) => (cond(o, 'SubscriberResolved')?.status === 'False' ? 'done' : 'wait'), T);
    assert.equal(cond(missing, 'SubscriberResolved')?.reason, "Unable to get the Subscriber's URI");
    assert.match(cond(missing, 'SubscriberResolved')?.message ?? '', /pipes\.example\.dev "p1" not found/);
    await c.create(PIPE, pipe('p1'));
    const noAddress = await waitFor<Trigger>(c, R.Trigger, 'to-pipe', ns, (o) => (/address not set/.test(cond(o, 'SubscriberResolved')?.message ?? '') ? 'done' : 'wait'), T);
    assert.equal(cond(noAddress, 'SubscriberResolved')?.status, 'False');
    await c.replaceStatus(PIPE, { ...(await c.get(PIPE, 'p1', ns)), status: { address: { url: 'http://p1-kn-pipe.example.svc.cluster.local/base/' } } });
    const ok = await waitFor<Trigger>(c, R.Trigger, 'to-pipe', ns, (o) => (cond(o, 'SubscriberResolved')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(ok.status?.subscriberUri, 'http://p1-kn-pipe.example.svc.cluster.local/base/in/events');
  });
  it('a Broker dead-lettering to a Pipe resolves its address; a Kubernetes Service needs no read', async () => {
    await c.create(PIPE, pipe('dls'));
    await c.replaceStatus(PIPE, { ...(await c.get(PIPE, 'dls', ns)), status: { address: { url: 'http://dls.example.svc.cluster.local' } } });
    await c.create(R.Broker, { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'piped', namespace: ns }, spec: { delivery: { deadLetterSink: { ref: { apiVersion: 'example.dev/v1', kind: 'Pipe', name: 'dls' } } } } } as Broker);
    const b = await waitFor<Broker>(c, R.Broker, 'piped', ns, (o) => (cond(o, 'DeadLetterSinkResolved')?.status === 'True' ? 'done' : 'wait'), T);
    assert.equal(b.status?.deadLetterSinkUri, 'http://dls.example.svc.cluster.local');
    await c.create(R.Trigger, { apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', metadata: { name: 'to-svc', namespace: ns }, spec: { broker: 'piped', subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'plain' } } } } as Trigger);
    const t = await waitFor<Trigger>(c, R.Trigger, 'to-svc', ns, (o) => (o?.status?.subscriberUri ? 'done' : 'wait'), T);
    assert.equal(t.status?.subscriberUri, `http://plain.${ns}.svc.cluster.local`);
    await c.delete(R.Broker, 'piped', ns);
  });
});

describe('EventType', () => {
  const et = (name: string, spec: object): KubeObject => ({ apiVersion: 'eventing.knative.dev/v1beta2', kind: 'EventType', metadata: { name, namespace: ns }, spec } as KubeObject);
  it('ReferenceExists: True ReferenceNotSet without a reference; False ResourceDoesNotExist until the Broker appears; a Pipe reference resolves too', async () => {
    await c.create(R.EventType, et('free', { type: 'dev.free' }));
    await c.create(R.EventType, et('later', { type: 'dev.later', reference: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'et-broker' } }));
    await c.create(R.EventType, et('piped', { type: 'dev.piped', reference: { apiVersion: 'example.dev/v1', kind: 'Pipe', name: 'p1' } }));
    const free = await waitFor<KubeObject & { status?: { conditions?: Condition[] } }>(c, R.EventType, 'free', ns, (o) => (cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), T);
    assert.deepEqual([cond(free, 'ReferenceExists')?.reason, cond(free, 'ReferenceExists')?.message], ['ReferenceNotSet', 'spec.reference is not set']);
    const later = await waitFor<KubeObject & { status?: { conditions?: Condition[] } }>(c, R.EventType, 'later', ns, (o) => (cond(o, 'Ready')?.status === 'False' ? 'done' : 'wait'), T);
    assert.deepEqual([cond(later, 'Ready')?.reason, cond(later, 'Ready')?.message], ['ResourceDoesNotExist', 'Resource in spec.reference does not exist']);
    await waitFor<KubeObject & { status?: { conditions?: Condition[] } }>(c, R.EventType, 'piped', ns, (o) => (cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), T);
    await c.create(R.Broker, { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'et-broker', namespace: ns } } as Broker);
    await waitFor<KubeObject & { status?: { conditions?: Condition[] } }>(c, R.EventType, 'later', ns, (o) => (cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), T);
    await assert.rejects(c.patch(R.EventType, 'later', ns, { spec: { type: 'dev.changed' } }, 'merge'), /Immutable fields changed/);
  });
  it('kn eventtype create|list|describe|delete with upstream kn\'s flags, columns and messages', async () => {
    const ens = await freshNamespace('eventtype');
    const empty = await runKn(['eventtype', 'list', '-n', ens]);
    assert.equal(empty.stdout, 'No eventtypes found.\n');
    const noType = await runKn(['eventtype', 'create', 'x', '-n', ens]);
    assert.equal(noType.code, 1);
    assert.match(noType.stderr, /^Error: required flag\(s\) "type" not set\n/);
    const both = await runKn(['eventtype', 'create', 'x', '-n', ens, '-t', 'a', '-b', 'default', '-r', 'broker:default']);
    assert.match(both.stderr, /^Error: use only one of '--broker' or '--reference' flags\n/);
    const missingRef = await runKn(['eventtype', 'create', 'x', '-n', ens, '-t', 'a', '-r', 'broker:nope']);
    assert.equal(missingRef.stderr.split('\n')[0], `Error: cannot create eventtype 'x' in namespace '${ens}' because: brokers.eventing.knative.dev "nope" not found`);
    await assert.rejects(c.get(R.EventType, 'x', ens), (e: unknown) => e instanceof KubeError && e.code === 404, 'nothing half-created');
    const a = await runKn(['eventtype', 'create', 'et1', '-n', ens, '--type', 'dev.knative.one', '--source', 'https://example.com/src', '--broker', 'default']);
    assert.equal(a.stdout, `Eventtype 'et1' successfully created in namespace '${ens}'.\n`, a.stderr);
    assert.deepEqual((await c.get<KubeObject & { spec?: object }>(R.EventType, 'et1', ens)).spec, { type: 'dev.knative.one', source: 'https://example.com/src', reference: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'default' } });
    await c.create(R.Broker, { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'b2', namespace: ens } } as Broker);
    const b = await runKn(['eventtype', 'create', 'et2', '-n', ens, '-t', 'dev.knative.two', '-r', 'broker:b2']);
    assert.equal(b.stdout, `Eventtype 'et2' successfully created in namespace '${ens}'.\n`, b.stderr);
    assert.deepEqual((await c.get<KubeObject & { spec?: { reference?: object } }>(R.EventType, 'et2', ens)).spec?.reference, { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'b2', namespace: ens });
    await waitFor<KubeObject & { status?: { conditions?: Condition[] } }>(c, R.EventType, 'et2', ens, (o) => (cond(o, 'Ready')?.status === 'True' ? 'done' : 'wait'), T);
    await waitFor<KubeObject & { status?: { conditions?: Condition[] } }>(c, R.EventType, 'et1', ens, (o) => (cond(o, 'Ready')?.status === 'False' ? 'done' : 'wait'), T);
    const list = await runKn(['eventtype', 'list', '-n', ens]);
    assert.match(list.stdout, /^NAME\s+TYPE\s+SOURCE\s+REFERENCE\s+AGE\s+READY\n/);
    assert.match(list.stdout, /\net1\s+dev\.knative\.one\s+https:\/\/example\.com\/src\s+default\s+\S+\s+False\n/);
    assert.match(list.stdout, /\net2\s+dev\.knative\.two\s+b2\s+\S+\s+True\n/);
    const all = await runKn(['eventtypes', 'ls', '-A']);
    assert.match(all.stdout, /^NAMESPACE\s+NAME\s+TYPE/);
    assert.match(all.stdout, new RegExp(`\\n${ens}\\s+et2\\s+dev\\.knative\\.two`));
    const d = await runKn(['eventtype', 'describe', 'et1', '-n', ens]);
    assert.match(d.stdout, /^Name:\s+et1\nNamespace:\s+\S+\n/);
    assert.match(d.stdout, /\nSource:\s+https:\/\/example\.com\/src\nReference:\s*\n\s+APIVersion:\s+eventing\.knative\.dev\/v1\n\s+Kind:\s+Broker\n\s+Name:\s+default\n/);
    assert.match(d.stdout, /Conditions:\s*\n\s+OK TYPE\s+AGE REASON\n\s+!! Ready\s+\S+ ResourceDoesNotExist\n\s+!! ReferenceExists\s+\S+ ResourceDoesNotExist\n/);
    const y = await runKn(['eventtype', 'describe', 'et2', '-n', ens, '-o', 'jsonpath={.spec.type}']);
    assert.equal(y.stdout, 'dev.knative.two');
    const del = await runKn(['eventtype', 'delete', 'et1', '-n', ens]);
    assert.equal(del.stdout, `Eventtype 'et1' successfully deleted in namespace '${ens}'.\n`);
    const gone = await runKn(['eventtype', 'delete', 'et1', '-n', ens]);
    assert.equal(gone.stderr.split('\n')[0], `Error: cannot delete eventtype 'et1' in namespace '${ens}' because: eventtypes.eventing.knative.dev "et1" not found`);
    const noName = await runKn(['eventtype', 'describe', '-n', ens]);
    assert.match(noName.stderr, /^Error: 'eventtype describe' requires the eventtype name given as single argument\n/);
    await c.delete(R.Namespace, ens);
  });
});
