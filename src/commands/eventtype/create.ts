import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag, str } from '../../cli/flags.ts';

export default class EventTypeCreate extends KnCommand {
  static override summary = 'Create eventtype';
  static override description = 'Create eventtype';
  static override usage = 'eventtype create';
  static override examples = [
    "# Create eventtype 'myeventtype' of type example.type in the current namespace",
    'kn eventtype create myeventtype --type example.type',
    "# Create eventtype 'myeventtype' of type example.type in the 'myproject' namespace",
    'kn eventtype create myeventtype --namespace myproject -t example.type',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'eventtype name' }) };
  static override flags = {
    ...namespaceFlag,
    type: str('Cloud Event type', { char: 't' }),
    source: str('Cloud Event source'),
    broker: str('Cloud Event Broker. This flag is added for the convenience, since Eventing v1beta2 brokers as represented as KReference type.', { char: 'b' }),
    reference: str(
      "Addressable Reference producing events. You can specify a broker, channel, or fully qualified GroupVersionResource (GVR). Examples: '--reference broker:nest' for a broker 'nest', '--reference channel:pipe' for a channel 'pipe', '--reference special.eventing.dev/v1alpha1/channels:pipe' for GroupVersionResource of v1alpha1 'pipe'.",
      { char: 'r' },
    ),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(EventTypeCreate);
    const { eventTypeCreate } = await import('../../cli/eventing/eventtype.ts');
    await eventTypeCreate(this, flags, argv);
  }
}
