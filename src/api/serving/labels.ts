// Label and annotation keys of Knative Serving, exactly as upstream spells them.

export const L = {
  service: 'serving.knative.dev/service',
  serviceUID: 'serving.knative.dev/serviceUID',
  configuration: 'serving.knative.dev/configuration',
  configurationUID: 'serving.knative.dev/configurationUID',
  configurationGeneration: 'serving.knative.dev/configurationGeneration',
  revision: 'serving.knative.dev/revision',
  revisionUID: 'serving.knative.dev/revisionUID',
  deploymentHash: 'serving.knative.dev/deployment-hash',
  route: 'serving.knative.dev/route',
  routeNamespace: 'serving.knative.dev/routeNamespace',
  routingState: 'serving.knative.dev/routingState',
  domainMappingUID: 'serving.knative.dev/domainMappingUID',
  domainMappingNamespace: 'serving.knative.dev/domainMappingNamespace',
  visibility: 'networking.knative.dev/visibility',
  serverlessService: 'networking.internal.knative.dev/serverlessservice',
  serviceType: 'networking.internal.knative.dev/serviceType',
  app: 'app',
} as const;

export const A = {
  creator: 'serving.knative.dev/creator',
  lastModifier: 'serving.knative.dev/lastModifier',
  routes: 'serving.knative.dev/routes',
  routingStateModified: 'serving.knative.dev/routingStateModified',
  noGC: 'serving.knative.dev/no-gc',
  rolloutDuration: 'serving.knative.dev/rollout-duration',
  progressDeadline: 'serving.knative.dev/progress-deadline',
  ingressClass: 'networking.knative.dev/ingress.class',
  certificateClass: 'networking.knative.dev/certificate.class',
  httpProtocol: 'networking.knative.dev/http-protocol',
  rollout: 'networking.internal.knative.dev/rollout',
  tagToHost: 'networking.internal.knative.dev/tag-to-host',
  defaultContainer: 'kubectl.kubernetes.io/default-container',
  // Autoscaling (valid on spec.template.metadata.annotations only)
  autoscalingClass: 'autoscaling.knative.dev/class',
  metric: 'autoscaling.knative.dev/metric',
  target: 'autoscaling.knative.dev/target',
  targetUtilization: 'autoscaling.knative.dev/target-utilization-percentage',
  minScale: 'autoscaling.knative.dev/min-scale',
  maxScale: 'autoscaling.knative.dev/max-scale',
  initialScale: 'autoscaling.knative.dev/initial-scale',
  activationScale: 'autoscaling.knative.dev/activation-scale',
  window: 'autoscaling.knative.dev/window',
  panicWindowPercentage: 'autoscaling.knative.dev/panic-window-percentage',
  panicThresholdPercentage: 'autoscaling.knative.dev/panic-threshold-percentage',
  scaleDownDelay: 'autoscaling.knative.dev/scale-down-delay',
  scaleToZeroPodRetentionPeriod: 'autoscaling.knative.dev/scale-to-zero-pod-retention-period',
  // kn client bookkeeping
  userImage: 'client.knative.dev/user-image',
  updateTimestamp: 'client.knative.dev/updateTimestamp',
} as const;

/** Values of networking.knative.dev/visibility. */
export const VISIBILITY_CLUSTER_LOCAL = 'cluster-local';

/** Headers the gateway adds or reads. */
export const H = {
  revision: 'Knative-Serving-Revision',
  namespace: 'Knative-Serving-Namespace',
  tag: 'Knative-Serving-Tag',
  defaultRoute: 'Knative-Serving-Default-Route',
} as const;
