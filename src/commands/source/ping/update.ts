import { Args } from '@oclif/core';
import { SINK_USAGE } from '../../../api/eventing/sink.ts';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag, str, strArray } from '../../../cli/flags.ts';

export default class PingSourceUpdate extends KnCommand {
  static override summary = "Update a ping source";
  static override description = "Update a ping source";
  static override usage = "source ping update NAME";
  static override examples = ["# Update the schedule of a Ping source 'my-ping' to fire every minute", "kn source ping update my-ping --schedule \"* * * * *\""];
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
    const { argv, flags, raw } = await this.parse(PingSourceUpdate);
    const { sourceUpdate } = await import('../../../cli/sources/commands.ts');
    await sourceUpdate(this, 'ping', flags, argv, raw);
  }
}
