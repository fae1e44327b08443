import { Args } from '@oclif/core';
import type { Route } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag } from '../../cli/flags.ts';
import { checkOutput, noHeadersFlag, outputFlags, printList } from '../../cli/output/flags.ts';

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
    if (argv.length > 1) throw this.userError("'kn route list' accepts only one additional argument");
    const bad = await checkOutput(flags);
    if (bad) throw this.userError(bad);
    const { R } = await import('../../api/resources.ts');
    const client = await this.client(flags);
    const namespace = await this.namespace(flags);
    const name = argv[0] as string | undefined;
    const list = await client.listAll<Route>(R.Route, { namespace, fieldSelector: name ? `metadata.name=${name}` : undefined });
    const { routeColumns } = await import('../../cli/serving/list-serving.ts');
    // As upstream: no NAMESPACE column for routes, even with -A.
    await printList({ items: list.items, resource: R.Route, columns: routeColumns, empty: 'No routes found.', withNamespace: false, flags });
  }
}
