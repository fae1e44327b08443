import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';

export default class ChannelDelete extends KnCommand {
  static override summary = 'Delete a channel';
  static override description = 'Delete a channel';
  static override usage = 'channel delete NAME';
  static override examples = ["# Delete a channel 'pipe'", 'kn channel delete pipe'];
  static override strict = false;
  static override args = { name: Args.string({ description: 'channel name' }) };
  static override flags = { ...namespaceFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ChannelDelete);
    const { messagingDelete } = await import('../../cli/messaging/commands.ts');
    await messagingDelete(this, 'channel', flags, argv);
  }
}
