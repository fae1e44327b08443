import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag } from '../../../cli/flags.ts';

export default class ApiServerSourceDelete extends KnCommand {
  static override summary = "Delete a api-server source";
  static override description = "Delete a api-server source";
  static override usage = "source apiserver delete NAME";
  static override examples = ["# Delete an ApiServerSource 'k8sevents' in default namespace", "kn source apiserver delete k8sevents"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = { ...namespaceFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ApiServerSourceDelete);
    const { sourceDelete } = await import('../../../cli/sources/commands.ts');
    await sourceDelete(this, 'apiserver', flags, argv);
  }
}
