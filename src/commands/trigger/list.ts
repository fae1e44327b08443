import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag, str } from '../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../cli/output/flags.ts';

export default class TriggerList extends KnCommand {
  static override summary = 'List triggers';
  static override description = 'List triggers';
  static override aliases = ['trigger:ls'];
  static override usage = 'trigger list';
  static override examples = ['# List all triggers', 'kn trigger list', '# List all triggers in JSON output format', 'kn trigger list -o json'];
  static override flags = {
    ...namespaceFlag,
    ...allNamespacesFlag,
    ...noHeadersFlag,
    ...outputFlags(),
    target: str('Work on local directory instead of a remote cluster (experimental)'),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(TriggerList);
    const { eventingList } = await import('../../cli/eventing/commands.ts');
    await eventingList(this, 'trigger', flags);
  }
}
