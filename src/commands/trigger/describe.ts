import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag, str } from '../../cli/flags.ts';
import { outputFlags, verboseFlag } from '../../cli/output/flags.ts';

export default class TriggerDescribe extends KnCommand {
  static override summary = 'Show details of a trigger';
  static override description = 'Show details of a trigger';
  static override usage = 'trigger describe NAME';
  static override examples = [
    "# Describe a trigger with name 'my-trigger'",
    'kn trigger describe my-trigger',
    '',
    "# Describe a trigger 'my-trigger' in YAML format",
    'kn trigger describe my-trigger -o yaml',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'trigger name' }) };
  static override flags = {
    ...namespaceFlag,
    ...outputFlags(),
    ...verboseFlag,
    target: str('Work on local directory instead of a remote cluster (experimental)'),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(TriggerDescribe);
    const { eventingDescribe } = await import('../../cli/eventing/commands.ts');
    await eventingDescribe(this, 'trigger', flags, argv);
  }
}
