// The flags of `kn source ping|apiserver|binding|container create` and `update`: one set per source
// kind, served to both commands (upstream kn registers the same set on each pair). Only flag
// definitions here: this module is on the --help path.
import { SINK_USAGE } from '../../api/eventing/sink.ts';
import { namespaceFlag, str, strArray } from '../flags.ts';
import { podSpecFlags, updateOnlyFlags } from '../serving/podspec-flags.ts';

const sink = str(SINK_USAGE, { char: 's' });
const ceOverride = strArray('Cloud Event overrides to apply before sending event to sink. Example: \'--ce-override key=value\' You may be provide this flag multiple times. To unset, append "-" to the key (e.g. --ce-override key-).');

export const pingSourceFlags = {
  ...namespaceFlag,
  schedule: str("Optional schedule specification in crontab format (e.g. '*/2 * * * *' for every two minutes. By default fire every minute."),
  data: str('Data to send in JSON format. This flag can implicitly determine the encoding of the supplied data (text | base64).', { char: 'd' }),
  encoding: str('Data encoding format. One of: text | base64', { char: 'e' }),
  sink,
  'ce-override': ceOverride,
};

export const apiServerSourceFlags = {
  ...namespaceFlag,
  resource: strArray('Specification for which events to listen, in the format Kind:APIVersion:LabelSelector, e.g. "Event:sourcesv1:key=value". "LabelSelector" is a list of comma separated key value pairs. "LabelSelector" can be omitted, e.g. "Event:sourcesv1".'),
  mode: str('The mode the receive adapter controller runs under:, "Reference" or "Resource". "Reference" sends only the reference to the resource, "Resource" send the full resource. (default "Reference")'),
  'service-account': str('Name of the service account to use to run this source'),
  sink,
  'ce-override': ceOverride,
};

export const sinkBindingFlags = {
  ...namespaceFlag,
  subject: str('Subject which emits cloud events. This argument takes format kind:apiVersion:name for named resources or kind:apiVersion:labelKey1=value1,labelKey2=value2 for matching via a label selector'),
  sink,
  'ce-override': ceOverride,
};

export const containerSourceFlags = {
  ...namespaceFlag,
  sink,
  ...podSpecFlags,
  env: updateOnlyFlags.env,
  'env-value-from': updateOnlyFlags['env-value-from'],
  'env-from': updateOnlyFlags['env-from'],
};
