import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../cli/output/flags.ts';

export default class SourceListTypes extends KnCommand {
  static override summary = 'List event source types';
  static override description = 'List event source types';
  static override usage = 'source list-types';
  static override examples = ['# List available event source types', 'kn source list-types', '# List available event source types in YAML format', 'kn source list-types -o yaml'];
  static override flags = { ...namespaceFlag, ...noHeadersFlag, ...outputFlags() };

  async run(): Promise<void> {
    const { flags } = await this.parse(SourceListTypes);
    const { sourceListTypes } = await import('../../cli/sources/commands.ts');
    await sourceListTypes(this, flags);
  }
}
