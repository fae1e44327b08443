// Knative Eventing v1 types as upstream (knative.dev/eventing pkg/apis/eventing/v1, duck/v1) and
// the names users see: the broker class annotation, the ingress address, the labels. Pure.
import type { Addressable, KubeObject, Status } from '../meta.ts';

/** duckv1.KReference */
export interface KReference {
  kind: string;
  name: string;
  namespace?: string;
  apiVersion?: string;
  group?: string;
  address?: string;
}

/** duckv1.Destination */
export interface Destination {
  ref?: KReference;
  uri?: string;
  CACerts?: string;
  audience?: string;
}

export type BackoffPolicy = 'linear' | 'exponential';

/** eventingduckv1.DeliverySpec */
export interface DeliverySpec {
  deadLetterSink?: Destination;
  retry?: number;
  backoffPolicy?: BackoffPolicy;
  backoffDelay?: string;
  timeout?: string;
  retryAfterMax?: string;
  format?: 'json' | 'binary';
}

export interface DeliveryStatus {
  deadLetterSinkUri?: string;
  deadLetterSinkCACerts?: string;
  deadLetterSinkAudience?: string;
}

export interface BrokerSpec {
  config?: KReference;
  delivery?: DeliverySpec;
}

export interface BrokerStatus extends Status, DeliveryStatus {
  address?: Addressable;
  addresses?: Addressable[];
  policies?: { apiVersion: string; name: string }[];
}

export interface Broker extends KubeObject {
  spec?: BrokerSpec;
  status?: BrokerStatus;
}

/** One element of trigger.spec.filters (the CloudEvents Subscriptions API dialects). */
export interface SubscriptionsAPIFilter {
  all?: SubscriptionsAPIFilter[];
  any?: SubscriptionsAPIFilter[];
  not?: SubscriptionsAPIFilter;
  exact?: Record<string, string>;
  prefix?: Record<string, string>;
  suffix?: Record<string, string>;
  cesql?: string;
}

export interface TriggerSpec {
  broker?: string;
  brokerRef?: KReference;
  filter?: { attributes?: Record<string, string> };
  filters?: SubscriptionsAPIFilter[];
  subscriber?: Destination;
  delivery?: DeliverySpec;
}

export interface TriggerStatus extends Status, DeliveryStatus {
  subscriberUri?: string;
  subscriberCACerts?: string;
  subscriberAudience?: string;
  auth?: { serviceAccountName?: string };
}

export interface Trigger extends KubeObject {
  spec?: TriggerSpec;
  status?: TriggerStatus;
}

export interface EventTypeSpec {
  type?: string;
  source?: string;
  schema?: string;
  schemaData?: string;
  broker?: string;
  reference?: KReference;
  description?: string;
}

export interface EventType extends KubeObject {
  spec?: EventTypeSpec;
  status?: Status;
}

/** The broker class annotation and its default (config-br-defaults clusterDefault.brokerClass). */
export const BROKER_CLASS_ANNOTATION = 'eventing.knative.dev/broker.class';
export const MT_BROKER_CLASS = 'MTChannelBasedBroker';
/** The label upstream's trigger defaulting adds: the trigger's broker. */
export const BROKER_LABEL = 'eventing.knative.dev/broker';
export const TRIGGER_LABEL = 'eventing.knative.dev/trigger';
export const EVENTING_NAMESPACE = 'knative-eventing';
export const BROKER_INGRESS_SERVICE = 'broker-ingress';
export const CLUSTER_DOMAIN = 'cluster.local';

/** http://broker-ingress.knative-eventing.svc.cluster.local/<namespace>/<name> */
export function brokerAddress(namespace: string, name: string): string {
  return `http://${BROKER_INGRESS_SERVICE}.${EVENTING_NAMESPACE}.svc.${CLUSTER_DOMAIN}/${namespace}/${name}`;
}

/** The class of a Broker: its annotation, or the cluster default. */
export function brokerClass(b: Broker, defaultClass = MT_BROKER_CLASS): string {
  return b.metadata.annotations?.[BROKER_CLASS_ANNOTATION] || defaultClass;
}

/** The broker a Trigger names (spec.broker, or spec.brokerRef.name). */
export function triggerBroker(t: Trigger): { name: string; namespace: string } {
  return { name: t.spec?.broker ?? t.spec?.brokerRef?.name ?? '', namespace: t.spec?.brokerRef?.namespace ?? t.metadata.namespace ?? '' };
}

/** Conditions of a Broker (broker_lifecycle.go) and of a Trigger (trigger_lifecycle.go). */
// In upstream's order: Ready reports the first dependent that is not True.
export const BROKER_CONDITIONS = ['IngressReady', 'TriggerChannelReady', 'FilterReady', 'Addressable', 'DeadLetterSinkResolved', 'EventPoliciesReady'] as const;
export const TRIGGER_CONDITIONS = ['BrokerReady', 'SubscriptionReady', 'DependencyReady', 'SubscriberResolved', 'DeadLetterSinkResolved', 'OIDCIdentityCreated'] as const;
export const EVENTTYPE_CONDITIONS = ['ReferenceExists'] as const;
