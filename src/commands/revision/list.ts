import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag, str } from '../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../cli/output/flags.ts';
import { revisionList } from '../../cli/serving/list-commands.ts';

export default class RevisionList extends KnCommand {
  static override summary = 'List revisions';
  static override description = 'List revisions for a given service.';
  static override aliases = ['revision:ls'];
  static override usage = 'revision list [options]';
  static override examples = [
    '# List all revisions',
    'kn revision list',
    '',
    "# List revisions for a service 'svc1' in namespace 'myapp'",
    'kn revision list -s svc1 -n myapp',
    '',
    '# List all revisions in JSON output format',
    'kn revision list -o json',
    '',
    "# List revision 'web'",
    'kn revision list web',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'revision name' }) };
  static override flags = {
    ...namespaceFlag,
    ...allNamespacesFlag,
    ...noHeadersFlag,
    ...outputFlags(),
    service: str('Service name', { char: 's' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(RevisionList);
    await revisionList(this, flags, argv);
  }
}
