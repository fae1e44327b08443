import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag, str } from '../../cli/flags.ts';
import { outputFlags, verboseFlag } from '../../cli/output/flags.ts';

export default class BrokerDescribe extends KnCommand {
  static override summary = 'Show details of a broker';
  static override description = 'Show details of a broker';
  static override usage = 'broker describe NAME';
  static override examples = ["# Describe broker 'mybroker'", 'kn broker describe mybroker'];
  static override strict = false;
  static override args = { name: Args.string({ description: 'broker name' }) };
  static override flags = {
    ...namespaceFlag,
    ...outputFlags(['url']),
    ...verboseFlag,
    target: str('Work on local directory instead of a remote cluster (experimental)'),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(BrokerDescribe);
    const { eventingDescribe } = await import('../../cli/eventing/commands.ts');
    await eventingDescribe(this, 'broker', flags, argv);
  }
}
