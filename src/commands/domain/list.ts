import type { DomainMapping } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag } from '../../cli/flags.ts';
import { checkOutput, noHeadersFlag, outputFlags, printList } from '../../cli/output/flags.ts';

export default class DomainList extends KnCommand {
  static override summary = 'List domain mappings';
  static override description = 'List domain mappings';
  static override aliases = ['domain:ls'];
  static override usage = 'domain list [options]';
  static override examples = ['# List all domain mappings', 'kn domain list'];
  static override flags = { ...namespaceFlag, ...allNamespacesFlag, ...noHeadersFlag, ...outputFlags() };

  async run(): Promise<void> {
    const { flags } = await this.parse(DomainList);
    const bad = await checkOutput(flags);
    if (bad) throw this.userError(bad);
    const { R } = await import('../../api/resources.ts');
    const client = await this.client(flags);
    const namespace = await this.namespace(flags);
    const list = await client.listAll<DomainMapping>(R.DomainMapping, { namespace });
    const { domainColumns } = await import('../../cli/serving/list-serving.ts');
    await printList({
      items: list.items,
      resource: R.DomainMapping,
      columns: domainColumns,
      empty: 'No domain mapping found.',
      withNamespace: namespace === '',
      flags,
    });
  }
}
