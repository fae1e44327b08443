import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { outputFlags, verboseFlag } from '../../cli/output/flags.ts';

export default class ChannelDescribe extends KnCommand {
  static override summary = 'Show details of a channel';
  static override description = 'Show details of a channel';
  static override usage = 'channel describe NAME';
  static override examples = ["# Describe a channel 'pipe'", 'kn channel describe pipe', '# Print only channel URL', 'kn channel describe pipe -o url'];
  static override strict = false;
  static override args = { name: Args.string({ description: 'channel name' }) };
  static override flags = { ...namespaceFlag, ...outputFlags(['url']), ...verboseFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ChannelDescribe);
    const { messagingDescribe } = await import('../../cli/messaging/commands.ts');
    await messagingDescribe(this, 'channel', flags, argv);
  }
}
