import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag, str } from '../../cli/flags.ts';
import { outputFlags, verboseFlag } from '../../cli/output/flags.ts';

export default class BrokerDescribe extends KnCommand {
  static override summary = 'Describe broker';
  static override description = 'Describe broker';
  static override usage = 'broker describe NAME';
  static override examples = [
    "# Describe broker 'mybroker' in the current namespace",
    'kn broker describe mybroker',
    '',
    "# Describe broker 'mybroker' in the 'myproject' namespace",
    'kn broker describe mybroker --namespace myproject',
    '',
    "# Describe broker 'mybroker' in YAML format",
    'kn broker describe mybroker -o yaml',
    '',
    '# Print only broker URL',
    'kn broker describe mybroker -o url',
  ];
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
