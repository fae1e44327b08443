// Every resource kn-ts reads or writes, addressed by group, version, kind and plural.
import type { ResourceType } from './meta.ts';

const t = (group: string, version: string, kind: string, plural: string, namespaced = true): ResourceType => ({
  group,
  version,
  kind,
  plural,
  namespaced,
});

export const SERVING_GROUP = 'serving.knative.dev';
export const NETWORKING_INTERNAL_GROUP = 'networking.internal.knative.dev';
export const AUTOSCALING_INTERNAL_GROUP = 'autoscaling.internal.knative.dev';
export const EVENTING_GROUP = 'eventing.knative.dev';
export const SOURCES_GROUP = 'sources.knative.dev';
export const MESSAGING_GROUP = 'messaging.knative.dev';
export const FLOWS_GROUP = 'flows.knative.dev';

export const R = {
  // Knative Serving
  Service: t(SERVING_GROUP, 'v1', 'Service', 'services'),
  Configuration: t(SERVING_GROUP, 'v1', 'Configuration', 'configurations'),
  Revision: t(SERVING_GROUP, 'v1', 'Revision', 'revisions'),
  Route: t(SERVING_GROUP, 'v1', 'Route', 'routes'),
  DomainMapping: t(SERVING_GROUP, 'v1beta1', 'DomainMapping', 'domainmappings'),
  ClusterDomainClaim: t(NETWORKING_INTERNAL_GROUP, 'v1alpha1', 'ClusterDomainClaim', 'clusterdomainclaims', false),
  Ingress: t(NETWORKING_INTERNAL_GROUP, 'v1alpha1', 'Ingress', 'ingresses'),
  ServerlessService: t(NETWORKING_INTERNAL_GROUP, 'v1alpha1', 'ServerlessService', 'serverlessservices'),
  Certificate: t(NETWORKING_INTERNAL_GROUP, 'v1alpha1', 'Certificate', 'certificates'),
  PodAutoscaler: t(AUTOSCALING_INTERNAL_GROUP, 'v1alpha1', 'PodAutoscaler', 'podautoscalers'),
  Metric: t(AUTOSCALING_INTERNAL_GROUP, 'v1alpha1', 'Metric', 'metrics'),
  // Knative Eventing
  Broker: t(EVENTING_GROUP, 'v1', 'Broker', 'brokers'),
  Trigger: t(EVENTING_GROUP, 'v1', 'Trigger', 'triggers'),
  EventType: t(EVENTING_GROUP, 'v1beta2', 'EventType', 'eventtypes'),
  PingSource: t(SOURCES_GROUP, 'v1', 'PingSource', 'pingsources'),
  ApiServerSource: t(SOURCES_GROUP, 'v1', 'ApiServerSource', 'apiserversources'),
  ContainerSource: t(SOURCES_GROUP, 'v1', 'ContainerSource', 'containersources'),
  SinkBinding: t(SOURCES_GROUP, 'v1', 'SinkBinding', 'sinkbindings'),
  Channel: t(MESSAGING_GROUP, 'v1', 'Channel', 'channels'),
  InMemoryChannel: t(MESSAGING_GROUP, 'v1', 'InMemoryChannel', 'inmemorychannels'),
  Subscription: t(MESSAGING_GROUP, 'v1', 'Subscription', 'subscriptions'),
  Sequence: t(FLOWS_GROUP, 'v1', 'Sequence', 'sequences'),
  Parallel: t(FLOWS_GROUP, 'v1', 'Parallel', 'parallels'),
  // Kubernetes
  Namespace: t('', 'v1', 'Namespace', 'namespaces', false),
  ConfigMap: t('', 'v1', 'ConfigMap', 'configmaps'),
  Secret: t('', 'v1', 'Secret', 'secrets'),
  KService: t('', 'v1', 'Service', 'services'),
  Pod: t('', 'v1', 'Pod', 'pods'),
  Node: t('', 'v1', 'Node', 'nodes', false),
  Event: t('', 'v1', 'Event', 'events'),
  ServiceAccount: t('', 'v1', 'ServiceAccount', 'serviceaccounts'),
  Endpoints: t('', 'v1', 'Endpoints', 'endpoints'),
  EndpointSlice: t('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices'),
  Deployment: t('apps', 'v1', 'Deployment', 'deployments'),
  ReplicaSet: t('apps', 'v1', 'ReplicaSet', 'replicasets'),
  StatefulSet: t('apps', 'v1', 'StatefulSet', 'statefulsets'),
  DaemonSet: t('apps', 'v1', 'DaemonSet', 'daemonsets'),
  Job: t('batch', 'v1', 'Job', 'jobs'),
  SubjectAccessReview: t('authorization.k8s.io', 'v1', 'SubjectAccessReview', 'subjectaccessreviews', false),
  Lease: t('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  CustomResourceDefinition: t('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false),
  ClusterRole: t('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  ClusterRoleBinding: t('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  Role: t('rbac.authorization.k8s.io', 'v1', 'Role', 'roles'),
  RoleBinding: t('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings'),
  PodDisruptionBudget: t('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
  MutatingWebhookConfiguration: t('admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false),
  ValidatingWebhookConfiguration: t('admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false),
  HorizontalPodAutoscaler: t('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers'),
} as const satisfies Record<string, ResourceType>;

export type ResourceName = keyof typeof R;

/** Finds the resource type of an object from its apiVersion and kind. */
export function resourceOf(apiVersion: string, kind: string): ResourceType | undefined {
  for (const r of Object.values(R)) {
    const av = r.group ? `${r.group}/${r.version}` : r.version;
    if (av === apiVersion && r.kind === kind) return r;
  }
  return undefined;
}
