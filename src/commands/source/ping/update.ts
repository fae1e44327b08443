import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { pingSourceFlags } from '../../../cli/sources/flags.ts';

export default class PingSourceUpdate extends KnCommand {
  static override summary = "Update a ping source";
  static override description = "Update a ping source";
  static override usage = "source ping update NAME";
  static override examples = ["# Update the schedule of a Ping source 'my-ping' to fire every minute", "kn source ping update my-ping --schedule \"* * * * *\""];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = pingSourceFlags;

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(PingSourceUpdate);
    const { sourceUpdate } = await import('../../../cli/sources/commands.ts');
    await sourceUpdate(this, 'ping', flags, argv, raw);
  }
}
