import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag, strArray } from '../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../cli/output/flags.ts';

export default class SourceList extends KnCommand {
  static override summary = 'List event sources';
  static override description = 'List event sources';
  static override aliases = ['source:ls'];
  static override usage = 'source list';
  static override examples = ['# List available eventing sources', 'kn source list', '# List PingSource type sources', 'kn source list --type=PingSource', '# List PingSource and ApiServerSource types sources', 'kn source list --type=PingSource --type=apiserversource'];
  static override flags = {
    ...namespaceFlag,
    ...allNamespacesFlag,
    ...noHeadersFlag,
    ...outputFlags(),
    type: strArray('Filter list on given source type. This flag can be given multiple times.', { char: 't', helpValue: 'strings' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(SourceList);
    const { sourceList } = await import('../../cli/sources/commands.ts');
    await sourceList(this, flags);
  }
}
