import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag } from '../../../cli/flags.ts';
import { outputFlags, verboseFlag } from '../../../cli/output/flags.ts';

export default class ContainerSourceDescribe extends KnCommand {
  static override summary = "Show details of a container source";
  static override description = "Show details of a container source";
  static override usage = "source container describe NAME";
  static override examples = ["# Describe a container source 'src'", "kn source container describe src", "# Describe a container source 'src' in YAML format", "kn source container describe src -o yaml"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = { ...namespaceFlag, ...outputFlags(), ...verboseFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ContainerSourceDescribe);
    const { sourceDescribe } = await import('../../../cli/sources/commands.ts');
    await sourceDescribe(this, 'container', flags, argv);
  }
}
