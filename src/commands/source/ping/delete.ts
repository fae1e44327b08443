import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag } from '../../../cli/flags.ts';

export default class PingSourceDelete extends KnCommand {
  static override summary = "Delete a ping source";
  static override description = "Delete a ping source";
  static override usage = "source ping delete NAME";
  static override examples = ["# Delete a Ping source 'my-ping'", "kn source ping delete my-ping"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = { ...namespaceFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(PingSourceDelete);
    const { sourceDelete } = await import('../../../cli/sources/commands.ts');
    await sourceDelete(this, 'ping', flags, argv);
  }
}
