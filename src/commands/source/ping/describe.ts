import { Args } from '@oclif/core';
import { KnCommand } from '../../../cli/base.ts';
import { namespaceFlag } from '../../../cli/flags.ts';
import { outputFlags, verboseFlag } from '../../../cli/output/flags.ts';

export default class PingSourceDescribe extends KnCommand {
  static override summary = "Show details of a ping source";
  static override description = "Show details of a ping source";
  static override usage = "source ping describe NAME";
  static override examples = ["# Describe a ping source 'myping'", "kn source ping describe myping", "# Describe a ping source 'myping' in YAML format", "kn source ping describe myping -o yaml"];
  static override strict = false;
  static override args = { name: Args.string({ description: 'source name' }) };
  static override flags = { ...namespaceFlag, ...outputFlags(), ...verboseFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(PingSourceDescribe);
    const { sourceDescribe } = await import('../../../cli/sources/commands.ts');
    await sourceDescribe(this, 'ping', flags, argv);
  }
}
