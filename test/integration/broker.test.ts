// Eventing against the real API server: the CRDs' CEL rules, the Broker and Trigger reconcilers
// (run in-process in a Manager of their own) and `kn broker|trigger`. The broker-ingress
// EndpointSlice is written by the test (TEST-NET address, never dialled): there is no kubelet.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { Broker, Trigger } from '../../src/api/eventing/types.ts';
import type { Condition, KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { eventingReconcilers } from '../../src/controller/eventing.ts';
import { makeLogger, silentLogger } from '../../src/controller/runtime/log.ts';
import { Manager } from '../../src/controller/runtime/manager.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { KubeError } from '../../src/kube/errors.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { installServingCRDs } from '../harness/crds.ts';
import { freshNamespace, kube, REPO, runKn, testKubeconfig } from '../harness/env.ts';
import { autoEventType } from '../../src/dataplane/broker/eventtypes.ts';
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
    const proc = spawn(process.execPath, [join(REPO, 'bin/control-plane.js'), 'broker', '--kubeconfig', testKubeconfig(), '--bind', '127.0.0.1', '--port', '0', '--admin-port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const line = await new Promise<string>((res, rej) => {
        let out = '';
        proc.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) res(out.split('\n')[0]!);
        });
        proc.once('exit', (code) => rej(new Error(`broker exited ${code}`)));
      });
      const { port } = JSON.parse(line) as { port: number };
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
});


