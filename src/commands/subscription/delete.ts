import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';

export default class SubscriptionDelete extends KnCommand {
  static override summary = 'Delete a subscription';
  static override description = 'Delete a subscription';
  static override usage = 'subscription delete NAME';
  static override examples = ["# Delete a subscription 'sub0'", 'kn subscription delete sub0'];
  static override strict = false;
  static override args = { name: Args.string({ description: 'subscription name' }) };
  static override flags = { ...namespaceFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(SubscriptionDelete);
    const { messagingDelete } = await import('../../cli/messaging/commands.ts');
    await messagingDelete(this, 'subscription', flags, argv);
  }
}
