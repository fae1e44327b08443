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
