// Kubernetes object metadata and the Knative duck types every kind shares. Pure: no I/O.

/** kubectl apply's record of the last applied object; never copied to children nor exported. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
}

/** Any object the API server stores. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  // Unknown fields are kept as-is: Knative objects carry fields we never read.
  [key: string]: unknown;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** knative.dev/pkg apis.Condition */
export interface Condition {
  type: string;
  status: ConditionStatus;
  severity?: '' | 'Warning' | 'Info';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** duckv1.Status */
export interface Status {
  observedGeneration?: number;
  conditions?: Condition[];
  annotations?: Record<string, string>;
}

/** duckv1.Addressable */
export interface Addressable {
  url?: string;
  name?: string;
  CACerts?: string;
  audience?: string;
}

/** Group, version and kind plus the REST plural: enough to address any resource. */
export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function namespacedName(o: { metadata: ObjectMeta }): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name ?? '');
}

/** The ownerReference a controller puts on a child it created. */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function isControlledBy(child: KubeObject, owner: KubeObject): boolean {
  return (child.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === owner.metadata.uid);
}

export function getCondition(status: Status | undefined, type: string): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** Knative's IsReady: generation observed and Ready=True. */
export function isReady(o: { metadata: ObjectMeta; status?: Status }): boolean {
  const s = o.status;
  return (
    s?.observedGeneration !== undefined &&
    s.observedGeneration === o.metadata.generation &&
    getCondition(s, 'Ready')?.status === 'True'
  );
}

/** Knative's IsFailed: generation observed and Ready=False. */
export function isFailed(o: { metadata: ObjectMeta; status?: Status }): boolean {
  const s = o.status;
  return (
    s?.observedGeneration !== undefined &&
    s.observedGeneration === o.metadata.generation &&
    getCondition(s, 'Ready')?.status === 'False'
  );
}
