// networking.internal.knative.dev/v1alpha1: the KIngress (the only Serving object the gateway
// reads), ServerlessService and ClusterDomainClaim, field for field as upstream.
import type { KubeObject, Status } from '../meta.ts';

export type IngressVisibility = 'ExternalIP' | 'ClusterLocal';

export interface IngressBackendSplit {
  serviceNamespace: string;
  serviceName: string;
  servicePort: number | string;
  percent?: number;
  appendHeaders?: Record<string, string>;
}

export interface HTTPIngressPath {
  path?: string;
  rewriteHost?: string;
  headers?: Record<string, { exact?: string }>;
  appendHeaders?: Record<string, string>;
  splits: IngressBackendSplit[];
}

export interface IngressRule {
  hosts?: string[];
  visibility?: IngressVisibility;
  http?: { paths: HTTPIngressPath[] };
}

export interface IngressTLS {
  hosts?: string[];
  secretName?: string;
  secretNamespace?: string;
}

export interface LoadBalancerIngressStatus {
  ip?: string;
  domain?: string;
  domainInternal?: string;
  meshOnly?: boolean;
}

export interface IngressSpec {
  httpOption?: 'Enabled' | 'Redirected';
  tls?: IngressTLS[];
  rules?: IngressRule[];
}

export interface IngressStatus extends Status {
  publicLoadBalancer?: { ingress?: LoadBalancerIngressStatus[] };
  privateLoadBalancer?: { ingress?: LoadBalancerIngressStatus[] };
}

export interface Ingress extends KubeObject {
  spec: IngressSpec;
  status?: IngressStatus;
}

/**
 * kn-ts extensions on the revision's Kubernetes Service (its EndpointSlices carry them): the
 * revision's timeoutSeconds, responseStartTimeoutSeconds and idleTimeoutSeconds, applied by the
 * gateway as queue-proxy applies them upstream (ADR 0005: no queue-proxy).
 */
export const REVISION_TIMEOUT_LABEL = 'networking.kn-ts.dev/timeout-seconds';
export const RESPONSE_START_TIMEOUT_LABEL = 'networking.kn-ts.dev/response-start-timeout-seconds';
export const IDLE_TIMEOUT_LABEL = 'networking.kn-ts.dev/idle-timeout-seconds';

/** The ingress class kn-ts's gateway serves (Kourier's, so Knative's defaults pick it). */
export const KOURIER_INGRESS_CLASS = 'kourier.ingress.networking.knative.dev';

export interface ServerlessService extends KubeObject {
  spec: {
    mode: 'Serve' | 'Proxy';
    objectRef: { apiVersion?: string; kind?: string; name?: string };
    protocolType: 'http1' | 'h2c';
    numActivators?: number;
  };
  status?: Status & { serviceName?: string; privateServiceName?: string };
}

export interface ClusterDomainClaim extends KubeObject {
  spec: { namespace: string };
}
