import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag } from '../../../cli/flags.ts';

export default class BindingDelete extends KnCommand {
  static override summary = "Delete a sink binding";
  static override description = "Delete a sink binding";
  static override usage = "source binding delete NAME";
  static override examples = ["# Delete a sink binding with name 'my-binding'", "kn source binding delete my-binding"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = { ...namespaceFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(BindingDelete);
    const { sourceDelete } = await import('../../../cli/sources/commands.ts');
    await sourceDelete(this, 'binding', flags, argv);
  }
}
