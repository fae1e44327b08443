import { Args } from '@oclif/core';
import { SINK_USAGE } from '../../../api/eventing/sink.ts';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag, str, strArray } from '../../../cli/flags.ts';

export default class PingSourceCreate extends KnCommand {
  static override summary = "Create a ping source";
  static override description = "Create a ping source";
  static override usage = "source ping create NAME --sink SINK";
  static override examples = ["# Create a Ping source 'my-ping' which fires every two minutes and sends '{ value: \"hello\" }' to service 'mysvc' as a cloudevent", "kn source ping create my-ping --schedule \"*/2 * * * *\" --data '{ value: \"hello\" }' --sink ksvc:mysvc"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = {
    ...namespaceFlag,
    schedule: str("Optional schedule specification in crontab format (e.g. '*/2 * * * *' for every two minutes. By default fire every minute."),
    data: str('Data to send in JSON format. This flag can implicitly determine the encoding of the supplied data (text | base64).', { char: 'd' }),
    encoding: str('Data encoding format. One of: text | base64', { char: 'e' }),
    sink: str(SINK_USAGE, { char: 's' }),
    'ce-override': strArray('Cloud Event overrides to apply before sending event to sink. Example: \'--ce-override key=value\' You may be provide this flag multiple times. To unset, append "-" to the key (e.g. --ce-override key-).'),
  };

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(PingSourceCreate);
    const { sourceCreate } = await import('../../../cli/sources/commands.ts');
    await sourceCreate(this, 'ping', flags, argv, raw);
  }
}
