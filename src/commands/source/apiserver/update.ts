import { Args } from '@oclif/core';
import { SINK_USAGE } from '../../../api/eventing/sink.ts';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag, str, strArray } from '../../../cli/flags.ts';

export default class ApiServerSourceUpdate extends KnCommand {
  static override summary = "Update a api-server source";
  static override description = "Update a api-server source";
  static override usage = "source apiserver update NAME";
  static override examples = ["# Update an ApiServerSource 'k8sevents' with different service account and sink service", "kn source apiserver update k8sevents --service-account newsa --sink ksvc:newsvc"];
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
    const { argv, flags, raw } = await this.parse(ApiServerSourceUpdate);
    const { sourceUpdate } = await import('../../../cli/sources/commands.ts');
    await sourceUpdate(this, 'apiserver', flags, argv, raw);
  }
}
