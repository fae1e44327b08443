// Kubeconfig and namespace resolution, like kubectl: the KUBECONFIG list merged (or --kubeconfig),
// --context / --cluster overrides, the namespace from the context, in-cluster config for pods.
import type { KubeConfig } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from './paths.ts';

export interface ConnectionOptions {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  as?: string;
  asGroups?: string[];
  asUid?: string;
  logHttp?: boolean;
  /** Load in-cluster config when no kubeconfig is found (the control plane's pods). */
  inCluster?: boolean;
  userAgent?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * KubeConfig from @kubernetes/client-node: from the slim bundle the build writes to
 * dist/vendor/kubeconfig.js (see scripts/bundle-vendor.mjs) when running from dist/, else from
 * the package (tests running the TypeScript sources).
 */
export async function kubeConfigClass(): Promise<typeof KubeConfig> {
  try {
    const vendored = pathToFileURL(join(packageRoot(), 'dist', 'vendor', 'kubeconfig.js')).href;
    const m = (await import(vendored)) as { KubeConfig: typeof KubeConfig };
    return m.KubeConfig;
  } catch {
    return (await import('@kubernetes/client-node')).KubeConfig;
  }
}

/** Resolves and loads the kubeconfig the way kubectl does. */
export async function loadKubeConfig(opts: ConnectionOptions = {}): Promise<KubeConfig> {
  const KubeConfig = await kubeConfigClass();
  const kc = new KubeConfig();
  if (opts.kubeconfig) {
    if (!existsSync(opts.kubeconfig)) {
      throw new ConfigError(`cannot load kubeconfig ${opts.kubeconfig}: no such file; check --kubeconfig`);
    }
    kc.loadFromFile(opts.kubeconfig);
  } else if (process.env.KUBECONFIG) {
    // Like kubectl, files of the KUBECONFIG list that do not exist are skipped; loadFromDefault
    // merges the rest (it would fail on a missing one with a bare ENOENT).
    const list = process.env.KUBECONFIG;
    const files = list.split(delimiter).filter(Boolean);
    const present = files.filter((f) => existsSync(f));
    if (present.length === 0) {
      throw new ConfigError(`cannot load kubeconfig ${files.join(delimiter)} (from KUBECONFIG): no such file; fix KUBECONFIG or pass --kubeconfig`);
    }
    process.env.KUBECONFIG = present.join(delimiter);
    try {
      kc.loadFromDefault();
    } finally {
      process.env.KUBECONFIG = list;
    }
  } else if (existsSync(join(homedir(), '.kube', 'config'))) {
    kc.loadFromFile(join(homedir(), '.kube', 'config'));
  } else if (opts.inCluster !== false && process.env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    kc.loadFromDefault();
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new ConfigError(`context "${opts.context}" does not exist in the kubeconfig; run 'kubectl config get-contexts' to list them`);
    }
    kc.setCurrentContext(opts.context);
  }
  if (opts.cluster) {
    const cluster = kc.getCluster(opts.cluster);
    if (!cluster) throw new ConfigError(`cluster "${opts.cluster}" does not exist in the kubeconfig`);
    const user = kc.getCurrentUser();
    const ctxName = kc.getCurrentContext();
    const ctx = kc.getContextObject(ctxName);
    kc.contexts = kc.contexts.map((c) => (c.name === ctxName ? { ...c, cluster: cluster.name } : c));
    void user;
    void ctx;
  }
  // Without any kubeconfig, client-node falls back to an unauthenticated http://localhost:8080,
  // which then fails with "HTTP protocol is not allowed…": say what is missing instead.
  const fallback = kc.getCurrentContext() === 'loaded-context' && kc.getCurrentCluster()?.server === 'http://localhost:8080';
  if (!kc.getCurrentCluster() || fallback) {
    throw new ConfigError(
      'no Kubernetes cluster configured: set KUBECONFIG or pass --kubeconfig (kn quickstart kind creates one)',
    );
  }
  return kc;
}

/** The namespace of the current context, or "default". */
export function contextNamespace(kc: KubeConfig): string {
  const ctx = kc.getContextObject(kc.getCurrentContext());
  return ctx?.namespace || 'default';
}
