// autoscaling.internal.knative.dev/v1alpha1: PodAutoscaler and Metric, as upstream.
import type { KubeObject, Status } from '../meta.ts';

export interface PodAutoscaler extends KubeObject {
  spec: {
    containerConcurrency?: number;
    scaleTargetRef: { apiVersion: string; kind: string; name: string };
    reachability?: '' | 'Reachable' | 'Unreachable';
    protocolType?: 'http1' | 'h2c';
  };
  status?: Status & { serviceName?: string; metricsServiceName?: string; desiredScale?: number; actualScale?: number };
}

export interface Metric extends KubeObject {
  spec: { stableWindow: number; panicWindow: number; scrapeTarget?: string };
  status?: Status;
}
