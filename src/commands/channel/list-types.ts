import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../cli/output/flags.ts';

export default class ChannelListTypes extends KnCommand {
  static override summary = 'List channel types';
  static override description = 'List channel types';
  static override usage = 'channel list-types';
  static override examples = ['# List available channel types', 'kn channel list-types', '# List available channel types in YAML format', 'kn channel list-types -o yaml'];
  static override flags = { ...namespaceFlag, ...noHeadersFlag, ...outputFlags() };

  async run(): Promise<void> {
    const { flags } = await this.parse(ChannelListTypes);
    const { channelListTypes } = await import('../../cli/messaging/commands.ts');
    await channelListTypes(this, flags);
  }
}
