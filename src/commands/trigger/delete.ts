import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag, str } from '../../cli/flags.ts';

export default class TriggerDelete extends KnCommand {
  static override summary = 'Delete a trigger';
  static override description = 'Delete a trigger';
  static override usage = 'trigger delete NAME';
  static override examples = [
    "# Delete a trigger 'mytrigger' in default namespace",
    'kn trigger delete mytrigger',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'trigger name' }) };
  static override flags = {
    ...namespaceFlag,
    target: str('Work on local directory instead of a remote cluster (experimental)'),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(TriggerDelete);
    const { eventingDelete } = await import('../../cli/eventing/commands.ts');
    await eventingDelete(this, 'trigger', flags, argv);
  }
}
