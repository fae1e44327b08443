import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag } from '../../cli/flags.ts';
import { noHeadersFlag, outputFlags } from '../../cli/output/flags.ts';
import { routeList } from '../../cli/serving/list-commands.ts';

export default class RouteList extends KnCommand {
  static override summary = 'List routes';
  static override description = 'List routes';
  static override aliases = ['route:ls'];
  static override usage = 'route list NAME [options]';
  static override examples = [
    '# List all routes',
    'kn route list',
    '',
    "# List route 'web' in namespace 'dev'",
    'kn route list web -n dev',
    '',
    '# List all routes in YAML format',
    'kn route list -o yaml',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'route name' }) };
  static override flags = { ...namespaceFlag, ...allNamespacesFlag, ...noHeadersFlag, ...outputFlags() };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(RouteList);
    await routeList(this, flags, argv);
  }
}
