import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag, str } from '../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../cli/output/flags.ts';
import { serviceList } from '../../cli/serving/list-commands.ts';

export default class ServiceList extends KnCommand {
  static override summary = 'List services';
  static override description = 'List services';
  static override aliases = ['service:ls'];
  static override usage = 'service list [options]';
  static override examples = [
    '# List all services',
    'kn service list',
    '',
    '# List all services in JSON output format',
    'kn service list -o json',
    '',
    "# List service 'web'",
    'kn service list web',
    '',
    '# List the services in offline mode instead of kubernetes cluster (Beta)',
    'kn service list --target=/user/knfiles',
    'kn service list --target=/user/knfiles/test.json',
    'kn service list --target=/user/knfiles/test.yaml',
    'kn service list -n test-ns --target=/user/knfiles',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'service name' }) };
  static override flags = {
    ...namespaceFlag,
    ...allNamespacesFlag,
    ...noHeadersFlag,
    ...outputFlags(),
    target: str('Work on local directory instead of a remote cluster (experimental)'),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ServiceList);
    await serviceList(this, flags, argv);
  }
}
