import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { apiServerSourceFlags } from '../../../cli/sources/flags.ts';

export default class ApiServerSourceUpdate extends KnCommand {
  static override summary = "Update a api-server source";
  static override description = "Update a api-server source";
  static override usage = "source apiserver update NAME";
  static override examples = ["# Update an ApiServerSource 'k8sevents' with different service account and sink service", "kn source apiserver update k8sevents --service-account newsa --sink ksvc:newsvc"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = apiServerSourceFlags;

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(ApiServerSourceUpdate);
    const { sourceUpdate } = await import('../../../cli/sources/commands.ts');
    await sourceUpdate(this, 'apiserver', flags, argv, raw);
  }
}
