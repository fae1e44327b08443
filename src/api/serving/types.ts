// Knative Serving v1 objects, field for field as upstream (serving.knative.dev). Pure types.
import type { V1Container, V1PodSpec, V1Volume } from '@kubernetes/client-node';
import type { Addressable, KubeObject, ObjectMeta, Status } from '../meta.ts';

export interface TrafficTarget {
  tag?: string;
  revisionName?: string;
  configurationName?: string;
  latestRevision?: boolean;
  percent?: number;
  url?: string;
}

/** corev1.PodSpec (masked as upstream) plus Knative's own fields. */
export interface RevisionSpec extends Omit<V1PodSpec, 'containers'> {
  containers: V1Container[];
  volumes?: V1Volume[];
  containerConcurrency?: number;
  timeoutSeconds?: number;
  responseStartTimeoutSeconds?: number;
  idleTimeoutSeconds?: number;
}

export interface RevisionTemplateSpec {
  metadata?: ObjectMeta;
  spec: RevisionSpec;
}

export interface ConfigurationSpec {
  template: RevisionTemplateSpec;
}

export interface RouteSpec {
  traffic?: TrafficTarget[];
}

export interface ConfigurationStatusFields {
  latestReadyRevisionName?: string;
  latestCreatedRevisionName?: string;
}

export interface RouteStatusFields {
  url?: string;
  address?: Addressable;
  traffic?: TrafficTarget[];
}

export interface ServiceSpec extends ConfigurationSpec, RouteSpec {}
export interface ServiceStatus extends Status, ConfigurationStatusFields, RouteStatusFields {}

export interface Service extends KubeObject {
  spec: ServiceSpec;
  status?: ServiceStatus;
}

export interface Configuration extends KubeObject {
  spec: ConfigurationSpec;
  status?: Status & ConfigurationStatusFields;
}

export interface ContainerStatus {
  name?: string;
  imageDigest?: string;
}

export interface RevisionStatus extends Status {
  logUrl?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  actualReplicas?: number;
  desiredReplicas?: number;
}

export interface Revision extends KubeObject {
  spec: RevisionSpec;
  status?: RevisionStatus;
}

export interface Route extends KubeObject {
  spec: RouteSpec;
  status?: Status & RouteStatusFields;
}

export interface KReference {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface DomainMapping extends KubeObject {
  spec: { ref: KReference; tls?: { secretName: string } };
  status?: Status & { url?: string; address?: Addressable };
}
