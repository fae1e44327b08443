// Kubeconfig and namespace resolution, like kubectl: the KUBECONFIG list merged (or --kubeconfig),
// --context / --cluster overrides, the namespace from the context, in-cluster config for pods.
import type { KubeConfig } from '@kubernetes/client-node';
import { existsSync, readFileSync, statSync } from 'node:fs';
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

/** Where a pod's service account is mounted (KN_TS_SERVICE_ACCOUNT_DIR elsewhere: tests, benchmarks). */
export function serviceAccountDir(): string {
  return process.env.KN_TS_SERVICE_ACCOUNT_DIR || '/var/run/secrets/kubernetes.io/serviceaccount';
}

/**
 * A pod's in-cluster config, as client-go's rest.InClusterConfig reads it: the API server from
 * KUBERNETES_SERVICE_HOST/PORT, the service account's CA, token file and namespace.
 */
export interface InClusterConfig {
  server: string;
  ca: Buffer;
  tokenFile: string;
  namespace: string;
}

/**
 * The in-cluster config when loadKubeConfig would load it (no --kubeconfig, --context or
 * --cluster, no KUBECONFIG, no ~/.kube/config, both service variables set), else undefined.
 * It reads three files and needs no kubeconfig library: the control plane's pods take this path
 * (≈ 4.7 MiB of RSS less than loading KubeConfig; docs/adr/0028-lean-in-cluster-config.md).
 */
export function inClusterConfig(opts: ConnectionOptions = {}): InClusterConfig | undefined {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT;
  if (opts.inCluster === false || !host || !port) return undefined;
  if (opts.kubeconfig || opts.context || opts.cluster || process.env.KUBECONFIG) return undefined;
  if (existsSync(join(homedir(), '.kube', 'config'))) return undefined;
  const dir = serviceAccountDir();
  const read = (name: string, what: string) => {
    try {
      return readFileSync(join(dir, name));
    } catch (e) {
      throw new ConfigError(`in-cluster config: cannot read the service account's ${what} ${join(dir, name)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); mount the service account token or pass --kubeconfig`);
    }
  };
  const ca = read('ca.crt', 'CA');
  let namespace = 'default';
  if (existsSync(join(dir, 'namespace'))) namespace = read('namespace', 'namespace').toString('utf8').trim() || 'default';
  // As client-node's loadFromCluster: plain http on the usual insecure ports, an IPv6 address
  // (the only host with a colon) in brackets.
  const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
  return { server: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`, ca, tokenFile: join(dir, 'token'), namespace };
}

/**
 * A service-account token file, re-read when it changes: the kubelet rotates bound tokens by
 * swapping the file (a new inode behind the ..data symlink). The file is looked at (one stat) at
 * most once a second.
 */
export class TokenFile {
  private token = '';
  private seen = '';
  private checkedAt = -Infinity;
  readonly file: string;
  constructor(file: string) {
    this.file = file;
  }
  /** The current token; throws a ConfigError when the file cannot be read. */
  get(now = Date.now()): string {
    if (now - this.checkedAt < 1000 && this.token) return this.token;
    this.checkedAt = now;
    try {
      const st = statSync(this.file);
      const id = `${st.ino}/${st.mtimeMs}/${st.size}`;
      if (id !== this.seen) {
        this.token = readFileSync(this.file, 'utf8').trim();
        this.seen = id;
      }
    } catch (e) {
      if (!this.token) throw new ConfigError(`in-cluster config: cannot read the service account token ${this.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      // Mid-swap or briefly unreadable: keep the last token, look again next time.
    }
    return this.token;
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
