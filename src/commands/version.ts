import { KnCommand } from '../cli/base.ts';
import { bool, str } from '../cli/flags.ts';
import { OUTPUT_ERROR, renderVersion, versionInfo } from '../cli/version.ts';

export default class Version extends KnCommand {
  static override summary = 'Show the version of this client';
  static override description = 'Show the version of this client, the Knative APIs it supports and, when a cluster is reachable, its Kubernetes version';
  static override usage = 'version [options]';
  static override flags = {
    output: str('Output format. One of: json|yaml.', { char: 'o' }),
    client: bool('Print the client version only; do not contact the cluster'),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Version);
    if (flags.output !== undefined && flags.output !== 'json' && flags.output !== 'yaml') throw this.userError(OUTPUT_ERROR);
    let k8s: string | undefined;
    let note: string | undefined;
    if (!flags.client) {
      try {
        const client = await this.client(flags);
        const v = await Promise.race([
          client.raw<{ gitVersion?: string; major?: string; minor?: string }>('GET', '/version'),
          new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timed out after 3s')), 3000).unref()),
        ]);
        k8s = v.gitVersion && !v.gitVersion.startsWith('v0.0.0') ? v.gitVersion : `v${v.major}.${v.minor}`;
      } catch (e) {
        note = `unreachable (${(e as Error).message.split(';')[0]})`;
      }
    }
    process.stdout.write(renderVersion(versionInfo(k8s), flags.output, note));
  }
}
