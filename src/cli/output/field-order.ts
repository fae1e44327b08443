// The order of keys in kn's `-o json` of one object, and the fields Go always writes: upstream kn
// prints its typed Go structs, so keys come in struct-field order (`kind` before `apiVersion`,
// ObjectMeta's `name` first, a container's `name`, `image`, …, `ports`, `env`), maps (labels,
// annotations, anything untyped) come sorted, and a few zero values are never omitted
// (`creationTimestamp: null` of an embedded ObjectMeta, a container's `resources: {}`, `status: {}`).
//
// One table drives it: TYPES maps a Go type to its JSON fields in order, each written as
// `field`, `field:Type` (the value, or each element of a list, is of that type) and optionally
// `=json` (the value Go writes when the field is absent). KINDS maps a kind to its root type.
// Commands for new kinds plug in with defineTypes()/defineKinds(); a kind with no entry prints as
// `kind`, `apiVersion`, `metadata` (ObjectMeta), then everything else sorted. Pure: no imports.

interface Field {
  name: string;
  type?: string;
  zero?: string;
}

const TYPES = new Map<string, Field[]>();
const KINDS = new Map<string, string>();

function parseField(spec: string): Field {
  const m = /^([^:=]+)(?::([^=]+))?(?:=(.*))?$/.exec(spec);
  if (!m) throw new Error(`bad field spec ${spec}`);
  return { name: m[1]!, type: m[2], zero: m[3] };
}

/** Adds Go types: name → JSON fields in struct order (embedded structs spelled out in place). */
export function defineTypes(defs: Record<string, readonly string[]>): void {
  for (const [name, fields] of Object.entries(defs)) TYPES.set(name, fields.map(parseField));
}

/** Adds kinds: kind → its root Go type (defined with defineTypes). */
export function defineKinds(kinds: Record<string, string>): void {
  for (const [kind, type] of Object.entries(kinds)) KINDS.set(kind, type);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `value` as Go would marshal it were it of Go type `type` (untyped: keys sorted, as a map). */
export function goOrder(value: unknown, type?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => goOrder(v, type));
  if (!isObj(value)) return value;
  const fields = type ? TYPES.get(type) : undefined;
  const out: Record<string, unknown> = {};
  if (fields) {
    for (const f of fields) {
      const v = value[f.name];
      if (v !== undefined) out[f.name] = goOrder(v, f.type);
      else if (f.zero !== undefined) out[f.name] = goOrder(JSON.parse(f.zero) as unknown, f.type);
    }
  }
  for (const k of Object.keys(value).sort()) if (!(k in out) && value[k] !== undefined) out[k] = goOrder(value[k], undefined);
  return out;
}

/** One object of `kind` as upstream kn prints it. */
export function goObject(obj: unknown, kind: string): unknown {
  return goOrder(obj, KINDS.get(kind) ?? 'Object');
}

// ------------------------------------------------------------------------------------------------
// Kubernetes (k8s.io/api/core/v1, k8s.io/apimachinery meta/v1)

const ROOT = (spec: string, status: string) => ['kind', 'apiVersion', 'metadata:ObjectMeta', `spec:${spec}={}`, `status:${status}={}`];
const DUCK_STATUS = ['observedGeneration', 'conditions:Condition', 'annotations'];

defineTypes({
  Object: ['kind', 'apiVersion', 'metadata:ObjectMeta'],
  ObjectMeta: [
    'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp=null',
    'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences:OwnerReference', 'finalizers',
    'managedFields:ManagedFieldsEntry',
  ],
  OwnerReference: ['apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion'],
  ManagedFieldsEntry: ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1', 'subresource'],
  PodSpec: [
    'volumes:Volume', 'initContainers:Container', 'containers:Container', 'ephemeralContainers:Container', 'restartPolicy',
    'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount',
    'automountServiceAccountToken', 'nodeName', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace', 'securityContext',
    'imagePullSecrets', 'hostname', 'subdomain', 'affinity', 'schedulerName', 'tolerations:Toleration', 'hostAliases', 'priorityClassName',
    'priority', 'dnsConfig', 'readinessGates', 'runtimeClassName', 'enableServiceLinks', 'preemptionPolicy', 'overhead',
    'topologySpreadConstraints', 'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates', 'resourceClaims', 'resources:ResourceRequirements',
  ],
  Container: [
    'name=""', 'image', 'command', 'args', 'workingDir', 'ports:ContainerPort', 'envFrom:EnvFromSource', 'env:EnvVar',
    'resources:ResourceRequirements={}', 'resizePolicy', 'restartPolicy', 'volumeMounts:VolumeMount', 'volumeDevices',
    'livenessProbe:Probe', 'readinessProbe:Probe', 'startupProbe:Probe', 'lifecycle', 'terminationMessagePath',
    'terminationMessagePolicy', 'imagePullPolicy', 'securityContext:SecurityContext', 'stdin', 'stdinOnce', 'tty',
  ],
  ContainerPort: ['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'],
  EnvVar: ['name', 'value', 'valueFrom:EnvVarSource'],
  EnvVarSource: ['fieldRef', 'resourceFieldRef', 'configMapKeyRef:KeySelector', 'secretKeyRef:KeySelector'],
  KeySelector: ['name', 'key', 'optional'],
  EnvFromSource: ['prefix', 'configMapRef', 'secretRef'],
  ResourceRequirements: ['limits', 'requests', 'claims'],
  VolumeMount: ['name', 'readOnly', 'recursiveReadOnly', 'mountPath', 'subPath', 'mountPropagation', 'subPathExpr'],
  Volume: [
    'name', 'hostPath', 'emptyDir:EmptyDirVolumeSource', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret:SecretVolumeSource',
    'nfs', 'iscsi', 'glusterfs', 'persistentVolumeClaim:PVCVolumeSource', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI',
    'fc', 'azureFile', 'configMap:ConfigMapVolumeSource', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
    'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
  ],
  EmptyDirVolumeSource: ['medium', 'sizeLimit'],
  SecretVolumeSource: ['secretName', 'items:KeyToPath', 'defaultMode', 'optional'],
  ConfigMapVolumeSource: ['name', 'items:KeyToPath', 'defaultMode', 'optional'],
  KeyToPath: ['key', 'path', 'mode'],
  PVCVolumeSource: ['claimName', 'readOnly'],
  Probe: [
    'exec', 'httpGet:HTTPGetAction', 'tcpSocket:TCPSocketAction', 'grpc:GRPCAction', 'initialDelaySeconds', 'timeoutSeconds', 'periodSeconds',
    'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds',
  ],
  HTTPGetAction: ['path', 'port', 'host', 'scheme', 'httpHeaders'],
  TCPSocketAction: ['port', 'host'],
  GRPCAction: ['port', 'service'],
  Toleration: ['key', 'operator', 'value', 'effect', 'tolerationSeconds'],
  SecurityContext: [
    'capabilities', 'privileged', 'seLinuxOptions', 'windowsOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'readOnlyRootFilesystem',
    'allowPrivilegeEscalation', 'procMount', 'seccompProfile', 'appArmorProfile',
  ],
  // knative.dev/pkg apis and duck/v1
  Condition: ['type', 'status', 'severity', 'lastTransitionTime', 'reason', 'message'],
  Addressable: ['name', 'url', 'CACerts', 'audience'],
  KReference: ['kind', 'namespace', 'name', 'apiVersion', 'group', 'address'],
  Destination: ['ref:KReference', 'uri', 'CACerts', 'audience'],
});

// ------------------------------------------------------------------------------------------------
// Knative Serving (knative.dev/serving/pkg/apis/serving)

const POD_FIELDS = TYPES.get('PodSpec')!.map((f) => `${f.name}${f.type ? `:${f.type}` : ''}`);

defineTypes({
  Service: ROOT('ServiceSpec', 'ServiceStatus'),
  ServiceSpec: ['template:RevisionTemplateSpec', 'traffic:TrafficTarget'],
  ServiceStatus: [...DUCK_STATUS, 'latestReadyRevisionName', 'latestCreatedRevisionName', 'url', 'address:Addressable', 'traffic:TrafficTarget'],
  Configuration: ROOT('ConfigurationSpec', 'ConfigurationStatus'),
  ConfigurationSpec: ['template:RevisionTemplateSpec'],
  ConfigurationStatus: [...DUCK_STATUS, 'latestReadyRevisionName', 'latestCreatedRevisionName'],
  RevisionTemplateSpec: ['metadata:ObjectMeta={}', 'spec:RevisionSpec'],
  Revision: ROOT('RevisionSpec', 'RevisionStatus'),
  RevisionSpec: [...POD_FIELDS, 'containerConcurrency', 'timeoutSeconds', 'responseStartTimeoutSeconds', 'idleTimeoutSeconds'],
  RevisionStatus: [...DUCK_STATUS, 'logUrl', 'containerStatuses:ContainerStatus', 'initContainerStatuses:ContainerStatus', 'actualReplicas', 'desiredReplicas'],
  ContainerStatus: ['name', 'imageDigest'],
  Route: ROOT('RouteSpec', 'RouteStatus'),
  RouteSpec: ['traffic:TrafficTarget'],
  RouteStatus: [...DUCK_STATUS, 'url', 'address:Addressable', 'traffic:TrafficTarget'],
  TrafficTarget: ['tag', 'revisionName', 'configurationName', 'latestRevision', 'percent', 'url'],
  DomainMapping: ROOT('DomainMappingSpec', 'DomainMappingStatus'),
  DomainMappingSpec: ['ref:KReference', 'tls'],
  DomainMappingStatus: [...DUCK_STATUS, 'url', 'address:Addressable'],
  // kn's own types (knative.dev/client/pkg/apis/client/v1alpha1) and v1 List
  Export: ['kind', 'apiVersion', 'metadata:ObjectMeta', 'spec:ExportSpec'],
  ExportSpec: ['service:Service', 'revisions:Revision'],
  ServiceList: ['kind', 'apiVersion', 'metadata', 'items:Service'],
});

// ------------------------------------------------------------------------------------------------
// Knative Eventing (knative.dev/eventing/pkg/apis)

const DELIVERY_STATUS = ['deadLetterSinkUri', 'deadLetterSinkCACerts', 'deadLetterSinkAudience'];
const SOURCE_STATUS = [...DUCK_STATUS, 'sinkUri', 'sinkCACerts', 'sinkAudience', 'ceAttributes', 'auth'];

defineTypes({
  Broker: ROOT('BrokerSpec', 'BrokerStatus'),
  BrokerSpec: ['config:KReference', 'delivery:DeliverySpec'],
  BrokerStatus: [...DUCK_STATUS, 'address:Addressable', 'addresses:Addressable', ...DELIVERY_STATUS, 'policies'],
  DeliverySpec: ['deadLetterSink:Destination', 'retry', 'timeout', 'backoffPolicy', 'backoffDelay', 'retryAfterMax', 'format'],
  Trigger: ROOT('TriggerSpec', 'TriggerStatus'),
  TriggerSpec: ['broker', 'brokerRef:KReference', 'filter', 'filters', 'subscriber:Destination={}', 'delivery:DeliverySpec'],
  TriggerStatus: [...DUCK_STATUS, 'subscriberUri', 'subscriberCACerts', 'subscriberAudience', ...DELIVERY_STATUS, 'auth', 'policies'],
  EventType: ROOT('EventTypeSpec', 'EventTypeStatus'),
  // v1beta2, the version kn-ts serves (v1beta3 has reference, description, attributes).
  EventTypeSpec: ['type', 'source', 'schema', 'schemaData', 'broker', 'reference:KReference', 'description'],
  EventTypeStatus: [...DUCK_STATUS],
  Channel: ROOT('ChannelSpec', 'ChannelStatus'),
  ChannelSpec: ['channelTemplate', 'subscribers:SubscriberSpec', 'delivery:DeliverySpec'],
  ChannelStatus: [...DUCK_STATUS, 'address:Addressable', 'addresses:Addressable', 'subscribers', ...DELIVERY_STATUS, 'policies', 'channel:KReference'],
  SubscriberSpec: ['uid', 'generation', 'subscriberUri', 'subscriberCACerts', 'subscriberAudience', 'replyUri', 'replyCACerts', 'replyAudience', 'delivery:DeliverySpec', 'name', 'auth'],
  Subscription: ROOT('SubscriptionSpec', 'SubscriptionStatus'),
  SubscriptionSpec: ['channel:KReference', 'subscriber:Destination', 'reply:Destination', 'delivery:DeliverySpec'],
  SubscriptionStatus: [...DUCK_STATUS, 'physicalSubscription', 'auth'],
  PingSource: ROOT('PingSourceSpec', 'SourceStatus'),
  PingSourceSpec: ['sink:Destination', 'ceOverrides', 'schedule', 'timezone', 'contentType', 'data', 'dataBase64'],
  ApiServerSource: ROOT('ApiServerSourceSpec', 'SourceStatus'),
  ApiServerSourceSpec: ['sink:Destination', 'ceOverrides', 'resources', 'owner', 'mode', 'serviceAccountName', 'namespaceSelector', 'filters'],
  ContainerSource: ROOT('ContainerSourceSpec', 'SourceStatus'),
  ContainerSourceSpec: ['sink:Destination', 'ceOverrides', 'template'],
  SinkBinding: ROOT('SinkBindingSpec', 'SourceStatus'),
  SinkBindingSpec: ['sink:Destination', 'ceOverrides', 'subject'],
  SourceStatus: SOURCE_STATUS,
});

defineKinds({
  Service: 'Service',
  Configuration: 'Configuration',
  Revision: 'Revision',
  Route: 'Route',
  Export: 'Export',
  DomainMapping: 'DomainMapping',
  Broker: 'Broker',
  Trigger: 'Trigger',
  EventType: 'EventType',
  Channel: 'Channel',
  InMemoryChannel: 'Channel',
  Subscription: 'Subscription',
  PingSource: 'PingSource',
  ApiServerSource: 'ApiServerSource',
  ContainerSource: 'ContainerSource',
  SinkBinding: 'SinkBinding',
});
