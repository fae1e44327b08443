import { KnCommand } from '../../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag } from '../../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../../cli/output/flags.ts';

export default class BindingList extends KnCommand {
  static override summary = "List sink binding sources";
  static override description = "List sink binding sources";
  static override aliases = ["source:binding:ls"];
  static override usage = "source binding list";
  static override examples = ["# List all sink binding sources", "kn source binding list", "# List all sink binding sources in YAML format", "kn source binding list -o yaml"];
  static override flags = { ...namespaceFlag, ...allNamespacesFlag, ...noHeadersFlag, ...outputFlags() };

  async run(): Promise<void> {
    const { flags } = await this.parse(BindingList);
    const { sourceKindList } = await import('../../../cli/sources/commands.ts');
    await sourceKindList(this, 'binding', flags);
  }
}
