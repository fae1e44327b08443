import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { channelRefFlag, sinkFlags } from '../../cli/messaging/flags.ts';

export default class SubscriptionCreate extends KnCommand {
  static override summary = 'Create a subscription';
  static override description = 'Create a subscription';
  static override usage = 'subscription create NAME';
  static override examples = [
    "# Create a subscription 'sub0' from InMemoryChannel 'pipe0' to a subscriber ksvc 'receiver'",
    'kn subscription create sub0 --channel imcv1beta1:pipe0 --sink ksvc:receiver',
    "# Create a subscription 'sub1' from KafkaChannel 'k1' to ksvc 'mirror', reply to a broker 'nest' and DeadLetterSink to a ksvc 'bucket'",
    'kn subscription create sub1 --channel messaging.knative.dev:v1beta1:KafkaChannel:k1 --sink mirror --sink-reply broker:nest --sink-dead-letter bucket',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'subscription name' }) };
  static override flags = { ...namespaceFlag, ...channelRefFlag, ...sinkFlags };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(SubscriptionCreate);
    const { subscriptionCreate } = await import('../../cli/messaging/commands.ts');
    await subscriptionCreate(this, flags, argv);
  }
}
