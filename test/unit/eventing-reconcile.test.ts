// The pure desired-state functions of the Broker and Trigger reconcilers, as tables of rows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BROKER_DEFAULTS, parseBrokerDefaults } from '../../src/api/eventing/config.ts';
import type { Lookup } from '../../src/api/eventing/destination.ts';
import type { Broker, Trigger } from '../../src/api/eventing/types.ts';
import type { KubeObject } from '../../src/api/meta.ts';
import { brokerDefaultsPatch, brokerStatus } from '../../src/controller/broker/index.ts';
import { triggerDefaultsPatch, triggerStatus } from '../../src/controller/trigger/index.ts';

const now = () => new Date('2026-01-01T00:00:00Z');
const NS = 'default';
const ksvc: KubeObject = { metadata: { name: 'sink', namespace: NS }, status: { address: { url: 'http://sink.default.svc.cluster.local' } } };
const objs: Record<string, KubeObject> = { 'Service/sink': ksvc };
const lookup: Lookup = (r) => objs[`${r.kind}/${r.name}`];
const SINK_REF = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'sink', namespace: NS };
const cond = (s: { conditions?: { type: string; status: string; reason?: string; message?: string }[] }) =>
  Object.fromEntries((s.conditions ?? []).map((c) => [c.type, [c.status, c.reason ?? '', c.message ?? ''].filter((x, i) => i === 0 || x).join(' | ')]));

const broker = (spec: Broker['spec'] = {}, extra: Partial<Broker['metadata']> = {}): Broker => ({
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Broker',
  metadata: { name: 'default', namespace: NS, generation: 1, annotations: { 'eventing.knative.dev/broker.class': 'MTChannelBasedBroker' }, ...extra },
  spec,
});

describe('Broker: defaults (in place of upstream\'s defaulting webhook)', () => {
  it('a Broker without class, config and delivery gets config-br-defaults\'s', () =>
    assert.deepEqual(brokerDefaultsPatch(broker({}, { annotations: {} }), DEFAULT_BROKER_DEFAULTS), {
      metadata: { annotations: { 'eventing.knative.dev/broker.class': 'MTChannelBasedBroker' } },
      spec: {
        config: { apiVersion: 'v1', kind: 'ConfigMap', name: 'config-br-default-channel', namespace: 'knative-eventing' },
        delivery: { retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' },
      },
    }));
  it('a defaulted Broker needs nothing', () =>
    assert.equal(brokerDefaultsPatch(broker({ config: { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'x' }, delivery: { retry: 1 } }), DEFAULT_BROKER_DEFAULTS), undefined));
  it('namespace defaults win over the cluster default', () => {
    const d = parseBrokerDefaults({ 'default-br-config': 'clusterDefault:\n  brokerClass: MTChannelBasedBroker\nnamespaceDefaults:\n  default:\n    brokerClass: Kafka\n    apiVersion: v1\n    kind: ConfigMap\n    name: kafka\n    namespace: knative-eventing\n' });
    assert.deepEqual(brokerDefaultsPatch(broker({}, { annotations: {} }), d), {
      metadata: { annotations: { 'eventing.knative.dev/broker.class': 'Kafka' } },
      spec: { config: { apiVersion: 'v1', kind: 'ConfigMap', name: 'kafka', namespace: 'knative-eventing' } },
    });
  });
});

describe('Broker: status', () => {
  const rows: { name: string; b: Broker; ingress: boolean | string; want: Record<string, string>; address?: string; dls?: string }[] = [
    {
      name: 'ingress ready, no DLS: Ready with the ingress address',
      b: broker(),
      ingress: true,
      want: {
        Ready: 'True',
        Addressable: 'True',
        DeadLetterSinkResolved: 'True | DeadLetterSinkNotConfigured | No dead letter sink is configured.',
        EventPoliciesReady: 'True | OIDCDisabled | Feature "authentication-oidc" must be enabled to support Authorization',
        FilterReady: 'True',
        IngressReady: 'True',
        TriggerChannelReady: 'True',
      },
      address: 'http://broker-ingress.knative-eventing.svc.cluster.local/default/default',
    },
    {
      name: 'no ingress endpoints: not Ready, no address',
      b: broker(),
      ingress: false,
      want: {
        Ready: 'False | EndpointSlicesUnavailable | EndpointSlices are unavailable.',
        IngressReady: 'False | EndpointSlicesUnavailable | EndpointSlices are unavailable.',
        Addressable: 'Unknown | NoAddress | Broker has no address: the broker ingress is not ready',
      },
    },
    {
      name: 'endpoints cannot be read: ServiceFailure',
      b: broker(),
      ingress: 'forbidden',
      want: { IngressReady: 'False | ServiceFailure | forbidden' },
    },
    {
      name: 'DLS a Knative Service: resolved into status.deadLetterSinkUri',
      b: broker({ delivery: { deadLetterSink: { ref: SINK_REF } } }),
      ingress: true,
      want: { Ready: 'True', DeadLetterSinkResolved: 'True' },
      dls: 'http://sink.default.svc.cluster.local',
    },
    {
      name: 'DLS a missing Knative Service: False',
      b: broker({ delivery: { deadLetterSink: { ref: { ...SINK_REF, name: 'gone' } } } }),
      ingress: true,
      want: { DeadLetterSinkResolved: 'False | Unable to get the dead letter sink\'s URI | failed to get object default/gone: services.serving.knative.dev "gone" not found' },
    },
    {
      name: 'DLS a URI',
      b: broker({ delivery: { deadLetterSink: { uri: 'http://dls.example/x' } } }),
      ingress: true,
      want: { DeadLetterSinkResolved: 'True' },
      dls: 'http://dls.example/x',
    },
  ];
  for (const r of rows)
    it(r.name, () => {
      const s = brokerStatus(r.b, { ingress: r.ingress, lookup, now });
      const got = cond(s);
      for (const [k, v] of Object.entries(r.want)) assert.equal(got[k], v, k);
      assert.equal(s.address?.url, r.address ?? (r.ingress === true ? 'http://broker-ingress.knative-eventing.svc.cluster.local/default/default' : undefined));
      if (r.address) assert.equal(s.address?.name, 'http');
      assert.equal(s.deadLetterSinkUri, r.dls);
    });
});

const readyBroker = (dls?: string): Broker => ({
  ...broker(),
  status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }], ...(dls ? { deadLetterSinkUri: dls } : {}) },
});
const trigger = (spec: Trigger['spec']): Trigger => ({ apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', metadata: { name: 't', namespace: NS, generation: 1, labels: { 'eventing.knative.dev/broker': 'default' } }, spec: { broker: 'default', filter: {}, ...spec } });

describe('Trigger: defaults', () => {
  it('label, empty filter and subscriber ref namespace', () =>
    assert.deepEqual(triggerDefaultsPatch({ metadata: { name: 't', namespace: NS }, spec: { broker: 'b', subscriber: { ref: { kind: 'Service', name: 's', apiVersion: 'v1' } } } }), {
      metadata: { labels: { 'eventing.knative.dev/broker': 'b' } },
      spec: { filter: {}, subscriber: { ref: { kind: 'Service', name: 's', apiVersion: 'v1', namespace: NS } } },
    }));
  it('a defaulted Trigger needs nothing', () => assert.equal(triggerDefaultsPatch(trigger({ subscriber: { ref: SINK_REF } })), undefined));
});

describe('Trigger: status', () => {
  const rows: { name: string; t: Trigger; b?: Broker; want: Record<string, string>; uri?: string; dls?: string }[] = [
    {
      name: 'broker Ready, Knative Service subscriber: Ready',
      t: trigger({ subscriber: { ref: SINK_REF } }),
      b: readyBroker(),
      want: { Ready: 'True', BrokerReady: 'True', SubscriberResolved: 'True', SubscriptionReady: 'True', DependencyReady: 'True', OIDCIdentityCreated: 'True | authentication-oidc feature disabled', DeadLetterSinkResolved: 'True | DeadLetterSinkNotConfigured | No dead letter sink is configured.' },
      uri: 'http://sink.default.svc.cluster.local',
    },
    {
      name: 'no Broker: BrokerDoesNotExist',
      t: trigger({ subscriber: { ref: SINK_REF } }),
      want: { Ready: 'False | BrokerDoesNotExist | Broker "default" does not exist', BrokerReady: 'False | BrokerDoesNotExist | Broker "default" does not exist' },
      uri: 'http://sink.default.svc.cluster.local',
    },
    {
      name: 'Broker not reconciled yet: Unknown',
      t: trigger({ subscriber: { ref: SINK_REF } }),
      b: broker(),
      want: { BrokerReady: 'Unknown | BrokerNotConfigured | Broker has not yet been reconciled.' },
      uri: 'http://sink.default.svc.cluster.local',
    },
    {
      name: 'Broker not Ready: its reason propagates',
      t: trigger({ subscriber: { ref: SINK_REF } }),
      b: { ...broker(), status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'False', reason: 'EndpointSlicesUnavailable', message: 'EndpointSlices are unavailable.' }] } },
      want: { BrokerReady: 'False | EndpointSlicesUnavailable | EndpointSlices are unavailable.' },
      uri: 'http://sink.default.svc.cluster.local',
    },
    {
      name: 'missing subscriber: SubscriberResolved False',
      t: trigger({ subscriber: { ref: { ...SINK_REF, name: 'nope' } } }),
      b: readyBroker(),
      want: { Ready: "False | Unable to get the Subscriber's URI | failed to get object default/nope: services.serving.knative.dev \"nope\" not found", SubscriberResolved: "False | Unable to get the Subscriber's URI | failed to get object default/nope: services.serving.knative.dev \"nope\" not found" },
    },
    {
      name: 'Kubernetes Service subscriber',
      t: trigger({ subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'plain', namespace: NS } } }),
      b: readyBroker(),
      want: { Ready: 'True' },
      uri: 'http://plain.default.svc.cluster.local',
    },
    {
      name: 'Broker as subscriber',
      t: trigger({ subscriber: { ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'other', namespace: NS } } }),
      b: readyBroker(),
      want: { Ready: 'True' },
      uri: 'http://broker-ingress.knative-eventing.svc.cluster.local/default/other',
    },
    {
      name: 'URI subscriber',
      t: trigger({ subscriber: { uri: 'http://example.com/events' } }),
      b: readyBroker(),
      want: { Ready: 'True' },
      uri: 'http://example.com/events',
    },
    {
      name: 'ref plus relative uri',
      t: trigger({ subscriber: { ref: SINK_REF, uri: '/extra/path' } }),
      b: readyBroker(),
      want: { Ready: 'True' },
      uri: 'http://sink.default.svc.cluster.local/extra/path',
    },
    {
      name: 'Trigger DLS wins over the Broker\'s',
      t: trigger({ subscriber: { ref: SINK_REF }, delivery: { deadLetterSink: { uri: 'http://t-dls.example/' } } }),
      b: readyBroker('http://b-dls.example/'),
      want: { DeadLetterSinkResolved: 'True' },
      uri: 'http://sink.default.svc.cluster.local',
      dls: 'http://t-dls.example/',
    },
    {
      name: 'no delivery of its own: the Broker\'s DLS',
      t: trigger({ subscriber: { ref: SINK_REF } }),
      b: readyBroker('http://b-dls.example/'),
      want: { DeadLetterSinkResolved: 'True' },
      uri: 'http://sink.default.svc.cluster.local',
      dls: 'http://b-dls.example/',
    },
    {
      name: 'a CESQL filter that does not parse: SubscriptionReady False',
      t: trigger({ subscriber: { ref: SINK_REF }, filters: [{ cesql: "type = 'x" }] }),
      b: readyBroker(),
      want: { SubscriptionReady: "False | InvalidFilters | invalid value: type = 'x: spec.filters[0].cesql: unterminated string at 7" },
      uri: 'http://sink.default.svc.cluster.local',
    },
  ];
  for (const r of rows)
    it(r.name, () => {
      const s = triggerStatus(r.t, { broker: r.b, lookup: (ref) => (ref.kind === 'Broker' ? { metadata: { name: ref.name, namespace: ref.namespace }, status: { address: { url: `http://broker-ingress.knative-eventing.svc.cluster.local/${ref.namespace}/${ref.name}` } } } : lookup(ref)), now });
      const got = cond(s);
      for (const [k, v] of Object.entries(r.want)) assert.equal(got[k], v, k);
      assert.equal(s.subscriberUri, r.uri);
      assert.equal(s.deadLetterSinkUri, r.dls);
    });
  it('a subscriber that appears later resolves on the next reconcile', () => {
    const t = trigger({ subscriber: { ref: { ...SINK_REF, name: 'later' } } });
    const before = triggerStatus(t, { broker: readyBroker(), lookup, now });
    assert.equal(cond(before).SubscriberResolved?.split(' | ')[0], 'False');
    objs['Service/later'] = { metadata: { name: 'later', namespace: NS }, status: { address: { url: 'http://later.default.svc.cluster.local' } } };
    const after = triggerStatus({ ...t, status: before }, { broker: readyBroker(), lookup, now });
    assert.equal(cond(after).Ready, 'True');
    assert.equal(after.subscriberUri, 'http://later.default.svc.cluster.local');
  });
});
