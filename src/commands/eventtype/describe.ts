import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { outputFlags } from '../../cli/output/flags.ts';

export default class EventTypeDescribe extends KnCommand {
  static override summary = 'Describe eventtype';
  static override description = 'Describe eventtype';
  static override usage = 'eventtype describe';
  static override examples = [
    "# Describe eventtype 'myeventtype' in the current namespace",
    'kn eventtype describe myeventtype',
    "# Describe eventtype 'myeventtype' in the 'myproject' namespace",
    'kn eventtype describe myeventtype --namespace myproject',
    "# Describe eventtype 'myeventtype' in YAML format",
    'kn eventtype describe myeventtype -o yaml',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'eventtype name' }) };
  static override flags = { ...namespaceFlag, ...outputFlags() };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(EventTypeDescribe);
    const { eventTypeDescribe } = await import('../../cli/eventing/eventtype.ts');
    await eventTypeDescribe(this, flags, argv);
  }
}
