// The quickstart's options, their defaults, and the pure builders of what it writes: the kind
// cluster config, the image name, the extra Service that exposes the gateway on the kind node.
import type { KubeObject } from '../api/meta.ts';

/** kindest/node image of upstream's pin (knative/pkg DefaultKubernetesMinVersion). */
export const DEFAULT_KUBERNETES_VERSION = 'v1.34.0';
export const KIND_NODE_REPO = 'kindest/node';
/** The kind node port the gateway is published on; the host port maps to it. */
export const NODE_PORT = 31080;
export const DEFAULT_DOMAIN = '127.0.0.1.sslip.io';
export const FIELD_MANAGER = 'kn-quickstart';
export const IMAGE_REPO = 'dev.local/kn-ts/control-plane';
/** Recommended minimum tool versions (upstream's README). */
export const MIN_KIND_VERSION = [0, 30] as const;
export const MIN_MINIKUBE_VERSION = [1, 37] as const;

export interface Timeouts {
  /** Each CRD until Established. */
  crdMs: number;
  /** Each Deployment until Available. */
  deploymentMs: number;
}

export interface QuickstartOptions {
  /** kind cluster / minikube profile name. */
  name: string;
  /** '1.34.0', 'v1.34.0' or a full node image reference (contains ':'). */
  kubernetesVersion?: string;
  installServing: boolean;
  installEventing: boolean;
  /** Host port on 127.0.0.1 published to the gateway (kind). */
  port: number;
  /** A published control-plane image: no build, no load. */
  image?: string;
  /** Do not build; load the image already in the local Docker. */
  skipBuild: boolean;
  domain: string;
  dryRun: boolean;
  extraMountHostPath?: string;
  extraMountContainerPath?: string;
  /** The kn-ts package root: Dockerfile, manifests/. */
  root: string;
  /** The package version: the image tag. */
  version: string;
  timeouts: Timeouts;
  /** Kubeconfig file the cluster's context is read from (minikube); default: kubectl's rules. */
  kubeconfig?: string;
}

export const DEFAULT_TIMEOUTS: Timeouts = { crdMs: 60_000, deploymentMs: 180_000 };

/** The control-plane image the manifests reference by default. */
export function defaultImage(version: string): string {
  return `${IMAGE_REPO}:${version}`;
}

export function controlPlaneImage(o: Pick<QuickstartOptions, 'image' | 'version'>): string {
  return o.image ?? defaultImage(o.version);
}

/** The kind node image for --kubernetes-version (upstream's rule: a ':' means a full image reference). */
export function kindNodeImage(kubernetesVersion?: string): string {
  const v = kubernetesVersion?.trim();
  if (!v) return `${KIND_NODE_REPO}:${DEFAULT_KUBERNETES_VERSION}`;
  if (v.includes(':')) return v;
  return `${KIND_NODE_REPO}:${v.startsWith('v') ? v : `v${v}`}`;
}

/** minikube's --kubernetes-version value. */
export function minikubeKubernetesVersion(kubernetesVersion?: string): string {
  const v = kubernetesVersion?.trim();
  if (!v) return DEFAULT_KUBERNETES_VERSION;
  return v.startsWith('v') ? v : `v${v}`;
}

/** Which components to install: neither flag means both (upstream's rule). */
export function components(o: Pick<QuickstartOptions, 'installServing' | 'installEventing'>): { serving: boolean; eventing: boolean } {
  if (!o.installServing && !o.installEventing) return { serving: true, eventing: true };
  return { serving: o.installServing, eventing: o.installEventing };
}

/**
 * The kind cluster config (fed to `kind create cluster --config -`): one control-plane node whose
 * container port 31080 is published on 127.0.0.1:<port> of the host. Upstream listens on 0.0.0.0;
 * kn-ts keeps the gateway off the LAN.
 */
export function kindConfig(o: Pick<QuickstartOptions, 'port' | 'extraMountHostPath' | 'extraMountContainerPath'>): string {
  const lines = ['kind: Cluster', 'apiVersion: kind.x-k8s.io/v1alpha4', 'nodes:', '- role: control-plane'];
  if (o.extraMountHostPath && o.extraMountContainerPath) {
    lines.push('  extraMounts:', `  - hostPath: ${JSON.stringify(o.extraMountHostPath)}`, `    containerPath: ${JSON.stringify(o.extraMountContainerPath)}`);
  }
  lines.push('  extraPortMappings:', `  - containerPort: ${NODE_PORT}`, `    hostPort: ${o.port}`, '    listenAddress: "127.0.0.1"', '    protocol: TCP');
  return lines.join('\n') + '\n';
}

export const GATEWAY_NAMESPACE = 'kourier-system';
export const GATEWAY_APP_LABEL = '3scale-kourier-gateway';

/**
 * The Service that publishes the gateway on the kind node: `kourier-ingress`, NodePort 31080, as
 * upstream's quickstart names it. It lives here and not in manifests/ because a fixed node port
 * only makes sense on a throw-away local cluster (minikube gets a LoadBalancer for `minikube tunnel`).
 */
export function ingressService(type: 'NodePort' | 'LoadBalancer'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kourier-ingress',
      namespace: GATEWAY_NAMESPACE,
      labels: { 'networking.knative.dev/ingress-provider': 'kourier', 'app.kubernetes.io/name': 'knative-serving', 'app.kubernetes.io/component': 'gateway' },
    },
    spec: {
      type,
      selector: { app: GATEWAY_APP_LABEL },
      ports: [{ name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP', ...(type === 'NodePort' ? { nodePort: NODE_PORT } : {}) }],
    },
  };
}

/** Parses "v0.30.0", "kind v0.30.0 go1.24 linux/amd64", "0.30" → [major, minor] or undefined. */
export function parseVersion(s: string): [number, number] | undefined {
  const m = /v?(\d+)\.(\d+)/.exec(s);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function versionBelow(v: readonly [number, number], min: readonly [number, number]): boolean {
  return v[0] < min[0] || (v[0] === min[0] && v[1] < min[1]);
}
