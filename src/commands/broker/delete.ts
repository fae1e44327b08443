import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag, str } from '../../cli/flags.ts';
import { waitFlags } from '../../cli/serving/service.ts';

export default class BrokerDelete extends KnCommand {
  static override summary = 'Delete a broker';
  static override description = 'Delete a broker';
  static override usage = 'broker delete NAME';
  static override examples = ["# Delete a broker 'mybroker' in the current namespace", 'kn broker delete mybroker'];
  static override strict = false;
  static override args = { name: Args.string({ description: 'broker name' }) };
  static override flags = {
    ...namespaceFlag,
    target: str('Work on local directory instead of a remote cluster (experimental)'),
    ...waitFlags('delete', 'deleted', 'broker'),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(BrokerDelete);
    const { eventingDelete } = await import('../../cli/eventing/commands.ts');
    await eventingDelete(this, 'broker', flags, argv);
  }
}
