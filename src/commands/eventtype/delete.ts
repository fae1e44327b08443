import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';

export default class EventTypeDelete extends KnCommand {
  static override summary = 'Delete eventtype';
  static override description = 'Delete eventtype';
  static override usage = 'eventtype delete';
  static override examples = [
    "# Delete eventtype 'myeventtype' in the current namespace",
    'kn eventtype delete myeventtype',
    "# Delete eventtype 'myeventtype' in the 'myproject' namespace",
    'kn eventtype delete myeventtype --namespace myproject',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'eventtype name' }) };
  static override flags = { ...namespaceFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(EventTypeDelete);
    const { eventTypeDelete } = await import('../../cli/eventing/eventtype.ts');
    await eventTypeDelete(this, flags, argv);
  }
}
