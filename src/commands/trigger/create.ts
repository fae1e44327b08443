import { Args } from '@oclif/core';
import { SINK_USAGE as SINK_FLAG_SUMMARY } from '../../api/eventing/sink.ts';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag, str, strArray, strDefault } from '../../cli/flags.ts';

export default class TriggerCreate extends KnCommand {
  static override summary = 'Create a trigger';
  static override description = 'Create a trigger';
  static override usage = 'trigger create NAME --sink SINK';
  static override examples = [
    "# Create a trigger 'mytrigger' to declare a subscription to events from default broker. The subscriber is service 'mysvc'",
    'kn trigger create mytrigger --broker default --sink ksvc:mysvc',
    '# Create a trigger to filter events with attribute \'type=dev.knative.foo\'',
    'kn trigger create mytrigger --broker default --filter type=dev.knative.foo --sink ksvc:mysvc',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'trigger name' }) };
  static override flags = {
    ...namespaceFlag,
    broker: strDefault('Name of the Broker which the trigger associates with.', 'default'),
    filter: strArray('Key-value pair for exact CloudEvent attribute matching against incoming events, e.g type=dev.knative.foo', { helpValue: 'strings' }),
    sink: str(SINK_FLAG_SUMMARY, { char: 's' }),
    target: str('Work on local directory instead of a remote cluster (experimental)'),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(TriggerCreate);
    const { triggerCreate } = await import('../../cli/eventing/commands.ts');
    await triggerCreate(this, flags, argv);
  }
}
