// Knative messaging.knative.dev/v1 (Channel, InMemoryChannel, Subscription) and flows.knative.dev/v1
// (Sequence, Parallel) as upstream (knative.dev/eventing pkg/apis/messaging/v1, flows/v1, duck/v1
// channelable and subscribable), with the names upstream gives the objects it derives. Pure.
import type { Addressable, Condition, KubeObject, Status } from '../meta.ts';
import { CLUSTER_DOMAIN, type DeliverySpec, type DeliveryStatus, type Destination, EVENTING_NAMESPACE, type KReference } from '../eventing/types.ts';

/** messagingv1.ChannelTemplateSpec */
export interface ChannelTemplateSpec {
  apiVersion?: string;
  kind?: string;
  spec?: Record<string, unknown>;
}

/** eventingduckv1.SubscriberSpec: one entry of a channel's spec.subscribers. */
export interface SubscriberSpec {
  name?: string;
  uid?: string;
  generation?: number;
  subscriberUri?: string;
  subscriberCACerts?: string;
  subscriberAudience?: string;
  replyUri?: string;
  replyCACerts?: string;
  replyAudience?: string;
  delivery?: DeliverySpec;
}

/** eventingduckv1.SubscriberStatus */
export interface SubscriberStatus {
  uid?: string;
  observedGeneration?: number;
  ready?: 'True' | 'False' | 'Unknown';
  message?: string;
}

export interface ChannelableSpec {
  subscribers?: SubscriberSpec[];
  delivery?: DeliverySpec;
}

export interface ChannelableStatus extends Status, DeliveryStatus {
  address?: Addressable;
  addresses?: Addressable[];
  subscribers?: SubscriberStatus[];
}

export interface InMemoryChannel extends KubeObject {
  spec?: ChannelableSpec;
  status?: ChannelableStatus;
}

export interface Channel extends KubeObject {
  spec?: ChannelableSpec & { channelTemplate?: ChannelTemplateSpec };
  status?: ChannelableStatus & { channel?: KReference };
}

export interface SubscriptionSpec {
  channel?: KReference;
  subscriber?: Destination;
  reply?: Destination;
  delivery?: DeliverySpec;
}

export interface PhysicalSubscription extends DeliveryStatus {
  subscriberUri?: string;
  subscriberCACerts?: string;
  subscriberAudience?: string;
  replyUri?: string;
  replyCACerts?: string;
  replyAudience?: string;
}

export interface Subscription extends KubeObject {
  spec?: SubscriptionSpec;
  status?: Status & { physicalSubscription?: PhysicalSubscription };
}

/** corev1.ObjectReference as the flows statuses carry it. */
export interface ObjectRef {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface FlowChannelStatus {
  channel: ObjectRef;
  ready: Condition;
}
export interface FlowSubscriptionStatus {
  subscription: ObjectRef;
  ready: Condition;
}

export interface SequenceStep extends Destination {
  delivery?: DeliverySpec;
}

export interface Sequence extends KubeObject {
  spec?: { steps?: SequenceStep[]; channelTemplate?: ChannelTemplateSpec; reply?: Destination };
  status?: Status & { subscriptionStatuses?: FlowSubscriptionStatus[]; channelStatuses?: FlowChannelStatus[]; address?: Addressable };
}

export interface ParallelBranch {
  filter?: Destination;
  subscriber?: Destination;
  reply?: Destination;
  delivery?: DeliverySpec;
}

export interface ParallelBranchStatus {
  filterSubscriptionStatus: FlowSubscriptionStatus;
  filterChannelStatus: FlowChannelStatus;
  subscriberSubscriptionStatus: FlowSubscriptionStatus;
}

export interface Parallel extends KubeObject {
  spec?: { branches?: ParallelBranch[]; channelTemplate?: ChannelTemplateSpec; reply?: Destination };
  status?: Status & { ingressChannelStatus?: FlowChannelStatus; branchStatuses?: ParallelBranchStatus[]; address?: Addressable };
}

export const MESSAGING_V1 = 'messaging.knative.dev/v1';
export const FLOWS_V1 = 'flows.knative.dev/v1';
export const IMC_KIND = 'InMemoryChannel';

/** Conditions (channel_lifecycle.go, in_memory_channel_lifecycle.go, subscription_lifecycle.go, sequence/parallel_lifecycle.go). */
export const CHANNEL_CONDITIONS = ['BackingChannelReady', 'Addressable', 'DeadLetterSinkResolved', 'EventPoliciesReady'] as const;
export const IMC_CONDITIONS = ['ServiceReady', 'EndpointsReady', 'Addressable', 'ChannelServiceReady', 'DeadLetterSinkResolved', 'EventPoliciesReady'] as const;
export const SUBSCRIPTION_CONDITIONS = ['ReferencesResolved', 'AddedToChannel', 'ChannelReady', 'OIDCIdentityCreated'] as const;
export const FLOW_CONDITIONS = ['ChannelsReady', 'SubscriptionsReady', 'Addressable', 'EventPoliciesReady'] as const;

/** The finalizer upstream's Subscription reconciler keeps (it removes the subscriber from the channel). */
export const SUBSCRIPTION_FINALIZER = 'subscriptions.messaging.knative.dev';

/** The dispatcher Service every InMemoryChannel's Service points at (upstream's name). */
export const IMC_DISPATCHER_SERVICE = 'imc-dispatcher';
/** Labels upstream puts on the per-channel Service. */
export const CHANNEL_SERVICE_LABELS = { 'messaging.knative.dev/role': 'in-memory-channel' };

/** `<name>-kn-channel`: the Service of an InMemoryChannel. */
export const channelServiceName = (name: string): string => `${name}-kn-channel`;
/** `<name>-kn-channel.<ns>.svc.cluster.local` */
export const channelHost = (namespace: string, name: string): string => `${channelServiceName(name)}.${namespace}.svc.${CLUSTER_DOMAIN}`;
export const channelAddress = (namespace: string, name: string): string => `http://${channelHost(namespace, name)}`;
export const dispatcherHost = (): string => `${IMC_DISPATCHER_SERVICE}.${EVENTING_NAMESPACE}.svc.${CLUSTER_DOMAIN}`;

/**
 * The channel a request is for: the Host `<name>-kn-channel.<ns>.svc[.cluster.local][:port]` (path
 * "/"), or a path `/<ns>/<name>` (upstream's multichannelfanout front door). undefined: 400.
 */
export function channelKeyOf(host: string | undefined, path: string): string | undefined {
  const p = path.split('?')[0] ?? '/';
  if (p === '/' || p === '') {
    const h = (host ?? '').replace(/:\d+$/, '');
    const m = /^(.+)-kn-channel\.([^.]+)(\.svc(\.[^:]*)?)?$/.exec(h);
    return m ? `${m[2]}/${m[1]}` : h ? `host:${h}` : undefined;
  }
  const parts = p.replace(/\/$/, '').split('/');
  return parts.length === 3 && parts[1] && parts[2] ? `${parts[1]}/${parts[2]}` : undefined;
}

export const sequenceChannelName = (seq: string, i: number): string => `${seq}-kn-sequence-${i}`;
export const sequenceSubscriptionName = (seq: string, i: number): string => `${seq}-kn-sequence-${i}`;
export const parallelChannelName = (p: string): string => `${p}-kn-parallel`;
export const parallelBranchChannelName = (p: string, i: number): string => `${p}-kn-parallel-${i}`;
export const parallelFilterSubscriptionName = (p: string, i: number): string => `${p}-kn-parallel-filter-${i}`;
export const parallelSubscriptionName = (p: string, i: number): string => `${p}-kn-parallel-${i}`;
