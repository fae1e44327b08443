import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { containerSourceFlags } from '../../../cli/sources/flags.ts';

export default class ContainerSourceCreate extends KnCommand {
  static override summary = "Create a container source";
  static override description = "Create a container source";
  static override usage = "source container create NAME --image IMAGE --sink SINK";
  static override examples = ["# Create a ContainerSource 'src' to start a container with image 'docker.io/sample/image' and send messages to service 'mysvc'", "kn source container create src --image docker.io/sample/image --sink ksvc:mysvc"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = containerSourceFlags;

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(ContainerSourceCreate);
    const { sourceCreate } = await import('../../../cli/sources/commands.ts');
    await sourceCreate(this, 'container', flags, argv, raw);
  }
}
