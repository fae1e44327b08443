import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag, str } from '../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../cli/output/flags.ts';

export default class BrokerList extends KnCommand {
  static override summary = 'List brokers';
  static override description = 'List brokers';
  static override aliases = ['broker:ls'];
  static override usage = 'broker list';
  static override examples = ['# List all brokers', 'kn broker list', '# List all brokers in JSON output format', 'kn broker list -o json'];
  static override flags = {
    ...namespaceFlag,
    ...allNamespacesFlag,
    ...noHeadersFlag,
    ...outputFlags(),
    target: str('Work on local directory instead of a remote cluster (experimental)'),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(BrokerList);
    const { eventingList } = await import('../../cli/eventing/commands.ts');
    await eventingList(this, 'broker', flags);
  }
}
