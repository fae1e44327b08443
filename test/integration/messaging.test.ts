// Channels and flows against the real API server: the CRDs (upstream's docs examples apply
// unchanged; CEL refuses what upstream's webhook refuses), the Channel, InMemoryChannel,
// Subscription, Sequence and Parallel reconcilers (run in-process in a Manager of their own), and
// every `kn channel` and `kn subscription` command. The imc-dispatcher EndpointSlice is written by
// the test (TEST-NET address, never dialled): there is no kubelet.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import type { Channel, InMemoryChannel, Parallel, Sequence, Subscription } from '../../src/api/messaging/types.ts';
import type { Condition, KubeObject } from '../../src/api/meta.ts';
import { R, resourceOf } from '../../src/api/resources.ts';
import { messagingReconcilers } from '../../src/controller/messaging/index.ts';
import { makeLogger, silentLogger } from '../../src/controller/runtime/log.ts';
import { Manager } from '../../src/controller/runtime/manager.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { KubeError } from '../../src/kube/errors.ts';
import { waitFor } from '../../src/kube/wait.ts';
import { installServingCRDs, loadManifest } from '../harness/crds.ts';
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
const ready = <T extends KubeObject>(r: typeof R.Channel, name: string, namespace = ns) =>
  waitFor<T>(c, r, name, namespace, (o) => (o && cond(o as never, 'Ready')?.status === 'True' && (o.status as { observedGeneration?: number }).observedGeneration === o.metadata.generation ? 'done' : 'wait'), T).catch(async (e: unknown) => {
    const o = await c.find(r, name, namespace);
    throw new Error(`${r.kind} ${name} not Ready: ${JSON.stringify((o?.status as { conditions?: unknown })?.conditions)}`, { cause: e });
  });

before(async () => {
  c = await kube();
  await installServingCRDs(c);
  await installEventing(c);
  for (const o of [...loadManifest('manifests/111-crd-messaging.yaml'), ...loadManifest('manifests/300-default-ch-webhook.yaml')]) {
    await c.apply(o.kind === 'CustomResourceDefinition' ? R.CustomResourceDefinition : R.ConfigMap, o, { fieldManager: 'kn-ts-test-install' });
  }
  for (const o of loadManifest('manifests/111-crd-messaging.yaml')) {
    await waitFor<KubeObject & { status?: { conditions?: Condition[] } }>(c, R.CustomResourceDefinition, o.metadata.name ?? '', undefined, (x) => (cond(x, 'Established')?.status === 'True' ? 'done' : 'wait'), T);
  }
  await c.apply(
    R.EndpointSlice,
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'imc-dispatcher-test', namespace: 'knative-eventing', labels: { 'kubernetes.io/service-name': 'imc-dispatcher' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['203.0.113.8'], conditions: { ready: true } }],
      ports: [{ name: 'http', port: 8081, protocol: 'TCP' }],
    } as KubeObject,
    { fieldManager: 'messaging-test' },
  );
  ns = await freshNamespace('messaging');
  const recs = await messagingReconcilers(c);
  assert.equal(recs.length, 5);
  mgr = new Manager({ client: c, reconcilers: recs, log: process.env.MESSAGING_TEST_LOG ? makeLogger({ name: 'controller' }) : silentLogger(), systemNamespace: 'knative-serving', workers: 2, leaderElection: false });
  await mgr.start();
});
after(async () => {
  await mgr?.stop();
  await c.delete(R.EndpointSlice, 'imc-dispatcher-test', 'knative-eventing').catch(() => undefined);
});

describe('kn channel', () => {
  it('create: the default template, the backing InMemoryChannel, its ExternalName Service and the address', async () => {
    const r = await runKn(['channel', 'create', 'pipe', '-n', ns]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Channel 'pipe' created in namespace '${ns}'.\n`);
    const ch = await ready<Channel>(R.Channel, 'pipe');
    assert.deepEqual(ch.spec?.channelTemplate, { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' });
    assert.equal(ch.status?.address?.url, `http://pipe-kn-channel.${ns}.svc.cluster.local`);
    assert.deepEqual(ch.status?.channel, { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel', name: 'pipe', namespace: ns });
    const imc = await c.get<InMemoryChannel>(R.InMemoryChannel, 'pipe', ns);
    assert.equal(imc.metadata.ownerReferences?.[0]?.kind, 'Channel');
    for (const t of ['ServiceReady', 'EndpointsReady', 'ChannelServiceReady', 'Addressable', 'DeadLetterSinkResolved', 'EventPoliciesReady']) assert.equal(cond(imc, t)?.status, 'True', t);
    const svc = await c.get<KubeObject & { spec: { type: string; externalName: string } }>(R.KService, 'pipe-kn-channel', ns);
    assert.equal(svc.spec.type, 'ExternalName');
    assert.equal(svc.spec.externalName, 'imc-dispatcher.knative-eventing.svc.cluster.local');
    assert.equal(svc.metadata.labels?.['messaging.knative.dev/role'], 'in-memory-channel');
  });

  it('create --type imc and G:V:K; a bad --type is refused before anything is created', async () => {
    assert.equal((await runKn(['channel', 'create', 'c2', '-n', ns, '--type', 'imc'])).code, 0);
    assert.equal((await runKn(['channel', 'create', 'c3', '-n', ns, '--type', 'messaging.knative.dev:v1:InMemoryChannel'])).code, 0);
    const bad = await runKn(['channel', 'create', 'c4', '-n', ns, '--type', 'kafka']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^Error: unknown channel type alias: 'kafka'\n/);
    const bad2 = await runKn(['channel', 'create', 'c4', '-n', ns, '--type', 'a:b']);
    assert.match(bad2.stderr, /incorrect value 'a:b' for '--type', must be in the format 'Group:Version:Kind'/);
    assert.equal(await c.find(R.Channel, 'c4', ns), undefined);
    const dup = await runKn(['channel', 'create', 'c2', '-n', ns]);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /already exists/);
    await ready(R.Channel, 'c2');
  });

  it('list, list -o yaml, describe, describe -o url, list-types', async () => {
    await ready(R.Channel, 'pipe');
    const l = await runKn(['channel', 'list', '-n', ns]);
    assert.equal(l.code, 0, l.stderr);
    const lines = l.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+TYPE\s+URL\s+AGE\s+READY\s+REASON$/);
    assert.ok(lines.some((x) => new RegExp(`^pipe\\s+InMemoryChannel\\s+http://pipe-kn-channel\\.${ns}\\.svc\\.cluster\\.local\\s+\\S+\\s+True`).test(x)), l.stdout);
    const y = parse((await runKn(['channel', 'list', '-n', ns, '-o', 'yaml'])).stdout) as { items: Channel[] };
    assert.ok(y.items.some((x) => x.metadata.name === 'pipe'));
    const u = await runKn(['channel', 'describe', 'pipe', '-n', ns, '-o', 'url']);
    assert.equal(u.stdout, `http://pipe-kn-channel.${ns}.svc.cluster.local\n`);
    const d = await runKn(['channel', 'describe', 'pipe', '-n', ns]);
    assert.match(d.stdout, /^Name:\s+pipe$/m);
    assert.match(d.stdout, /^Type:\s+InMemoryChannel \(messaging\.knative\.dev\/v1\)$/m);
    assert.match(d.stdout, /^URL:\s+http:\/\/pipe-kn-channel/m);
    assert.match(d.stdout, /^Conditions:/m);
    const t = await runKn(['channel', 'list-types']);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /^TYPE\s+NAME\s+DESCRIPTION\n/);
    assert.match(t.stdout, /^InMemoryChannel\s+inmemorychannels\.messaging\.knative\.dev\s+The events are stored in memory$/m);
    assert.doesNotMatch(t.stdout, /^Channel\s/m);
    const none = await runKn(['channel', 'describe', 'nope', '-n', ns]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /channels.messaging.knative.dev "nope" not found/);
  });

  it('delete: the backing channel goes with it', async () => {
    assert.equal((await runKn(['channel', 'create', 'gone', '-n', ns])).code, 0);
    await ready(R.Channel, 'gone');
    const r = await runKn(['channel', 'delete', 'gone', '-n', ns]);
    assert.equal(r.stdout, `Channel 'gone' deleted in namespace '${ns}'.\n`);
    await waitFor(c, R.Channel, 'gone', ns, (o) => (o ? 'wait' : 'done'), T);
    const none = await runKn(['channel', 'list', '-n', (await freshNamespace('empty'))]);
    assert.equal(none.stdout, 'No channels found.\n');
  });
});

describe('kn subscription', () => {
  it('create: resolved into physicalSubscription and written into the backing channel; Ready', async () => {
    await ready(R.Channel, 'pipe');
    await ready(R.Channel, 'c2');
    const r = await runKn(['subscription', 'create', 'sub0', '-n', ns, '--channel', 'pipe', '--sink', 'https://sub.example.com/x', '--sink-reply', 'channel:c2', '--sink-dead-letter', 'http://dls.example.com']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Subscription 'sub0' created in namespace '${ns}'.\n`);
    const sub = await ready<Subscription>(R.Subscription, 'sub0');
    assert.deepEqual(sub.status?.physicalSubscription, { subscriberUri: 'https://sub.example.com/x', replyUri: `http://c2-kn-channel.${ns}.svc.cluster.local`, deadLetterSinkUri: 'http://dls.example.com' });
    assert.deepEqual(sub.metadata.finalizers, ['subscriptions.messaging.knative.dev']);
    const imc = await c.get<InMemoryChannel>(R.InMemoryChannel, 'pipe', ns);
    const e = imc.spec?.subscribers?.find((s) => s.uid === sub.metadata.uid);
    assert.deepEqual(e, { name: 'sub0', uid: sub.metadata.uid, generation: 1, subscriberUri: 'https://sub.example.com/x', replyUri: `http://c2-kn-channel.${ns}.svc.cluster.local`, delivery: { deadLetterSink: { uri: 'http://dls.example.com' } } });
    for (const t of ['ReferencesResolved', 'AddedToChannel', 'ChannelReady']) assert.equal(cond(sub, t)?.status, 'True', t);
  });

  it('list, describe, update, a missing --channel and a bad channel alias', async () => {
    await ready(R.Subscription, 'sub0');
    const l = await runKn(['subscription', 'list', '-n', ns]);
    assert.match(l.stdout, /^NAME\s+CHANNEL\s+SUBSCRIBER\s+REPLY\s+DEAD LETTER SINK\s+READY\s+REASON\n/);
    assert.match(l.stdout, /^sub0\s+Channel:pipe\s+https:\/\/sub\.example\.com\/x\s+channel:c2\s+http:\/\/dls\.example\.com\s+True/m);
    const d = await runKn(['subscription', 'describe', 'sub0', '-n', ns]);
    assert.match(d.stdout, /^Channel:\s+Channel:pipe \(messaging\.knative\.dev\/v1\)$/m);
    assert.match(d.stdout, /^Subscriber:\s*\n\s+URI:\s+https:\/\/sub\.example\.com\/x$/m);
    assert.match(d.stdout, /^Reply:\s*\n\s+Name:\s+c2\n\s+Resource:\s+Channel \(messaging\.knative\.dev\/v1\)$/m);
    assert.match(d.stdout, /^DeadLetterSink:\s*\n\s+URI:\s+http:\/\/dls\.example\.com$/m);
    const u = await runKn(['subscription', 'update', 'sub0', '-n', ns, '--sink', 'https://other.example.com']);
    assert.equal(u.stdout, `Subscription 'sub0' updated in namespace '${ns}'.\n`);
    await waitFor<InMemoryChannel>(c, R.InMemoryChannel, 'pipe', ns, (o) => (o?.spec?.subscribers?.some((s) => s.subscriberUri === 'https://other.example.com' && s.generation === 2) ? 'done' : 'wait'), T);
    const noCh = await runKn(['subscription', 'create', 'x', '-n', ns, '--sink', 'https://a.example.com']);
    assert.equal(noCh.code, 1);
    assert.match(noCh.stderr, /^Error: 'kn subscription create' requires the channel reference provided with --channel flag\n/);
    const badAlias = await runKn(['subscription', 'create', 'x', '-n', ns, '--channel', 'kafka:k', '--sink', 'https://a.example.com']);
    assert.match(badAlias.stderr, /unknown alias 'kafka' for '--channel'/);
    const missingSink = await runKn(['subscription', 'create', 'x', '-n', ns, '--channel', 'pipe', '--sink', 'ksvc:nope']);
    assert.equal(missingSink.code, 1);
    assert.match(missingSink.stderr, /services.serving.knative.dev "nope" not found/);
    assert.equal(await c.find(R.Subscription, 'x', ns), undefined);
  });

  it('a channel that does not exist: ReferencesResolved Unknown ChannelReferenceFailed', async () => {
    assert.equal((await runKn(['subscription', 'create', 'orphan', '-n', ns, '--channel', 'imc:missing', '--sink', 'https://a.example.com'])).code, 0);
    const s = await waitFor<Subscription>(c, R.Subscription, 'orphan', ns, (o) => (cond(o, 'ReferencesResolved')?.reason === 'ChannelReferenceFailed' ? 'done' : 'wait'), T);
    assert.equal(cond(s, 'ReferencesResolved')?.message, 'Failed to get Spec.Channel or backing channel: inmemorychannels.messaging.knative.dev "missing" not found');
  });

  it('delete: the finalizer takes the subscriber out of the channel', async () => {
    const sub = await ready<Subscription>(R.Subscription, 'sub0');
    const r = await runKn(['subscription', 'delete', 'sub0', '-n', ns]);
    assert.equal(r.stdout, `Subscription 'sub0' deleted in namespace '${ns}'.\n`);
    await waitFor<InMemoryChannel>(c, R.InMemoryChannel, 'pipe', ns, (o) => (o && !o.spec?.subscribers?.some((s) => s.uid === sub.metadata.uid) ? 'done' : 'wait'), T);
    await waitFor(c, R.Subscription, 'sub0', ns, (o) => (o ? 'wait' : 'done'), T);
    const none = await runKn(['subscription', 'list', '-n', (await freshNamespace('empty'))]);
    assert.equal(none.stdout, 'No subscriptions found.\n');
  });
});

describe('CRDs', () => {
  it("CEL refuses what upstream's webhook refuses", async () => {
    const refused = async (o: KubeObject, msg: RegExp) => {
      const r = resourceOf(o.apiVersion ?? '', o.kind ?? '')!;
      await assert.rejects(c.create(r, { ...o, metadata: { name: 'bad', namespace: ns } }), (e: unknown) => e instanceof KubeError && msg.test(e.message));
    };
    await refused({ apiVersion: 'messaging.knative.dev/v1', kind: 'Subscription', spec: { subscriber: { uri: 'http://a.b' } } }, /missing field\(s\): spec.channel/);
    await refused({ apiVersion: 'messaging.knative.dev/v1', kind: 'Subscription', spec: { channel: { kind: 'Channel', name: 'x' } } }, /missing field\(s\): spec.subscriber/);
    await refused({ apiVersion: 'messaging.knative.dev/v1', kind: 'Subscription', spec: { channel: { kind: 'Channel', name: 'x' }, subscriber: { uri: 'relative' } } }, /URI is not absolute/);
    await refused({ apiVersion: 'flows.knative.dev/v1', kind: 'Sequence', spec: { steps: [] } }, /missing field\(s\): spec.steps/);
    await refused({ apiVersion: 'flows.knative.dev/v1', kind: 'Parallel', spec: { branches: [{}] } }, /subscriber/);
    await refused({ apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel', spec: { subscribers: [{ uid: 'x' }] } }, /expected at least one of, got none/);
    // The channel of a Subscription is immutable.
    await c.create(R.Subscription, { apiVersion: 'messaging.knative.dev/v1', kind: 'Subscription', metadata: { name: 'imm', namespace: ns }, spec: { channel: { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', name: 'a' }, subscriber: { uri: 'http://a.b' } } } as KubeObject);
    await assert.rejects(c.patch(R.Subscription, 'imm', ns, { spec: { channel: { name: 'b' } } }, 'merge'), /Immutable fields changed/);
    await c.delete(R.Subscription, 'imm', ns);
  });

  it("upstream's docs examples apply unchanged (Channel, InMemoryChannel, Subscription, Sequence, Parallel)", async () => {
    const docs = `apiVersion: messaging.knative.dev/v1
kind: Channel
metadata:
  name: my-channel
spec:
  channelTemplate:
    apiVersion: messaging.knative.dev/v1
    kind: InMemoryChannel
---
apiVersion: messaging.knative.dev/v1
kind: InMemoryChannel
metadata:
  name: my-imc
spec:
  delivery:
    deadLetterSink:
      ref:
        apiVersion: serving.knative.dev/v1
        kind: Service
        name: error-handler
---
apiVersion: messaging.knative.dev/v1
kind: Subscription
metadata:
  name: my-subscription
spec:
  channel:
    apiVersion: messaging.knative.dev/v1
    kind: Channel
    name: my-channel
  delivery:
    deadLetterSink:
      ref:
        apiVersion: serving.knative.dev/v1
        kind: Service
        name: error-handler
  reply:
    ref:
      apiVersion: messaging.knative.dev/v1
      kind: InMemoryChannel
      name: my-imc
  subscriber:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: event-display
---
apiVersion: flows.knative.dev/v1
kind: Sequence
metadata:
  name: docs-sequence
spec:
  channelTemplate:
    apiVersion: messaging.knative.dev/v1
    kind: InMemoryChannel
  steps:
    - ref:
        apiVersion: serving.knative.dev/v1
        kind: Service
        name: first
    - ref:
        apiVersion: serving.knative.dev/v1
        kind: Service
        name: second
    - ref:
        apiVersion: serving.knative.dev/v1
        kind: Service
        name: third
  reply:
    ref:
      kind: Service
      apiVersion: serving.knative.dev/v1
      name: event-display
---
apiVersion: flows.knative.dev/v1
kind: Parallel
metadata:
  name: docs-parallel
spec:
  channelTemplate:
    apiVersion: messaging.knative.dev/v1
    kind: InMemoryChannel
  branches:
    - filter:
        ref:
          apiVersion: serving.knative.dev/v1
          kind: Service
          name: even-filter
      subscriber:
        ref:
          apiVersion: serving.knative.dev/v1
          kind: Service
          name: even-transformer
    - filter:
        ref:
          apiVersion: serving.knative.dev/v1
          kind: Service
          name: odd-filter
      subscriber:
        ref:
          apiVersion: serving.knative.dev/v1
          kind: Service
          name: odd-transformer
  reply:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: event-display
`;
    const dns = await freshNamespace('docs');
    for (const d of parseAllDocuments(docs)) {
      const o = d.toJSON() as KubeObject;
      await c.create(resourceOf(o.apiVersion ?? '', o.kind ?? '')!, { ...o, metadata: { ...o.metadata, namespace: dns } });
    }
    // What the reconcilers made of them.
    await waitFor(c, R.InMemoryChannel, 'docs-sequence-kn-sequence-2', dns, (o) => (o ? 'done' : 'wait'), T);
    await waitFor(c, R.Subscription, 'docs-parallel-kn-parallel-filter-1', dns, (o) => (o ? 'done' : 'wait'), T);
    const s = await waitFor<Subscription>(c, R.Subscription, 'my-subscription', dns, (o) => (cond(o, 'ReferencesResolved')?.status === 'False' ? 'done' : 'wait'), T);
    assert.equal(cond(s, 'ReferencesResolved')?.reason, 'SubscriberResolveFailed');
    assert.match(cond(s, 'ReferencesResolved')?.message ?? '', /^Failed to resolve spec.subscriber: failed to get object .*event-display.* not found/);
  });
});

describe('Sequence and Parallel', () => {
  it('a Sequence: channel and subscription per step, each step replying to the next channel; status as upstream', async () => {
    const seq: Sequence = {
      apiVersion: 'flows.knative.dev/v1',
      kind: 'Sequence',
      metadata: { name: 'seq', namespace: ns },
      spec: { steps: [{ uri: 'http://step0.example.com' }, { uri: 'http://step1.example.com', delivery: { retry: 3 } }], reply: { uri: 'http://reply.example.com' } },
    };
    await c.create(R.Sequence, seq);
    const s = await ready<Sequence>(R.Sequence, 'seq');
    assert.deepEqual(s.spec?.channelTemplate, { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' });
    assert.equal(s.status?.address?.url, `http://seq-kn-sequence-0-kn-channel.${ns}.svc.cluster.local`);
    assert.deepEqual(
      s.status?.channelStatuses?.map((x) => [x.channel.kind, x.channel.name, x.ready.status]),
      [
        ['InMemoryChannel', 'seq-kn-sequence-0', 'True'],
        ['InMemoryChannel', 'seq-kn-sequence-1', 'True'],
      ],
    );
    assert.deepEqual(
      s.status?.subscriptionStatuses?.map((x) => [x.subscription.name, x.ready.status]),
      [
        ['seq-kn-sequence-0', 'True'],
        ['seq-kn-sequence-1', 'True'],
      ],
    );
    const s0 = await c.get<Subscription>(R.Subscription, 'seq-kn-sequence-0', ns);
    assert.deepEqual(s0.spec?.reply, { ref: { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel', name: 'seq-kn-sequence-1', namespace: ns } });
    const ch1 = await c.get<InMemoryChannel>(R.InMemoryChannel, 'seq-kn-sequence-1', ns);
    assert.deepEqual(
      ch1.spec?.subscribers?.map((x) => [x.subscriberUri, x.replyUri, x.delivery]),
      [['http://step1.example.com', 'http://reply.example.com', { retry: 3 }]],
    );
    const ch0 = await c.get<InMemoryChannel>(R.InMemoryChannel, 'seq-kn-sequence-0', ns);
    assert.equal(ch0.spec?.subscribers?.[0]?.replyUri, `http://seq-kn-sequence-1-kn-channel.${ns}.svc.cluster.local`);
    // A shorter Sequence: the step it no longer names goes.
    await c.patch(R.Sequence, 'seq', ns, { spec: { steps: [{ uri: 'http://step0.example.com' }] } }, 'merge');
    await waitFor(c, R.Subscription, 'seq-kn-sequence-1', ns, (o) => (o ? 'wait' : 'done'), T);
    await waitFor(c, R.InMemoryChannel, 'seq-kn-sequence-1', ns, (o) => (o ? 'wait' : 'done'), T);
  });

  it('a Parallel: ingress channel, a channel per branch, filter and subscriber subscriptions; status as upstream', async () => {
    const p: Parallel = {
      apiVersion: 'flows.knative.dev/v1',
      kind: 'Parallel',
      metadata: { name: 'par', namespace: ns },
      spec: {
        branches: [{ filter: { uri: 'http://filter0.example.com' }, subscriber: { uri: 'http://sub0.example.com' } }, { subscriber: { uri: 'http://sub1.example.com' }, reply: { uri: 'http://reply1.example.com' } }],
        reply: { uri: 'http://reply.example.com' },
      },
    };
    await c.create(R.Parallel, p);
    const got = await ready<Parallel>(R.Parallel, 'par');
    assert.equal(got.status?.address?.url, `http://par-kn-parallel-kn-channel.${ns}.svc.cluster.local`);
    assert.equal(got.status?.ingressChannelStatus?.channel.name, 'par-kn-parallel');
    assert.deepEqual(
      got.status?.branchStatuses?.map((b) => [b.filterSubscriptionStatus.subscription.name, b.filterChannelStatus.channel.name, b.subscriberSubscriptionStatus.subscription.name]),
      [
        ['par-kn-parallel-filter-0', 'par-kn-parallel-0', 'par-kn-parallel-0'],
        ['par-kn-parallel-filter-1', 'par-kn-parallel-1', 'par-kn-parallel-1'],
      ],
    );
    const ingress = await c.get<InMemoryChannel>(R.InMemoryChannel, 'par-kn-parallel', ns);
    assert.deepEqual(
      // Subscriptions join the channel as each is reconciled: the order is not part of the contract.
      ingress.spec?.subscribers?.map((s) => [s.name, s.subscriberUri, s.replyUri]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [
        ['par-kn-parallel-filter-0', 'http://filter0.example.com', `http://par-kn-parallel-0-kn-channel.${ns}.svc.cluster.local`],
        ['par-kn-parallel-filter-1', `http://par-kn-parallel-1-kn-channel.${ns}.svc.cluster.local`, undefined],
      ],
    );
    const b1 = await c.get<InMemoryChannel>(R.InMemoryChannel, 'par-kn-parallel-1', ns);
    assert.equal(b1.spec?.subscribers?.[0]?.replyUri, 'http://reply1.example.com');
    const b0 = await c.get<InMemoryChannel>(R.InMemoryChannel, 'par-kn-parallel-0', ns);
    assert.equal(b0.spec?.subscribers?.[0]?.replyUri, 'http://reply.example.com');
  });
});

describe('EventType auto-creation for channels (eventtype-auto-create)', () => {
  it('the dispatcher in the broker process creates an EventType owned by the InMemoryChannel for a new (type, source)', async () => {
    await c.create(R.InMemoryChannel, { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel', metadata: { name: 'et-pipe', namespace: ns } } as InMemoryChannel);
    const imc = await c.get<InMemoryChannel>(R.InMemoryChannel, 'et-pipe', ns);
    await c.patch(R.ConfigMap, 'config-features', 'knative-eventing', { data: { 'eventtype-auto-create': 'enabled' } }, 'merge');
    const feed = await feedFor(mgr, c);
    const { proc, ports } = await spawnBroker([...feed.args, '--channel-port', '0']);
    try {
      const { channelPort } = ports;
      assert.ok(channelPort, `the broker process serves channels: ${JSON.stringify(ports)}`);
      const headers = { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/pipe', 'ce-type': 'dev.channel.auto' };
      // The informer may not have the new channel yet: 404 until it has.
      await waitUntil(async () => (await fetch(`http://127.0.0.1:${channelPort}/${ns}/et-pipe`, { method: 'POST', headers })).status === 202, T);
      const want = autoEventType({ kind: 'InMemoryChannel', apiVersion: 'messaging.knative.dev/v1', name: 'et-pipe', namespace: ns, uid: imc.metadata.uid ?? '' }, { type: 'dev.channel.auto', source: '/pipe', specversion: '1.0' });
      const et = await waitFor<KubeObject & { spec?: { type?: string; reference?: { kind?: string; apiVersion?: string; name?: string } } }>(c, R.EventType, want.metadata.name!, ns, (o) => (o ? 'done' : 'wait'), T);
      assert.equal(et.spec?.type, 'dev.channel.auto');
      assert.deepEqual([et.spec?.reference?.apiVersion, et.spec?.reference?.kind, et.spec?.reference?.name], ['messaging.knative.dev/v1', 'InMemoryChannel', 'et-pipe']);
      assert.deepEqual([et.metadata.ownerReferences?.[0]?.kind, et.metadata.ownerReferences?.[0]?.uid], ['InMemoryChannel', imc.metadata.uid]);
    } finally {
      proc.kill('SIGKILL');
      await feed.stop();
      await c.patch(R.ConfigMap, 'config-features', 'knative-eventing', { data: { 'eventtype-auto-create': 'disabled' } }, 'merge');
    }
  });
});

async function waitUntil(check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not true within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
