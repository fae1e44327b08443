// Knative Eventing sources.knative.dev/v1 types as upstream (pkg/apis/sources/v1, the duck
// SourceSpec/SourceStatus of knative.dev/pkg) and the names users see: event types, condition sets,
// the CRD labels that make `kn source list` find them. Pure.
import type { KubeObject, Status } from '../meta.ts';
import type { Destination } from '../eventing/types.ts';

/** duckv1.CloudEventOverrides */
export interface CloudEventOverrides {
  extensions?: Record<string, string>;
}

/** duckv1.SourceSpec */
export interface SourceSpec {
  sink?: Destination;
  ceOverrides?: CloudEventOverrides;
}

/** duckv1.SourceStatus */
export interface SourceStatus extends Status {
  sinkUri?: string;
  sinkCACerts?: string;
  sinkAudience?: string;
  ceAttributes?: { type: string; source: string }[];
  auth?: { serviceAccountName?: string; serviceAccountNames?: string[] };
}

export interface PingSourceSpec extends SourceSpec {
  schedule?: string;
  timezone?: string;
  contentType?: string;
  data?: string;
  dataBase64?: string;
}

export interface PingSource extends KubeObject {
  spec?: PingSourceSpec;
  status?: SourceStatus;
}

/** metav1.LabelSelector */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface APIVersionKindSelector {
  apiVersion: string;
  kind: string;
  selector?: LabelSelector;
}

export type ApiServerMode = 'Reference' | 'Resource';

export interface ApiServerSourceSpec extends SourceSpec {
  resources?: APIVersionKindSelector[];
  owner?: { apiVersion?: string; kind?: string };
  mode?: ApiServerMode;
  serviceAccountName?: string;
  namespaceSelector?: LabelSelector;
  filters?: unknown[];
}

export interface ApiServerSource extends KubeObject {
  spec?: ApiServerSourceSpec;
  status?: SourceStatus & { namespaces?: string[] };
}

/** corev1.PodTemplateSpec, as much of it as kn-ts reads. */
export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; name?: string };
  spec?: PodSpecLike;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface ContainerLike {
  name?: string;
  image?: string;
  env?: EnvVar[];
  [k: string]: unknown;
}

export interface PodSpecLike {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  serviceAccountName?: string;
  [k: string]: unknown;
}

export interface ContainerSourceSpec extends SourceSpec {
  template?: PodTemplate;
}

export interface ContainerSource extends KubeObject {
  spec?: ContainerSourceSpec;
  status?: SourceStatus;
}

/** tracker.Reference */
export interface SubjectReference {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
  selector?: LabelSelector;
}

export interface SinkBindingSpec extends SourceSpec {
  subject?: SubjectReference;
}

export interface SinkBinding extends KubeObject {
  spec?: SinkBindingSpec;
  status?: SourceStatus;
}

export const PING_EVENT_TYPE = 'dev.knative.sources.ping';
/** ApiServerSource event types (pkg/apis/sources/constants.go). */
export const APISERVER_TYPES = {
  Reference: { add: 'dev.knative.apiserver.ref.add', update: 'dev.knative.apiserver.ref.update', delete: 'dev.knative.apiserver.ref.delete' },
  Resource: { add: 'dev.knative.apiserver.resource.add', update: 'dev.knative.apiserver.resource.update', delete: 'dev.knative.apiserver.resource.delete' },
} as const;

/** Conditions (ping_lifecycle.go, apiserver_lifecycle.go, container_lifecycle.go, sinkbinding_lifecycle.go). */
export const PING_CONDITIONS = ['SinkProvided', 'Deployed', 'OIDCIdentityCreated'] as const;
export const APISERVER_CONDITIONS = ['SinkProvided', 'Deployed', 'SufficientPermissions', 'OIDCIdentityCreated'] as const;
export const CONTAINER_CONDITIONS = ['SinkBindingReady', 'ReceiveAdapterReady'] as const;
export const SINKBINDING_CONDITIONS = ['SinkBindingAvailable', 'SinkProvided', 'OIDCIdentityCreated', 'OIDCTokenSecretCreated', 'TrustBundlePropagated'] as const;

/** The environment a SinkBinding injects (pkg/apis/sources/v1/sinkbinding_lifecycle.go). */
export const K_SINK = 'K_SINK';
export const K_CE_OVERRIDES = 'K_CE_OVERRIDES';
export const K_CA_CERTS = 'K_CA_CERTS';

/** The annotation that skips ApiServerSource's permission check (and runs the adapter fail-fast). */
export const SKIP_PERMISSIONS_ANNOTATION = 'features.knative.dev/apiserversource-skip-permissions-check';
/** Labels upstream's controller puts on source adapters (pkg/reconciler/.../resources/labels.go). */
export const SOURCE_CONTROLLER_LABEL = 'eventing.knative.dev/sourceName';
export const SINKBINDING_FINALIZER = 'sinkbindings.sources.knative.dev';

/** /apis/v1/namespaces/<ns>/pingsources/<name> (ping_lifecycle.go PingSourceSource). */
export const pingSourceSource = (namespace: string, name: string): string => `/apis/v1/namespaces/${namespace}/pingsources/${name}`;

/** The four built-in kinds in kn's order, with list-types' descriptions. */
export const BUILTIN_SOURCES = [
  { kind: 'ApiServerSource', plural: 'apiserversources', description: 'Watch and send Kubernetes API events to addressable' },
  { kind: 'SinkBinding', plural: 'sinkbindings', description: 'Binding for connecting a PodSpecable to addressable' },
  { kind: 'PingSource', plural: 'pingsources', description: 'Send periodically ping events to addressable' },
  { kind: 'ContainerSource', plural: 'containersources', description: 'Generate events by Container image and send to addressable' },
] as const;
