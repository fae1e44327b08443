import { Args } from '@oclif/core';
import type { Service } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag, str } from '../../cli/flags.ts';
import { checkOutput, noHeadersFlag, outputFlags, printList } from '../../cli/output/flags.ts';

export default class ServiceList extends KnCommand {
  static override summary = 'List services';
  static override description = 'List services';
  static override aliases = ['service:ls'];
  static override usage = 'service list [name] [options]';
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
    if (argv.length > 1) throw this.userError("'kn service list' accepts maximum 1 argument");
    const bad = await checkOutput(flags);
    if (bad) throw this.userError(bad);
    const { R } = await import('../../api/resources.ts');
    const name = argv[0] as string | undefined;
    let items: Service[];
    let namespace: string;
    if (flags.target) {
      namespace = flags['all-namespaces'] ? '' : (flags.namespace ?? (await this.offlineNamespace(flags)));
      const { TargetStore } = await import('../../cli/serving/target.ts');
      items = new TargetStore(flags.target, namespace).list(namespace === '');
      if (name) items = items.filter((s) => s.metadata.name === name);
    } else {
      const client = await this.client(flags);
      namespace = await this.namespace(flags);
      const list = await client.listAll<Service>(R.Service, { namespace, fieldSelector: name ? `metadata.name=${name}` : undefined });
      items = list.items;
    }
    const { sortByNamespaceName, serviceColumns } = await import('../../cli/serving/list-serving.ts');
    await printList({
      items: sortByNamespaceName(items),
      resource: R.Service,
      columns: serviceColumns(),
      empty: 'No services found.',
      withNamespace: namespace === '',
      flags,
    });
  }

  /** --target needs no cluster: the kubeconfig's namespace if there is one, else default. */
  private async offlineNamespace(flags: Parameters<KnCommand['client']>[0]): Promise<string> {
    try {
      return (await this.client(flags)).namespace || 'default';
    } catch {
      return 'default';
    }
  }
}
