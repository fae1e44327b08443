import { Args } from '@oclif/core';
import { SINK_USAGE } from '../../../api/eventing/sink.ts';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag, str, strArray } from '../../../cli/flags.ts';

export default class BindingCreate extends KnCommand {
  static override summary = "Create a sink binding";
  static override description = "Create a sink binding";
  static override usage = "source binding create NAME --subject SUBJECT --sink SINK";
  static override examples = ["# Create a sink binding which connects a deployment 'myapp' with a Knative service 'mysvc'", "kn source binding create my-binding --subject Deployment:apps/v1:myapp --sink ksvc:mysvc"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = {
    ...namespaceFlag,
    subject: str('Subject which emits cloud events. This argument takes format kind:apiVersion:name for named resources or kind:apiVersion:labelKey1=value1,labelKey2=value2 for matching via a label selector'),
    sink: str(SINK_USAGE, { char: 's' }),
    'ce-override': strArray('Cloud Event overrides to apply before sending event to sink. Example: \'--ce-override key=value\' You may be provide this flag multiple times. To unset, append "-" to the key (e.g. --ce-override key-).'),
  };

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(BindingCreate);
    const { sourceCreate } = await import('../../../cli/sources/commands.ts');
    await sourceCreate(this, 'binding', flags, argv, raw);
  }
}
