import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag } from '../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../cli/output/flags.ts';

export default class EventTypeList extends KnCommand {
  static override summary = 'List eventtypes';
  static override description = 'List eventtypes';
  static override aliases = ['eventtype:ls'];
  static override usage = 'eventtype list';
  static override examples = ['# List all eventtypes', 'kn eventtype list', '# List all eventtypes in JSON output format', 'kn eventtype list -o json'];
  static override flags = { ...namespaceFlag, ...allNamespacesFlag, ...noHeadersFlag, ...outputFlags() };

  async run(): Promise<void> {
    const { flags } = await this.parse(EventTypeList);
    const { eventTypeList } = await import('../../cli/eventing/eventtype.ts');
    await eventTypeList(this, flags);
  }
}
