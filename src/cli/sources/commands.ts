// The bodies of `kn source …`, written against CommandContext (no oclif here): create, update,
// delete, describe and list for ping, apiserver, binding and container sources (upstream kn's
// messages, tables and errors), and `kn source list|list-types` over every CRD labelled
// duck.knative.dev/source=true (the built-in kinds when CRDs cannot be read).
import type { ResourceType, KubeObject } from '../../api/meta.ts';
import type { ApiServerSource, ContainerSource, PingSource, SinkBinding } from '../../api/sources/types.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { CommandContext, NamespaceFlagValues } from '../context.ts';
import { checkOutput, type OutputFlagValues, printList, printObject } from '../output/print.ts';

export type SourceNoun = 'ping' | 'apiserver' | 'binding' | 'container';
type Common = NamespaceFlagValues;
type AnySource = PingSource | ApiServerSource | SinkBinding | ContainerSource;

interface NounInfo {
  kind: 'PingSource' | 'ApiServerSource' | 'SinkBinding' | 'ContainerSource';
  /** How kn names it in messages. */
  label: string;
  created: string;
  updated: string;
  deleted: string;
  empty: string;
  /** Flags create requires, in kn's order. */
  required: string[];
}

export const NOUNS: Record<SourceNoun, NounInfo> = {
  ping: { kind: 'PingSource', label: 'Ping source', created: "Ping source '%s' created in namespace '%s'.", updated: "Ping source '%s' updated in namespace '%s'.", deleted: "Ping source '%s' deleted in namespace '%s'.", empty: 'No Ping source found.', required: ['sink'] },
  apiserver: { kind: 'ApiServerSource', label: 'ApiServer source', created: "ApiServer source '%s' created in namespace '%s'.", updated: "ApiServer source '%s' updated in namespace '%s'.", deleted: "ApiServer source '%s' deleted in namespace '%s'.", empty: 'No ApiServer source found.', required: ['resource', 'sink'] },
  binding: { kind: 'SinkBinding', label: 'sink binding', created: "Sink binding '%s' created in namespace '%s'.", updated: "Sink binding '%s' updated in namespace '%s'.", deleted: "Sink binding '%s' deleted in namespace '%s'.", empty: 'No sink binding found.', required: ['subject', 'sink'] },
  container: { kind: 'ContainerSource', label: 'Container source', created: "ContainerSource '%s' created in namespace '%s'.", updated: "Container source '%s' updated in namespace '%s'.", deleted: "ContainerSourcd '%s' deleted in namespace '%s'.", empty: 'No Container source found.', required: ['image', 'sink'] },
};

const fmt = (t: string, name: string, ns: string) => t.replace('%s', name).replace('%s', ns);

async function resourceOf(noun: SourceNoun): Promise<ResourceType> {
  const { R } = await import('../../api/resources.ts');
  return R[NOUNS[noun].kind];
}

const oneName = (ctx: CommandContext, argv: unknown[], noun: SourceNoun, verb: string): string => {
  if (argv.length !== 1 || !argv[0]) throw ctx.userError(`requires the name of the ${NOUNS[noun].label} to ${verb} as single argument`);
  return argv[0] as string;
};

/** kn checks that a referenced sink exists before writing. */
async function checkSink(client: KubeClient, sink: string | undefined, ns: string): Promise<void> {
  if (!sink) return;
  const { parseSink } = await import('../../api/eventing/sink.ts');
  const p = parseSink(sink, ns);
  if ('uri' in p) return;
  await client.get({ group: p.resource.group, version: p.resource.version, kind: p.resource.kind, plural: p.resource.resource, namespaced: true }, p.ref.name, p.ref.namespace);
}

type Flags = Common & Record<string, unknown>;

async function applyFlags(noun: SourceNoun, o: AnySource, flags: Flags, ns: string, create: boolean, ctx: CommandContext, raw?: readonly { type: string; flag?: string; input: string }[]): Promise<void> {
  const b = await import('./builders.ts');
  if (noun === 'ping') b.applyPingFlags(o as PingSource, flags as never, ns);
  else if (noun === 'apiserver') b.applyApiServerFlags(o as ApiServerSource, flags as never, ns, create);
  else if (noun === 'binding') b.applyBindingFlags(o as SinkBinding, flags as never, ns);
  else {
    const c = o as ContainerSource;
    const { newServiceSkeleton, applyConfigurationFlags } = await import('../serving/podspec.ts');
    const { loadEditInputs } = await import('../serving/podspec-flags.ts');
    const svc = newServiceSkeleton(c.metadata.name ?? '', ns);
    if (c.spec?.template?.spec) (svc.spec.template.spec as unknown) = structuredClone(c.spec.template.spec);
    const inputs = await loadEditInputs(flags as never);
    applyConfigurationFlags(svc, flags as never, { isCreate: create, command: create ? 'create' : 'update', ...inputs, ...(raw ? { raw } : {}) });
    const spec = (c.spec ??= {});
    spec.template = { ...(spec.template ?? {}), spec: svc.spec.template.spec as never };
    if (typeof flags.sink === 'string') spec.sink = b.sinkFromFlag(flags.sink, ns);
  }
  void ctx;
}

export async function sourceCreate(ctx: CommandContext, noun: SourceNoun, flags: Flags, argv: unknown[], raw?: readonly { type: string; flag?: string; input: string }[]): Promise<void> {
  const name = oneName(ctx, argv, noun, 'create');
  const info = NOUNS[noun];
  const missing = info.required.filter((f) => flags[f] === undefined || (Array.isArray(flags[f]) && !(flags[f] as unknown[]).length));
  if (missing.length) throw ctx.userError(`required flag(s) ${missing.map((m) => `"${m}"`).join(', ')} not set`);
  const ns = await ctx.namespace(flags);
  const r = await resourceOf(noun);
  const obj = { apiVersion: 'sources.knative.dev/v1', kind: info.kind, metadata: { name, namespace: ns } } as AnySource;
  const because = (e: unknown) => new Error(`cannot create ${info.kind} "${name}" in namespace "${ns}" because: ${(e as Error).message.replace(/^Error: /, '')}`);
  try {
    await applyFlags(noun, obj, flags, ns, true, ctx, raw);
  } catch (e) {
    if ((e as { name?: string }).name === 'UserError') throw e;
    throw ctx.userError(because(e).message);
  }
  const client = await ctx.client(flags);
  try {
    await checkSink(client, flags.sink as string | undefined, ns);
    await client.create(r, obj);
  } catch (e) {
    throw because(e);
  }
  process.stdout.write(`${fmt(info.created, name, ns)}\n`);
}

export async function sourceUpdate(ctx: CommandContext, noun: SourceNoun, flags: Flags, argv: unknown[], raw?: readonly { type: string; flag?: string; input: string }[]): Promise<void> {
  const name = oneName(ctx, argv, noun, 'update');
  const info = NOUNS[noun];
  const ns = await ctx.namespace(flags);
  const r = await resourceOf(noun);
  const client = await ctx.client(flags);
  const obj = await client.get<AnySource>(r, name, ns);
  if (obj.metadata.deletionTimestamp) throw new Error(`can't update ${noun === 'binding' ? 'binding' : `${noun} source`} ${name} because it has been marked for deletion`);
  try {
    await applyFlags(noun, obj, flags, ns, false, ctx, raw);
  } catch (e) {
    if ((e as { name?: string }).name === 'UserError') throw e;
    throw ctx.userError(`cannot update ${info.kind} "${name}" in namespace "${ns}" because: ${(e as Error).message}`);
  }
  await checkSink(client, flags.sink as string | undefined, ns);
  await client.replace(r, obj);
  process.stdout.write(`${fmt(info.updated, name, ns)}\n`);
}

export async function sourceDelete(ctx: CommandContext, noun: SourceNoun, flags: Flags, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, noun, 'delete');
  const ns = await ctx.namespace(flags);
  const client = await ctx.client(flags);
  await client.delete(await resourceOf(noun), name, ns);
  process.stdout.write(`${fmt(NOUNS[noun].deleted, name, ns)}\n`);
}

export async function sourceDescribe(ctx: CommandContext, noun: SourceNoun, flags: Flags & OutputFlagValues & { verbose?: boolean }, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, noun, 'describe');
  const bad = await checkOutput(flags);
  if (bad) throw ctx.userError(bad);
  const r = await resourceOf(noun);
  const o = await (await ctx.client(flags)).get<AnySource>(r, name, await ctx.namespace(flags));
  if (flags.output !== undefined) return printObject(o, r, flags);
  const b = await import('./builders.ts');
  const v = !!flags.verbose;
  process.stdout.write(
    noun === 'ping' ? b.describePing(o as PingSource, v) : noun === 'apiserver' ? b.describeApiServer(o as ApiServerSource, v) : noun === 'binding' ? b.describeBinding(o as SinkBinding, v) : b.describeContainer(o as ContainerSource, v),
  );
}

export async function sourceKindList(ctx: CommandContext, noun: SourceNoun, flags: Flags & OutputFlagValues & { 'no-headers'?: boolean }): Promise<void> {
  const bad = await checkOutput(flags);
  if (bad) throw ctx.userError(bad);
  const r = await resourceOf(noun);
  const client = await ctx.client(flags);
  const namespace = await ctx.namespace(flags);
  const items = (await client.listAll<AnySource>(r, { namespace })).items.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  const b = await import('./builders.ts');
  const columns = noun === 'ping' ? b.pingColumns() : noun === 'apiserver' ? b.apiServerColumns() : noun === 'binding' ? b.bindingColumns() : b.containerColumns();
  await printList({ items, resource: r, columns: columns as never, empty: NOUNS[noun].empty, withNamespace: namespace === '', flags });
}

interface Crd extends KubeObject {
  spec: { group: string; names: { kind: string; plural: string }; versions: { name: string; served?: boolean; storage?: boolean }[] };
}

/** The source CRDs (duck.knative.dev/source=true), or the built-ins when CRDs cannot be read. */
async function sourceTypes(client: KubeClient): Promise<{ crds: Crd[]; types: ResourceType[] }> {
  const { R } = await import('../../api/resources.ts');
  try {
    const crds = (await client.list<Crd>(R.CustomResourceDefinition, { labelSelector: 'duck.knative.dev/source=true' })).items.sort((a, b) => a.spec.names.kind.localeCompare(b.spec.names.kind));
    return {
      crds,
      types: crds.map((c) => {
        const v = c.spec.versions.find((x) => x.storage) ?? c.spec.versions[0]!;
        return { group: c.spec.group, version: v.name, kind: c.spec.names.kind, plural: c.spec.names.plural, namespaced: true };
      }),
    };
  } catch {
    return { crds: [], types: [R.ApiServerSource, R.ContainerSource, R.PingSource, R.SinkBinding] };
  }
}

export async function sourceList(ctx: CommandContext, flags: Flags & OutputFlagValues & { 'no-headers'?: boolean; type?: string[] }): Promise<void> {
  const bad = await checkOutput(flags);
  if (bad) throw ctx.userError(bad);
  const client = await ctx.client(flags);
  const namespace = await ctx.namespace(flags);
  const want = new Set((flags.type ?? []).flatMap((t) => t.split(',')).map((t) => t.trim().toLowerCase()).filter(Boolean));
  const { types } = await sourceTypes(client);
  const items: KubeObject[] = [];
  for (const t of types) {
    if (want.size && !want.has(t.kind.toLowerCase())) continue;
    try {
      for (const o of (await client.listAll(t, { namespace })).items) items.push({ ...o, apiVersion: `${t.group}/${t.version}`, kind: t.kind });
    } catch {
      // A source type whose objects cannot be listed (forbidden, not served) is skipped, as kn does.
    }
  }
  items.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  const { sourceListColumns } = await import('./builders.ts');
  await printList({ items, resource: { group: 'client.knative.dev', version: 'v1alpha1', kind: 'Source', plural: 'sources', namespaced: true }, columns: sourceListColumns() as never, empty: 'No sources found.', withNamespace: namespace === '', flags });
}

export async function sourceListTypes(ctx: CommandContext, flags: Flags & OutputFlagValues & { 'no-headers'?: boolean }): Promise<void> {
  const bad = await checkOutput(flags);
  if (bad) throw ctx.userError(bad);
  const client = await ctx.client(flags);
  const { R } = await import('../../api/resources.ts');
  const { BUILTIN_SOURCES } = await import('../../api/sources/types.ts');
  const { crds } = await sourceTypes(client);
  if (flags.output !== undefined) {
    const { formatOutput } = await import('../output/format.ts');
    process.stdout.write(await formatOutput({ items: crds }, R.CustomResourceDefinition, { output: flags.output, ...(flags.template ? { template: flags.template } : {}) } as never));
    return;
  }
  const desc: Record<string, string> = { ...Object.fromEntries(BUILTIN_SOURCES.map((b) => [b.kind, b.description])), KafkaSource: 'Route events from Apache Kafka Server to addressable' };
  const builtin = new Set<string>(BUILTIN_SOURCES.map((b) => b.kind));
  const rows = (crds.length ? crds.map((c) => ({ kind: c.spec.names.kind, name: c.metadata.name ?? '' })) : BUILTIN_SOURCES.map((b) => ({ kind: b.kind, name: `${b.plural}.sources.knative.dev` }))).map((x) => ({ metadata: {}, ...x }));
  const { renderTable } = await import('../output/table.ts');
  process.stdout.write(
    renderTable(
      [
        { name: 'Type', cell: (x: (typeof rows)[number]) => x.kind },
        { name: 'S', cell: (x: (typeof rows)[number]) => (builtin.has(x.kind) ? 'X' : '') },
        { name: 'Name', cell: (x: (typeof rows)[number]) => x.name },
        { name: 'Description', cell: (x: (typeof rows)[number]) => desc[x.kind] ?? '' },
      ],
      rows,
      { noHeaders: !!flags['no-headers'] },
    ),
  );
}
