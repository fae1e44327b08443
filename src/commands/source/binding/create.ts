import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { sinkBindingFlags } from '../../../cli/sources/flags.ts';

export default class BindingCreate extends KnCommand {
  static override summary = "Create a sink binding";
  static override description = "Create a sink binding";
  static override usage = "source binding create NAME --subject SUBJECT --sink SINK";
  static override examples = ["# Create a sink binding which connects a deployment 'myapp' with a Knative service 'mysvc'", "kn source binding create my-binding --subject Deployment:apps/v1:myapp --sink ksvc:mysvc"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = sinkBindingFlags;

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(BindingCreate);
    const { sourceCreate } = await import('../../../cli/sources/commands.ts');
    await sourceCreate(this, 'binding', flags, argv, raw);
  }
}
