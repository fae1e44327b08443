import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { deliveryFlags, targetFlag } from '../../cli/eventing/flags.ts';
import { namespaceFlag } from '../../cli/flags.ts';

export default class BrokerUpdate extends KnCommand {
  static override summary = 'Update a broker';
  static override description = 'Update a broker';
  static override usage = 'broker update NAME';
  static override examples = [
    "# Update a broker 'mybroker' in the current namespace with delivery sink svc1",
    'kn broker update mybroker --dl-sink svc1',
    '',
    "# Update a broker 'mybroker' in the 'myproject' namespace and with retry 2 seconds",
    'kn broker update mybroker --namespace myproject --retry 2',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'broker name' }) };
  static override flags = {
    ...namespaceFlag,
    ...deliveryFlags,
    ...targetFlag,
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(BrokerUpdate);
    const { brokerUpdate } = await import('../../cli/eventing/commands.ts');
    await brokerUpdate(this, flags, argv);
  }
}
