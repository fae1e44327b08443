import { KnCommand } from '../../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag } from '../../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../../cli/output/flags.ts';

export default class ContainerSourceList extends KnCommand {
  static override summary = "List Container sources";
  static override description = "List Container sources";
  static override aliases = ["source:container:ls"];
  static override usage = "source container list";
  static override examples = ["# List all Container sources", "kn source container list", "# List all Container sources in YAML format", "kn source container list -o yaml"];
  static override flags = { ...namespaceFlag, ...allNamespacesFlag, ...noHeadersFlag, ...outputFlags() };

  async run(): Promise<void> {
    const { flags } = await this.parse(ContainerSourceList);
    const { sourceKindList } = await import('../../../cli/sources/commands.ts');
    await sourceKindList(this, 'container', flags);
  }
}
