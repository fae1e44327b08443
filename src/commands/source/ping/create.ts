import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { pingSourceFlags } from '../../../cli/sources/flags.ts';

export default class PingSourceCreate extends KnCommand {
  static override summary = "Create a ping source";
  static override description = "Create a ping source";
  static override usage = "source ping create NAME --sink SINK";
  static override examples = ["# Create a Ping source 'my-ping' which fires every two minutes and sends '{ value: \"hello\" }' to service 'mysvc' as a cloudevent", "kn source ping create my-ping --schedule \"*/2 * * * *\" --data '{ value: \"hello\" }' --sink ksvc:mysvc"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = pingSourceFlags;

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(PingSourceCreate);
    const { sourceCreate } = await import('../../../cli/sources/commands.ts');
    await sourceCreate(this, 'ping', flags, argv, raw);
  }
}
