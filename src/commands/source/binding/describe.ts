import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag } from '../../../cli/flags.ts';
import { outputFlags, verboseFlag } from '../../../cli/output/flags.ts';

export default class BindingDescribe extends KnCommand {
  static override summary = "Show details of a sink binding";
  static override description = "Show details of a sink binding";
  static override usage = "source binding describe NAME";
  static override examples = ["# Describe a sink binding 'mysinkbinding'", "kn source binding describe mysinkbinding", "# Describe a sink binding 'mysinkbinding' in YAML format", "kn source binding describe mysinkbinding -o yaml"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = { ...namespaceFlag, ...outputFlags(), ...verboseFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(BindingDescribe);
    const { sourceDescribe } = await import('../../../cli/sources/commands.ts');
    await sourceDescribe(this, 'binding', flags, argv);
  }
}
