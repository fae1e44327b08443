import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { outputFlags, verboseFlag } from '../../cli/output/flags.ts';

export default class SubscriptionDescribe extends KnCommand {
  static override summary = 'Show details of a subscription';
  static override description = 'Show details of a subscription';
  static override usage = 'subscription describe NAME';
  static override examples = ["# Describe a subscription 'pipe'", 'kn subscription describe pipe'];
  static override strict = false;
  static override args = { name: Args.string({ description: 'subscription name' }) };
  static override flags = { ...namespaceFlag, ...outputFlags(), ...verboseFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(SubscriptionDescribe);
    const { messagingDescribe } = await import('../../cli/messaging/commands.ts');
    await messagingDescribe(this, 'subscription', flags, argv);
  }
}
