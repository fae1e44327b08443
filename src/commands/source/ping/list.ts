import { KnCommand } from '../../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag } from '../../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../../cli/output/flags.ts';

export default class PingSourceList extends KnCommand {
  static override summary = "List Ping sources";
  static override description = "List Ping sources";
  static override aliases = ["source:ping:ls"];
  static override usage = "source ping list";
  static override examples = ["# List all Ping sources", "kn source ping list", "# List all Ping sources in YAML format", "kn source ping list -o yaml"];
  static override flags = { ...namespaceFlag, ...allNamespacesFlag, ...noHeadersFlag, ...outputFlags() };

  async run(): Promise<void> {
    const { flags } = await this.parse(PingSourceList);
    const { sourceKindList } = await import('../../../cli/sources/commands.ts');
    await sourceKindList(this, 'ping', flags);
  }
}
