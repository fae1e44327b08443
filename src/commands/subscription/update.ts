import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { sinkFlags } from '../../cli/messaging/flags.ts';

export default class SubscriptionUpdate extends KnCommand {
  static override summary = 'Update an event subscription';
  static override description = 'Update an event subscription';
  static override usage = 'subscription update NAME';
  static override examples = [
    "# Update a subscription 'sub0' with a subscriber ksvc 'receiver'",
    'kn subscription update sub0 --sink ksvc:receiver',
    "# Update a subscription 'sub1' with subscriber ksvc 'mirror', reply to a broker 'nest' and DeadLetterSink to a ksvc 'bucket'",
    'kn subscription update sub1 --sink mirror --sink-reply broker:nest --sink-dead-letter bucket',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'subscription name' }) };
  static override flags = { ...namespaceFlag, ...sinkFlags };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(SubscriptionUpdate);
    const { subscriptionUpdate } = await import('../../cli/messaging/commands.ts');
    await subscriptionUpdate(this, flags, argv);
  }
}
