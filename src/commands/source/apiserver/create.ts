import { Args } from '@oclif/core';
import { SINK_USAGE } from '../../../api/eventing/sink.ts';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag, str, strArray } from '../../../cli/flags.ts';

export default class ApiServerSourceCreate extends KnCommand {
  static override summary = "Create a api-server source";
  static override description = "Create a api-server source";
  static override usage = "source apiserver create NAME --resource RESOURCE --sink SINK";
  static override examples = ["# Create an ApiServerSource 'k8sevents' which consumes Kubernetes events and sends message to service 'mysvc' as a cloudevent", "kn source apiserver create k8sevents --resource Event:v1 --service-account myaccountname --sink ksvc:mysvc"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = {
    ...namespaceFlag,
    resource: strArray('Specification for which events to listen, in the format Kind:APIVersion:LabelSelector, e.g. "Event:sourcesv1:key=value". "LabelSelector" is a list of comma separated key value pairs. "LabelSelector" can be omitted, e.g. "Event:sourcesv1".'),
    mode: str('The mode the receive adapter controller runs under:, "Reference" or "Resource". "Reference" sends only the reference to the resource, "Resource" send the full resource. (default "Reference")'),
    'service-account': str('Name of the service account to use to run this source'),
    sink: str(SINK_USAGE, { char: 's' }),
    'ce-override': strArray('Cloud Event overrides to apply before sending event to sink. Example: \'--ce-override key=value\' You may be provide this flag multiple times. To unset, append "-" to the key (e.g. --ce-override key-).'),
  };

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(ApiServerSourceCreate);
    const { sourceCreate } = await import('../../../cli/sources/commands.ts');
    await sourceCreate(this, 'apiserver', flags, argv, raw);
  }
}
