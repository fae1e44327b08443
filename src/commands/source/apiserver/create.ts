import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { apiServerSourceFlags } from '../../../cli/sources/flags.ts';

export default class ApiServerSourceCreate extends KnCommand {
  static override summary = "Create a api-server source";
  static override description = "Create a api-server source";
  static override usage = "source apiserver create NAME --resource RESOURCE --sink SINK";
  static override examples = ["# Create an ApiServerSource 'k8sevents' which consumes Kubernetes events and sends message to service 'mysvc' as a cloudevent", "kn source apiserver create k8sevents --resource Event:v1 --service-account myaccountname --sink ksvc:mysvc"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = apiServerSourceFlags;

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(ApiServerSourceCreate);
    const { sourceCreate } = await import('../../../cli/sources/commands.ts');
    await sourceCreate(this, 'apiserver', flags, argv, raw);
  }
}
