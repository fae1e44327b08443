import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag } from '../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../cli/output/flags.ts';
import { domainList } from '../../cli/serving/list-commands.ts';

export default class DomainList extends KnCommand {
  static override summary = 'List domain mappings';
  static override description = 'List domain mappings';
  static override aliases = ['domain:ls'];
  static override usage = 'domain list [options]';
  static override examples = [
    '# List all domain mappings',
    'kn domain list',
    '',
    '# List all domain mappings in JSON output format',
    'kn domain list -o json',
  ];
  static override flags = { ...namespaceFlag, ...allNamespacesFlag, ...noHeadersFlag, ...outputFlags() };

  async run(): Promise<void> {
    const { flags } = await this.parse(DomainList);
    await domainList(this, flags);
  }
}
