import { Args } from '@oclif/core';
import { SINK_USAGE } from '../../../api/eventing/sink.ts';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag, str, strArray } from '../../../cli/flags.ts';

export default class BindingUpdate extends KnCommand {
  static override summary = "Update a sink binding";
  static override description = "Update a sink binding";
  static override usage = "source binding update NAME";
  static override examples = ["# Update the subject of a sink binding 'my-binding' to a new cronjob with label selector 'app=ping'", "kn source binding update my-binding --subject cronjob:batch/v1beta1:app=ping\""];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = {
    ...namespaceFlag,
    subject: str('Subject which emits cloud events. This argument takes format kind:apiVersion:name for named resources or kind:apiVersion:labelKey1=value1,labelKey2=value2 for matching via a label selector'),
    sink: str(SINK_USAGE, { char: 's' }),
    'ce-override': strArray('Cloud Event overrides to apply before sending event to sink. Example: \'--ce-override key=value\' You may be provide this flag multiple times. To unset, append "-" to the key (e.g. --ce-override key-).'),
  };

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(BindingUpdate);
    const { sourceUpdate } = await import('../../../cli/sources/commands.ts');
    await sourceUpdate(this, 'binding', flags, argv, raw);
  }
}
