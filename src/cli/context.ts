// What a command's body needs from its surroundings, without oclif: the cluster connection (made
// lazily, so a command that fails validation never loads the Kubernetes client), namespace
// resolution and one-line user errors. KnCommand (oclif) and the direct runner in direct.ts both
// provide it, so a command body written against CommandContext runs under either.
import type { KubeClient } from '../kube/client.ts';
import { UserError } from './errors.ts';

export interface GlobalFlagValues {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  as?: string;
  'as-group'?: string[];
  'as-uid'?: string;
  config?: string;
  'log-http'?: boolean;
  'plugins-dir'?: string;
}

export type NamespaceFlagValues = GlobalFlagValues & { namespace?: string; 'all-namespaces'?: boolean };

export interface CommandContext {
  /** "kn service list" */
  readonly commandPath: string;
  userError(message: string): UserError;
  client(flags: GlobalFlagValues): Promise<KubeClient>;
  namespace(flags: NamespaceFlagValues): Promise<string>;
}

/** The connection of one command run: opened on first use, closed by close(). */
export class Session implements CommandContext {
  readonly commandPath: string;
  private readonly version: string;
  private kube: KubeClient | undefined;

  constructor(commandPath: string, version: string) {
    this.commandPath = commandPath;
    this.version = version;
  }

  userError(message: string): UserError {
    return new UserError(message, this.commandPath);
  }

  async client(flags: GlobalFlagValues): Promise<KubeClient> {
    if (this.kube) return this.kube;
    const { KubeClient } = await import('../kube/client.ts');
    this.kube = await KubeClient.connect({
      kubeconfig: flags.kubeconfig,
      context: flags.context,
      cluster: flags.cluster,
      as: flags.as,
      asGroups: flags['as-group'],
      asUid: flags['as-uid'],
      logHttp: flags['log-http'],
      inCluster: true,
      userAgent: `kn-ts/${this.version}`,
    }).catch((e: unknown) => {
      throw kubeconfigError(e, flags.kubeconfig);
    });
    return this.kube;
  }

  /** -A gives '' (all namespaces); else -n; else the kubeconfig context's namespace. */
  async namespace(flags: NamespaceFlagValues): Promise<string> {
    if (flags['all-namespaces']) return '';
    if (flags.namespace) return flags.namespace;
    return (await this.client(flags)).namespace;
  }

  /** Closes idle keep-alive sockets so the process can exit at once. */
  close(): void {
    this.kube?.close();
  }
}

/**
 * What went wrong loading the kubeconfig, as one line naming the file and the fix: the library
 * reports a directory, a YAML error or a bad server URL in its own words (EISDIR, parser dumps,
 * "Invalid URL"). Errors that already read well pass through.
 */
export function kubeconfigError(e: unknown, flag: string | undefined): Error {
  if (!(e instanceof Error) || e.name === 'ConfigError' || e.name === 'UnreachableError' || e instanceof UserError) return e as Error;
  const file = flag ?? process.env.KUBECONFIG ?? '~/.kube/config';
  const where = flag !== undefined ? `--kubeconfig ${file}` : process.env.KUBECONFIG ? `KUBECONFIG (${file})` : file;
  const code = (e as { code?: string }).code;
  const msg = String(e.message).split('\n')[0]!;
  if (code === 'EISDIR') return new UserError(`cannot load the kubeconfig ${where}: it is a directory; give the path of a kubeconfig file`);
  if (code === 'EACCES' || code === 'EPERM') return new UserError(`cannot load the kubeconfig ${where}: permission denied; check the file's permissions`);
  if (code === 'ENOENT') return new UserError(`cannot load the kubeconfig ${where}: a file it names does not exist (${msg.replace(/^ENOENT: /, '')}); fix the path in the kubeconfig`);
  if (/Invalid URL/i.test(msg) || code === 'ERR_INVALID_URL') {
    return new UserError(`the kubeconfig ${where} has an invalid server URL; fix clusters[].cluster.server (e.g. https://127.0.0.1:6443)`);
  }
  if (e.name === 'YAMLException' || e.name === 'YAMLParseError' || /YAML|Implicit keys|Nested mappings|unexpected end|Map keys must be unique|flow collection/i.test(msg) || e.name === 'SyntaxError') {
    return new UserError(`cannot load the kubeconfig ${where}: it is not valid YAML (${msg.replace(/:\s*$/, '').slice(0, 120)}); fix or replace the file`);
  }
  if (/contexts?|clusters?|users?|should be an array|must be/.test(msg) && !/ECONN/.test(msg)) {
    return new UserError(`cannot load the kubeconfig ${where}: ${msg.slice(0, 160)}; fix the file (kubectl config view shows what it holds)`);
  }
  return e;
}
