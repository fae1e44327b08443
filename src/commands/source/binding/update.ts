import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { sinkBindingFlags } from '../../../cli/sources/flags.ts';

export default class BindingUpdate extends KnCommand {
  static override summary = "Update a sink binding";
  static override description = "Update a sink binding";
  static override usage = "source binding update NAME";
  static override examples = ["# Update the subject of a sink binding 'my-binding' to a new cronjob with label selector 'app=ping'", "kn source binding update my-binding --subject cronjob:batch/v1beta1:app=ping\""];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = sinkBindingFlags;

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(BindingUpdate);
    const { sourceUpdate } = await import('../../../cli/sources/commands.ts');
    await sourceUpdate(this, 'binding', flags, argv, raw);
  }
}
