import { KnCommand } from '../../cli/base.ts';
import { UserError } from '../../cli/errors.ts';
import { bool, int, str, strDefault } from '../../cli/flags.ts';
import type { QuickstartOptions } from '../../quickstart/options.ts';

/** The flags kind and minikube share (upstream's names, plus kn-ts's own). */
export const commonFlags = {
  name: strDefault('Name of the cluster (kind) or profile (minikube)', 'knative', { char: 'n' }),
  'kubernetes-version': str('Kubernetes version: 1.x.y, or a full node image reference (default v1.34.0)', { char: 'k' }),
  'install-serving': bool('Install Serving (with neither --install-serving nor --install-eventing, both are installed)'),
  'install-eventing': bool('Install Eventing (with neither --install-serving nor --install-eventing, both are installed)'),
  image: str('Use this published control-plane image; nothing is built or loaded'),
  'skip-build': bool('Do not build the control-plane image; use the one already built locally'),
  domain: strDefault('Domain of the Knative Services (config-domain)', '127.0.0.1.sslip.io'),
  'dry-run': bool('Print every step, command and manifest object without running anything'),
  yes: bool('Never ask for confirmation (the quickstart never prompts; accepted for scripts)', { char: 'y' }),
  timeout: int('Seconds to wait for each control-plane Deployment to become Available', { helpValue: 'int', min: 1 }),
  registry: bool('Accepted for compatibility with kn-plugin-quickstart and ignored: kn-ts loads its image into the cluster', { hidden: true }),
};

export function optionsFrom(cmd: KnCommand, f: Record<string, unknown>): QuickstartOptions {
  const flags = f as {
    name: string;
    'kubernetes-version'?: string;
    'install-serving'?: boolean;
    'install-eventing'?: boolean;
    image?: string;
    'skip-build'?: boolean;
    domain: string;
    'dry-run'?: boolean;
    timeout?: number;
    port?: number;
    extraMountHostPath?: string;
    extraMountContainerPath?: string;
    kubeconfig?: string;
  };
  if (flags.image !== undefined && flags['skip-build']) throw cmd.userError('only one of --image and --skip-build may be specified');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(flags.name)) throw cmd.userError(`invalid cluster name "${flags.name}": use lower-case letters, digits and '-'`);
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(flags.domain)) throw cmd.userError(`invalid domain "${flags.domain}": use a DNS name such as 127.0.0.1.sslip.io`);
  if ((flags.extraMountHostPath === undefined) !== (flags.extraMountContainerPath === undefined)) {
    throw cmd.userError('--extraMountHostPath and --extraMountContainerPath must be given together');
  }
  return {
    name: flags.name,
    kubernetesVersion: flags['kubernetes-version'],
    installServing: Boolean(flags['install-serving']),
    installEventing: Boolean(flags['install-eventing']),
    port: flags.port ?? 80,
    image: flags.image,
    skipBuild: Boolean(flags['skip-build']),
    domain: flags.domain,
    dryRun: Boolean(flags['dry-run']),
    extraMountHostPath: flags.extraMountHostPath,
    extraMountContainerPath: flags.extraMountContainerPath,
    root: cmd.config.root,
    version: cmd.config.version,
    timeouts: { crdMs: 60_000, deploymentMs: (flags.timeout ?? 180) * 1000 },
    kubeconfig: flags.kubeconfig,
  };
}

/** Runs the quickstart; its failures become one-line errors without the usage hint. */
export async function runQuickstartCommand(cmd: KnCommand, target: 'kind' | 'minikube', o: QuickstartOptions, registry?: boolean): Promise<void> {
  const { runQuickstart, QuickstartError, realDeps } = await import('../../quickstart/index.ts');
  if (registry) process.stderr.write('Warning: --registry is ignored: kn-ts loads the control-plane image into the cluster, no local registry is needed\n');
  try {
    await runQuickstart(target, o, realDeps());
  } catch (e) {
    const msg = e instanceof QuickstartError ? e.message : `quickstart failed: ${(e as Error).message?.split('\n')[0] ?? String(e)}`;
    throw Object.assign(new UserError(msg, cmd.commandPath), { noHint: true });
  }
}

export default class QuickstartKind extends KnCommand {
  static override summary = 'Quickstart with Kind';
  static override description =
    'Create a local kind cluster and install kn-ts (Serving with its Kourier-like gateway, and Eventing) on it. ' +
    'Re-running reuses the cluster and changes nothing that is already in place.';
  static override usage = 'quickstart kind [options]';
  static override examples = [
    'kn quickstart kind',
    'kn quickstart kind --port 8080 --name dev',
    'kn quickstart kind --dry-run',
    'kn quickstart kind --image ghcr.io/example/kn-ts-control-plane:0.1.0',
    'kn quickstart kind --node-image kindest/node:v1.34.0',
  ];
  static override flags = {
    ...commonFlags,
    port: int('Host port on 127.0.0.1 that reaches the gateway (default 80)', { aliases: ['host-port'], min: 1, max: 65535 }),
    extraMountHostPath: str('Host path to mount into the kind node (with --extraMountContainerPath)'),
    extraMountContainerPath: str('Path in the kind node to mount --extraMountHostPath at'),
    'node-image': str('kind node image to create the cluster from, e.g. one loaded from a file on an air-gapped machine (instead of --kubernetes-version)', {
      helpValue: 'image',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(QuickstartKind);
    const o = optionsFrom(this, flags);
    const nodeImage = flags['node-image'];
    if (nodeImage !== undefined) {
      if (flags['kubernetes-version'] !== undefined) throw this.userError('only one of --node-image and --kubernetes-version may be specified');
      // name:tag or name@digest: a ':' in the last path part.
      if (!/^[a-z0-9][\w./-]*(:[\w][\w.-]*)?(@sha256:[0-9a-f]{64})?$/.test(nodeImage) || !/[:@]/.test(nodeImage.split('/').pop()!)) {
        throw this.userError(`invalid node image "${nodeImage}": give a full reference with a tag, such as kindest/node:v1.34.0`);
      }
      // A value with ':' is a full node image reference (kindNodeImage).
      o.kubernetesVersion = nodeImage;
    }
    await runQuickstartCommand(this, 'kind', o, flags.registry);
  }
}
