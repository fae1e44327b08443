import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag } from '../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../cli/output/flags.ts';

export default class SubscriptionList extends KnCommand {
  static override summary = 'List subscriptions';
  static override description = 'List subscriptions';
  static override aliases = ['subscription:ls'];
  static override usage = 'subscription list';
  static override examples = ['# List all subscriptions', 'kn subscription list', '# List subscriptions in YAML format', 'kn subscription list -o yaml'];
  static override flags = { ...namespaceFlag, ...allNamespacesFlag, ...noHeadersFlag, ...outputFlags() };

  async run(): Promise<void> {
    const { flags } = await this.parse(SubscriptionList);
    const { messagingList } = await import('../../cli/messaging/commands.ts');
    await messagingList(this, 'subscription', flags);
  }
}
