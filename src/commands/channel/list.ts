import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag } from '../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../cli/output/flags.ts';

export default class ChannelList extends KnCommand {
  static override summary = 'List channels';
  static override description = 'List channels';
  static override aliases = ['channel:ls'];
  static override usage = 'channel list';
  static override examples = ['# List all channels', 'kn channel list', '# List channels in YAML format', 'kn channel list -o yaml'];
  static override flags = { ...namespaceFlag, ...allNamespacesFlag, ...noHeadersFlag, ...outputFlags() };

  async run(): Promise<void> {
    const { flags } = await this.parse(ChannelList);
    const { messagingList } = await import('../../cli/messaging/commands.ts');
    await messagingList(this, 'channel', flags);
  }
}
