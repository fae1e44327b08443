import { Args } from '@oclif/core';
import { SINK_USAGE as SINK_FLAG_SUMMARY } from '../../api/eventing/sink.ts';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag, str, strArray } from '../../cli/flags.ts';

export default class TriggerUpdate extends KnCommand {
  static override summary = 'Update a trigger';
  static override description = 'Update a trigger';
  static override usage = 'trigger update NAME';
  static override examples = [
    "# Update the filter which key is 'type' to value 'knative.dev.bar' in a trigger 'mytrigger'",
    'kn trigger update mytrigger --filter type=knative.dev.bar',
    "# Remove the filter which key is 'type' from a trigger 'mytrigger'",
    'kn trigger update mytrigger --filter type-',
    "# Update the sink of a trigger 'mytrigger' to 'ksvc:new-service'",
    'kn trigger update mytrigger --sink ksvc:new-service',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'trigger name' }) };
  static override flags = {
    ...namespaceFlag,
    filter: strArray('Key-value pair for exact CloudEvent attribute matching against incoming events, e.g type=dev.knative.foo', { helpValue: 'strings' }),
    sink: str(SINK_FLAG_SUMMARY, { char: 's' }),
    target: str('Work on local directory instead of a remote cluster (experimental)'),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(TriggerUpdate);
    const { triggerUpdate } = await import('../../cli/eventing/commands.ts');
    await triggerUpdate(this, flags, argv);
  }
}
