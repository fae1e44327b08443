// The bodies of `kn service|revision|route|domain list`, written against CommandContext so that
// they run under oclif (src/commands/…/list.ts) and under the direct runner (src/cli/direct.ts),
// which skips loading oclif for these hot commands. Nothing here imports oclif.
import { checkName, REVISION_NAME, ROUTE_NAME, SERVICE_NAME } from '../names.ts';
import type { Revision, Route, DomainMapping, Service } from '../../api/serving/types.ts';
import type { CommandContext, NamespaceFlagValues } from '../context.ts';
import { checkOutput, type OutputFlagValues, printList } from '../output/print.ts';

export type ListFlagValues = NamespaceFlagValues & OutputFlagValues & { 'no-headers'?: boolean };

export async function serviceList(ctx: CommandContext, flags: ListFlagValues & { target?: string }, argv: unknown[]): Promise<void> {
  if (argv.length > 1) throw ctx.userError("'kn service list' accepts maximum 1 argument");
  if (argv.length === 1) checkName(SERVICE_NAME, String(argv[0]));
  (await import('./target.ts')).checkTargetFlag(flags.target);
  const bad = await checkOutput(flags);
  if (bad) throw ctx.userError(bad);
  const { R } = await import('../../api/resources.ts');
  const name = argv[0] as string | undefined;
  let items: Service[];
  let namespace: string;
  if (flags.target) {
    namespace = flags['all-namespaces'] ? '' : (flags.namespace ?? (await offlineNamespace(ctx, flags)));
    const { TargetStore } = await import('./target.ts');
    items = new TargetStore(flags.target, namespace).list(namespace === '');
    if (name) items = items.filter((s) => s.metadata.name === name);
  } else {
    const client = await ctx.client(flags);
    namespace = await ctx.namespace(flags);
    const list = await client.listAll<Service>(R.Service, { namespace, fieldSelector: name ? `metadata.name=${name}` : undefined });
    items = list.items;
  }
  const { sortByNamespaceName, serviceColumns } = await import('./list-serving.ts');
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
async function offlineNamespace(ctx: CommandContext, flags: ListFlagValues): Promise<string> {
  try {
    return (await ctx.client(flags)).namespace || 'default';
  } catch {
    return 'default';
  }
}

export async function revisionList(ctx: CommandContext, flags: ListFlagValues & { service?: string }, argv: unknown[]): Promise<void> {
  if (argv.length > 1) throw ctx.userError(`'kn revision list' accepts maximum 1 argument, not ${argv.length} arguments as given`);
  if (argv.length === 1) checkName(REVISION_NAME, String(argv[0]));
  if (flags.service !== undefined) checkName(SERVICE_NAME, flags.service, { flag: '--service' });
  const bad = await checkOutput(flags);
  if (bad) throw ctx.userError(bad);
  const { R } = await import('../../api/resources.ts');
  const client = await ctx.client(flags);
  const namespace = await ctx.namespace(flags);
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
  const servicesP = flags.output === undefined && flags.service === undefined ? client.listAll<Service>(R.Service, { namespace }) : undefined;
  servicesP?.catch(() => undefined);
  const list = await client.listAll<Revision>(R.Revision, {
    namespace,
    labelSelector: labels.join(',') || undefined,
    fieldSelector: name ? `metadata.name=${name}` : undefined,
  });
  const ls = await import('./list-serving.ts');
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

export async function routeList(ctx: CommandContext, flags: ListFlagValues, argv: unknown[]): Promise<void> {
  if (argv.length > 1) throw ctx.userError("'kn route list' accepts only one additional argument");
  if (argv.length === 1) checkName(ROUTE_NAME, String(argv[0]));
  const bad = await checkOutput(flags);
  if (bad) throw ctx.userError(bad);
  const { R } = await import('../../api/resources.ts');
  const client = await ctx.client(flags);
  const namespace = await ctx.namespace(flags);
  const name = argv[0] as string | undefined;
  const list = await client.listAll<Route>(R.Route, { namespace, fieldSelector: name ? `metadata.name=${name}` : undefined });
  const { routeColumns } = await import('./list-serving.ts');
  // As upstream: no NAMESPACE column for routes, even with -A.
  await printList({ items: list.items, resource: R.Route, columns: routeColumns, empty: 'No routes found.', withNamespace: false, flags });
}

export async function domainList(ctx: CommandContext, flags: ListFlagValues): Promise<void> {
  const bad = await checkOutput(flags);
  if (bad) throw ctx.userError(bad);
  const { R } = await import('../../api/resources.ts');
  const client = await ctx.client(flags);
  const namespace = await ctx.namespace(flags);
  const list = await client.listAll<DomainMapping>(R.DomainMapping, { namespace });
  const { domainColumns } = await import('./list-serving.ts');
  await printList({
    items: list.items,
    resource: R.DomainMapping,
    columns: domainColumns,
    empty: 'No domain mapping found.',
    withNamespace: namespace === '',
    flags,
  });
}
