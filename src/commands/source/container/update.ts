import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { containerSourceFlags } from '../../../cli/sources/flags.ts';

export default class ContainerSourceUpdate extends KnCommand {
  static override summary = "Update a container source";
  static override description = "Update a container source";
  static override usage = "source container update NAME";
  static override examples = ["# Update a ContainerSource 'src' with a different image uri 'docker.io/sample/newimage'", "kn source container update src --image docker.io/sample/newimage"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = containerSourceFlags;

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(ContainerSourceUpdate);
    const { sourceUpdate } = await import('../../../cli/sources/commands.ts');
    await sourceUpdate(this, 'container', flags, argv, raw);
  }
}
