// The pure desired-state functions of the Channel, InMemoryChannel, Subscription, Sequence and
// Parallel reconcilers and of the channel dispatcher's table, as tables of rows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Lookup } from '../../src/api/eventing/destination.ts';
import { parseChannelDefaults } from '../../src/api/messaging/config.ts';
import { type Channel, channelKeyOf, type InMemoryChannel, type Parallel, type Sequence, type Subscription } from '../../src/api/messaging/types.ts';
import type { KubeObject } from '../../src/api/meta.ts';
import { parallelResources, parallelChannelStatusOf, sequenceResources } from '../../src/controller/flows/resources.ts';
import { backingChannel, channelStatus, channelTemplatePatch } from '../../src/controller/messaging/channel.ts';
import { channelService, imcStatus } from '../../src/controller/messaging/imc.ts';
import { effectiveSubscriberDelivery, resolveSubscription, subscriberEntry, subscriptionChannel, subscriptionStatus, withSubscriber } from '../../src/controller/messaging/subscription.ts';
import { buildChannelTable, replyKey } from '../../src/dataplane/channel/table.ts';
import { parseChannelRef, parseChannelType } from '../../src/cli/messaging/builders.ts';

const now = () => new Date('2026-01-01T00:00:00Z');
const NS = 'default';
const IMC = { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' };
const cond = (s: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined) =>
  Object.fromEntries((s?.conditions ?? []).map((c) => [c.type, [c.status, c.reason ?? '', c.message ?? ''].filter((x, i) => i === 0 || x).join(' | ')]));
const readyImc = (name: string, extra: Partial<InMemoryChannel> = {}): InMemoryChannel => ({
  ...IMC,
  metadata: { name, namespace: NS, uid: `uid-${name}`, resourceVersion: '1' },
  status: { address: { name: 'http', url: `http://${name}-kn-channel.default.svc.cluster.local` }, conditions: [{ type: 'Ready', status: 'True' }] },
  ...extra,
});
const objs: Record<string, KubeObject> = { 'InMemoryChannel/next': readyImc('next') };
const lookup: Lookup = (r) => objs[`${r.kind}/${r.name}`];

describe('default-ch-webhook', () => {
  const d = parseChannelDefaults({ 'default-ch-config': 'clusterDefault:\n  apiVersion: messaging.knative.dev/v1\n  kind: InMemoryChannel\nnamespaceDefaults:\n  kafka-ns:\n    apiVersion: messaging.knative.dev/v1beta1\n    kind: KafkaChannel\n' });
  const rows: [string, Channel, object | undefined][] = [
    ['no template: the cluster default', { metadata: { name: 'c', namespace: NS } }, { spec: { channelTemplate: IMC } }],
    ['no template in a namespace with its own default', { metadata: { name: 'c', namespace: 'kafka-ns' } }, { spec: { channelTemplate: { apiVersion: 'messaging.knative.dev/v1beta1', kind: 'KafkaChannel' } } }],
    ['a template: nothing', { metadata: { name: 'c', namespace: NS }, spec: { channelTemplate: IMC } }, undefined],
  ];
  for (const [name, ch, want] of rows) it(name, () => assert.deepEqual(channelTemplatePatch(ch, d), want));
  it('absent ConfigMap: InMemoryChannel', () => assert.deepEqual(parseChannelDefaults(undefined).clusterDefault, IMC));
});

describe('Channel', () => {
  const ch: Channel = { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', metadata: { name: 'pipe', namespace: NS, uid: 'u1' }, spec: { channelTemplate: { ...IMC, spec: { x: 1 } }, delivery: { retry: 2 } } };
  it('backing channel: template kind, same name, owned, template spec plus delivery', () =>
    assert.deepEqual(backingChannel(ch), {
      ...IMC,
      metadata: { name: 'pipe', namespace: NS, ownerReferences: [{ apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', name: 'pipe', uid: 'u1', controller: true, blockOwnerDeletion: true }] },
      spec: { x: 1, delivery: { retry: 2 } },
    }));
  const rows: [string, InMemoryChannel | undefined, string | undefined, Record<string, string>][] = [
    ['backing channel Ready with an address', readyImc('pipe'), undefined, { Ready: 'True', BackingChannelReady: 'True', Addressable: 'True' }],
    [
      'backing channel not reconciled yet',
      { ...IMC, metadata: { name: 'pipe', namespace: NS } },
      undefined,
      { BackingChannelReady: 'Unknown | BackingChannelNotConfigured | BackingChannel has not yet been reconciled.', Ready: 'False | EmptyHostname | hostname is the empty string', Addressable: 'False | EmptyHostname | hostname is the empty string' },
    ],
    ['backing channel could not be made', undefined, 'boom', { Ready: 'False | ChannelFailure | boom' }],
  ];
  for (const [name, backing, err, want] of rows)
    it(name, () => {
      const st = channelStatus(ch, backing, now, err);
      const got = cond(st);
      for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, k);
    });
  it('copies address, subscriber statuses and the backing channel reference up', () => {
    const st = channelStatus(ch, { ...readyImc('pipe'), status: { ...readyImc('pipe').status, subscribers: [{ uid: 's', observedGeneration: 1, ready: 'True' }] } }, now);
    assert.equal(st.address?.url, 'http://pipe-kn-channel.default.svc.cluster.local');
    assert.deepEqual(st.subscribers, [{ uid: 's', observedGeneration: 1, ready: 'True' }]);
    assert.deepEqual(st.channel, { ...IMC, name: 'pipe', namespace: NS });
  });
});

describe('InMemoryChannel', () => {
  const imc: InMemoryChannel = { ...IMC, metadata: { name: 'pipe', namespace: NS, uid: 'u' }, spec: { subscribers: [{ uid: 's1', generation: 3, subscriberUri: 'http://a' }] } };
  it("its Service: ExternalName to imc-dispatcher, upstream's name, label and port", () => {
    const s = channelService(imc) as KubeObject & { spec: unknown };
    assert.equal(s.metadata.name, 'pipe-kn-channel');
    assert.deepEqual(s.metadata.labels, { 'messaging.knative.dev/role': 'in-memory-channel' });
    assert.deepEqual(s.spec, { type: 'ExternalName', externalName: 'imc-dispatcher.knative-eventing.svc.cluster.local', ports: [{ name: 'http', protocol: 'TCP', port: 80 }] });
  });
  const rows: [string, boolean | string, KubeObject | string, Record<string, string>][] = [
    ['dispatcher ready, Service made', true, { metadata: {} }, { Ready: 'True', EndpointsReady: 'True', ChannelServiceReady: 'True', Addressable: 'True' }],
    ['dispatcher without endpoints', false, { metadata: {} }, { Ready: 'False | DispatcherEndpointsNotReady | There are no endpoints ready for Dispatcher service' }],
    ['the Service could not be made', true, 'taken', { ChannelServiceReady: 'False | ChannelServiceFailed | Channel Service failed: taken', Addressable: 'Unknown | NoAddress | the channel Service does not exist' }],
  ];
  for (const [name, dispatcher, service, want] of rows)
    it(name, () => {
      const st = imcStatus(imc, { dispatcher, service, lookup, now });
      const got = cond(st);
      for (const [k, v] of Object.entries(want)) assert.equal(got[k], v, k);
    });
  it('status.address and the subscriber statuses', () => {
    const st = imcStatus(imc, { dispatcher: true, service: { metadata: {} }, lookup, now });
    assert.deepEqual(st.address, { name: 'http', url: 'http://pipe-kn-channel.default.svc.cluster.local' });
    assert.deepEqual(st.subscribers, [{ uid: 's1', observedGeneration: 3, ready: 'True' }]);
  });
});

describe('Subscription', () => {
  const sub = (spec: Subscription['spec']): Subscription => ({ apiVersion: 'messaging.knative.dev/v1', kind: 'Subscription', metadata: { name: 's', namespace: NS, uid: 'su', generation: 2 }, spec });
  const channelRef = { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', name: 'pipe' };
  const chans: Record<string, Channel | InMemoryChannel> = {
    'Channel/pipe': { metadata: { name: 'pipe', namespace: NS }, status: { conditions: [{ type: 'Ready', status: 'True' }], channel: { ...IMC, name: 'pipe', namespace: NS } } },
    'Channel/notready': { metadata: { name: 'notready', namespace: NS }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } },
    'InMemoryChannel/pipe': readyImc('pipe', { spec: { delivery: { retry: 5, backoffPolicy: 'linear', deadLetterSink: { uri: 'http://ch-dls' } } } }),
  };
  const get = (k: string, n: string) => chans[`${k}/${n}`];
  const rows: [string, Subscription['spec'], { channel?: string; error?: string }][] = [
    ["a Channel: its backing channel", { channel: channelRef }, { channel: 'pipe' }],
    ['a Channel that is not ready', { channel: { ...channelRef, name: 'notready' } }, { error: 'channel is not ready.' }],
    ['a missing Channel', { channel: { ...channelRef, name: 'nope' } }, { error: 'channels.messaging.knative.dev "nope" not found' }],
    ['an InMemoryChannel', { channel: { ...IMC, name: 'pipe' } }, { channel: 'pipe' }],
    ['another kind', { channel: { apiVersion: 'messaging.knative.dev/v1beta1', kind: 'KafkaChannel', name: 'k' } }, { error: 'channel kind messaging.knative.dev/v1beta1 KafkaChannel is not supported by kn-ts (supported: Channel, InMemoryChannel)' }],
  ];
  for (const [name, spec, want] of rows)
    it(`channel: ${name}`, () => {
      const got = subscriptionChannel(sub(spec), get);
      assert.deepEqual({ ...(got.channel ? { channel: got.channel.metadata.name } : {}), ...(got.error ? { error: got.error } : {}) }, want);
    });
  const ch = chans['InMemoryChannel/pipe'] as InMemoryChannel;
  it('resolution: subscriber uri, reply ref to a channel, the channel\'s dead-letter sink', () =>
    assert.deepEqual(resolveSubscription(sub({ channel: channelRef, subscriber: { uri: 'http://a' }, reply: { ref: { ...IMC, name: 'next' } } }), { ...ch, status: { ...ch.status, deadLetterSinkUri: 'http://ch-dls' } }, lookup), {
      physical: { subscriberUri: 'http://a', replyUri: 'http://next-kn-channel.default.svc.cluster.local', deadLetterSinkUri: 'http://ch-dls' },
    }));
  it('resolution failures carry upstream\'s reasons', () => {
    assert.equal(resolveSubscription(sub({ channel: channelRef, subscriber: { ref: { ...IMC, name: 'gone' } } }), ch, lookup).failure?.reason, 'SubscriberResolveFailed');
    assert.equal(resolveSubscription(sub({ channel: channelRef, subscriber: { uri: 'http://a' }, reply: { ref: { ...IMC, name: 'gone' } } }), ch, lookup).failure?.reason, 'ReplyResolveFailed');
    assert.deepEqual(resolveSubscription(sub({ channel: channelRef, subscriber: { uri: 'http://a' } }), ch, lookup).failure, { reason: 'DeadLetterSinkResolveFailed', message: "channel pipe didn't set status.deadLetterSinkURI" });
  });
  it("delivery written into the channel: the Subscription's, else the channel's retry settings", () => {
    assert.deepEqual(effectiveSubscriberDelivery(sub({ delivery: { retry: 1 } }), ch, { deadLetterSinkUri: 'http://d' }), { deadLetterSink: { uri: 'http://d' }, retry: 1 });
    assert.deepEqual(effectiveSubscriberDelivery(sub({}), ch, {}), { retry: 5, backoffPolicy: 'linear' });
    assert.equal(effectiveSubscriberDelivery(sub({}), readyImc('x'), {}), undefined);
  });
  it('spec.subscribers: added, replaced in place, removed', () => {
    const e = subscriberEntry(sub({}), readyImc('x'), { subscriberUri: 'http://a' });
    assert.deepEqual(e, { name: 's', uid: 'su', generation: 2, subscriberUri: 'http://a' });
    const list = [{ uid: 'a' }, { uid: 'su', subscriberUri: 'old' }, { uid: 'b' }];
    assert.deepEqual(withSubscriber(list, 'su', e), [{ uid: 'a' }, e, { uid: 'b' }]);
    assert.deepEqual(withSubscriber([{ uid: 'a' }], 'su', e), [{ uid: 'a' }, e]);
    assert.deepEqual(withSubscriber(list, 'su', undefined), [{ uid: 'a' }, { uid: 'b' }]);
  });
  it('status: ChannelReady from the channel\'s status.subscribers at the current generation', () => {
    const s = sub({ channel: channelRef });
    const resolution = { physical: { subscriberUri: 'http://a' } };
    const marked = readyImc('pipe', { status: { subscribers: [{ uid: 'su', observedGeneration: 2, ready: 'True' }] } });
    assert.equal(cond(subscriptionStatus(s, { resolution, added: true, channel: marked, now })).Ready, 'True');
    const stale = readyImc('pipe', { status: { subscribers: [{ uid: 'su', observedGeneration: 1, ready: 'True' }] } });
    assert.match(cond(subscriptionStatus(s, { resolution, added: true, channel: stale, now })).ChannelReady ?? '', /^Unknown \| SubscriptionNotMarkedReadyByChannel/);
    assert.equal(cond(subscriptionStatus(s, { channelError: 'x', now })).ReferencesResolved, 'Unknown | ChannelReferenceFailed | Failed to get Spec.Channel or backing channel: x');
    assert.equal(cond(subscriptionStatus(s, { resolution, added: 'denied', now })).AddedToChannel, 'False | PhysicalChannelSyncFailed | Failed to sync physical Channel: denied');
  });
});

describe('Sequence and Parallel resources (names and wiring as upstream)', () => {
  it('Sequence: channel i, subscription i, reply to channel i+1, the last to spec.reply', () => {
    const s: Sequence = { metadata: { name: 'seq', namespace: NS, uid: 'q' }, spec: { channelTemplate: IMC, steps: [{ uri: 'http://a', delivery: { retry: 1 } }, { uri: 'http://b' }], reply: { uri: 'http://r' } } };
    const { channels, subscriptions } = sequenceResources(s);
    assert.deepEqual(channels.map((c) => [c.kind, c.metadata.name]), [['InMemoryChannel', 'seq-kn-sequence-0'], ['InMemoryChannel', 'seq-kn-sequence-1']]);
    assert.deepEqual(subscriptions.map((x) => [x.metadata.name, x.spec]), [
      ['seq-kn-sequence-0', { channel: { ...IMC, name: 'seq-kn-sequence-0' }, subscriber: { uri: 'http://a' }, reply: { ref: { ...IMC, name: 'seq-kn-sequence-1', namespace: NS } }, delivery: { retry: 1 } }],
      ['seq-kn-sequence-1', { channel: { ...IMC, name: 'seq-kn-sequence-1' }, subscriber: { uri: 'http://b' }, reply: { uri: 'http://r' } }],
    ]);
  });
  it('Parallel: ingress channel, branch channels, filter subscriptions (the branch channel itself without a filter), branch subscriptions', () => {
    const p: Parallel = { metadata: { name: 'p', namespace: NS, uid: 'pp' }, spec: { channelTemplate: IMC, branches: [{ filter: { uri: 'http://f' }, subscriber: { uri: 'http://s0' } }, { subscriber: { uri: 'http://s1' }, reply: { uri: 'http://r1' } }], reply: { uri: 'http://r' } } };
    const r = parallelResources(p);
    assert.equal(r.ingress.metadata.name, 'p-kn-parallel');
    assert.deepEqual(r.channels.map((c) => c.metadata.name), ['p-kn-parallel-0', 'p-kn-parallel-1']);
    assert.deepEqual(r.filters.map((x) => [x.metadata.name, x.spec]), [
      ['p-kn-parallel-filter-0', { channel: { ...IMC, name: 'p-kn-parallel' }, subscriber: { uri: 'http://f' }, reply: { ref: { ...IMC, name: 'p-kn-parallel-0', namespace: NS } } }],
      ['p-kn-parallel-filter-1', { channel: { ...IMC, name: 'p-kn-parallel' }, subscriber: { ref: { ...IMC, name: 'p-kn-parallel-1', namespace: NS } } }],
    ]);
    assert.deepEqual(r.subscriptions.map((x) => [x.metadata.name, x.spec?.reply]), [['p-kn-parallel-0', { uri: 'http://r' }], ['p-kn-parallel-1', { uri: 'http://r1' }]]);
    assert.deepEqual(parallelChannelStatusOf(undefined, r.ingress).ready, { type: 'Ready', status: 'False', reason: 'NotAddressable', message: 'Channel is not addressable' });
  });
});

describe('the dispatcher table and front door', () => {
  it('a route per subscriber; replies queued for the replyUri; reply-only entries forward', () => {
    const taken: string[] = [];
    const t = buildChannelTable(
      [{ ...IMC, metadata: { name: 'c', namespace: NS }, spec: { subscribers: [{ uid: 'a', subscriberUri: 'http://a', replyUri: 'http://r', delivery: { retry: 2, deadLetterSink: { uri: 'http://d' } } }, { uid: 'b', replyUri: 'http://only-reply' }] } }],
      (k) => (taken.push(k), 202),
    );
    const e = t.get('default/c')!;
    assert.equal(e.channel, true);
    assert.deepEqual(e.routes.map((r) => [r.uid, r.subscriberUri, r.dlsUri, r.retry.retry, r.replyDest]), [['a', 'http://a', 'http://d', 2, 'http://r'], ['b', 'http://only-reply', undefined, 0, undefined]]);
    assert.equal(e.routes[0]!.reply!({ attrs: {}, data: undefined, headers: {}, size: 0 }), 202);
    assert.deepEqual(taken, [replyKey('a')]);
    assert.deepEqual(t.get(replyKey('a'))!.routes.map((r) => [r.subscriberUri, r.dlsUri]), [['http://r', 'http://d']]);
  });
  const rows: [string | undefined, string, string | undefined][] = [
    ['c-kn-channel.ns.svc.cluster.local', '/', 'ns/c'],
    ['my-ch-kn-channel.ns.svc.cluster.local:80', '/', 'ns/my-ch'],
    ['c-kn-channel.ns', '/', 'ns/c'],
    ['example.com', '/', 'host:example.com'],
    ['whatever', '/ns/c', 'ns/c'],
    ['whatever', '/ns', undefined],
    [undefined, '/', undefined],
  ];
  for (const [host, path, want] of rows) it(`${host ?? '(no host)'} ${path} → ${want}`, () => assert.equal(channelKeyOf(host, path), want));
});

describe('kn flags: --type and --channel', () => {
  it('--type', () => {
    assert.deepEqual(parseChannelType('imc'), { group: 'messaging.knative.dev', version: 'v1', kind: 'InMemoryChannel' });
    assert.deepEqual(parseChannelType('messaging.knative.dev:v1beta1:KafkaChannel'), { group: 'messaging.knative.dev', version: 'v1beta1', kind: 'KafkaChannel' });
    assert.throws(() => parseChannelType('kafka'), /unknown channel type alias: 'kafka'/);
    assert.throws(() => parseChannelType('a::c'), /incorrect value 'a::c' for '--type'/);
  });
  it('--channel', () => {
    assert.deepEqual(parseChannelRef('pipe'), { kind: 'Channel', apiVersion: 'messaging.knative.dev/v1', name: 'pipe' });
    assert.deepEqual(parseChannelRef('imc:pipe'), { kind: 'InMemoryChannel', apiVersion: 'messaging.knative.dev/v1', name: 'pipe' });
    assert.deepEqual(parseChannelRef('messaging.knative.dev:v1beta1:KafkaChannel:k1'), { kind: 'KafkaChannel', apiVersion: 'messaging.knative.dev/v1beta1', name: 'k1' });
    assert.throws(() => parseChannelRef('a:b:c'), /incorrect value 'a:b:c' for '--channel'/);
  });
});
