import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag } from '../../../cli/flags.ts';
import { outputFlags, verboseFlag } from '../../../cli/output/flags.ts';

export default class ApiServerSourceDescribe extends KnCommand {
  static override summary = "Show details of a api-server source";
  static override description = "Show details of a api-server source";
  static override usage = "source apiserver describe NAME";
  static override examples = ["# Describe a api-server source 'k8sevents'", "kn source apiserver describe k8sevents", "# Describe a api-server source 'k8sevents' in YAML format", "kn source apiserver describe k8sevents -o yaml"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = { ...namespaceFlag, ...outputFlags(), ...verboseFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ApiServerSourceDescribe);
    const { sourceDescribe } = await import('../../../cli/sources/commands.ts');
    await sourceDescribe(this, 'apiserver', flags, argv);
  }
}
