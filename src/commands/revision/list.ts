import { Args } from '@oclif/core';
import type { Revision, Service } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { allNamespacesFlag, namespaceFlag, str } from '../../cli/flags.ts';
import { checkOutput, noHeadersFlag, outputFlags, printList } from '../../cli/output/flags.ts';

export default class RevisionList extends KnCommand {
  static override summary = 'List revisions';
  static override description = 'List revisions for a given service.';
  static override aliases = ['revision:ls'];
  static override usage = 'revision list [name] [options]';
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
    if (argv.length > 1) throw this.userError(`'kn revision list' accepts maximum 1 argument, not ${argv.length} arguments as given`);
    const bad = await checkOutput(flags);
    if (bad) throw this.userError(bad);
    const { R } = await import('../../api/resources.ts');
    const client = await this.client(flags);
    const namespace = await this.namespace(flags);
    const services = new Map<string, Service>();
    const labels: string[] = [];
    if (flags.service !== undefined) {
      // As upstream: the service must exist.
      const svc = await client.get<Service>(R.Service, flags.service, namespace || undefined);
      services.set(`${svc.metadata.namespace}/${svc.metadata.name}`, svc);
      labels.push(`serving.knative.dev/service=${flags.service}`);
    }
    const name = argv[0] as string | undefined;
    // Without -o the Services are needed too (TRAFFIC, TAGS): ask for both lists at once.
    const servicesP =
      flags.output === undefined && flags.service === undefined ? client.listAll<Service>(R.Service, { namespace }) : undefined;
    servicesP?.catch(() => undefined);
    const list = await client.listAll<Revision>(R.Revision, {
      namespace,
      labelSelector: labels.join(',') || undefined,
      fieldSelector: name ? `metadata.name=${name}` : undefined,
    });
    const ls = await import('../../cli/serving/list-serving.ts');
    let items: Revision[] = list.items;
    if (flags.output === undefined && items.length) {
      // TRAFFIC and TAGS come from the Services' status. Upstream GETs each Service; one LIST of
      // the Services in scope (made in parallel above) gives the same cells.
      const wanted = new Set(items.map((r) => r.metadata.labels?.['serving.knative.dev/service']).filter(Boolean));
      if (wanted.size && servicesP) {
        for (const s of (await servicesP).items) services.set(`${s.metadata.namespace}/${s.metadata.name}`, s);
      }
      for (const r of items) {
        const svc = r.metadata.labels?.['serving.knative.dev/service'];
        if (svc && !services.has(`${r.metadata.namespace}/${svc}`)) {
          const { KubeError } = await import('../../kube/errors.ts');
          throw new KubeError(`services.serving.knative.dev "${svc}" not found`, 404, 'NotFound');
        }
      }
      items = ls.withTraffic(items, (ns, n) => services.get(`${ns}/${n}`));
    }
    await printList({
      items: ls.sortRevisions(items),
      resource: R.Revision,
      columns: ls.revisionColumns(),
      empty: 'No revisions found.',
      withNamespace: namespace === '',
      namespaceCell: ls.revisionNamespaceTrunc,
      flags,
    });
  }
}
