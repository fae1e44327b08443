import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag } from '../../../cli/flags.ts';

export default class ContainerSourceDelete extends KnCommand {
  static override summary = "Delete a container source";
  static override description = "Delete a container source";
  static override usage = "source container delete NAME";
  static override examples = ["# Delete a ContainerSource 'src' in default namespace", "kn source container delete src"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = { ...namespaceFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ContainerSourceDelete);
    const { sourceDelete } = await import('../../../cli/sources/commands.ts');
    await sourceDelete(this, 'container', flags, argv);
  }
}
