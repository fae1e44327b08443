import { KnCommand } from '../../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag } from '../../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../../cli/output/flags.ts';

export default class ApiServerSourceList extends KnCommand {
  static override summary = "List api-server sources";
  static override description = "List api-server sources";
  static override aliases = ["source:apiserver:ls"];
  static override usage = "source apiserver list";
  static override examples = ["# List all api-server sources", "kn source apiserver list", "# List all api-server sources in YAML format", "kn source apiserver list -o yaml"];
  static override flags = { ...namespaceFlag, ...allNamespacesFlag, ...noHeadersFlag, ...outputFlags() };

  async run(): Promise<void> {
    const { flags } = await this.parse(ApiServerSourceList);
    const { sourceKindList } = await import('../../../cli/sources/commands.ts');
    await sourceKindList(this, 'apiserver', flags);
  }
}
