// `kn eventtype create|list|describe|delete` (upstream kn's pkg/commands/eventtype), written against
// CommandContext (no oclif here). kn reads and writes EventTypes at eventing.knative.dev/v1beta2,
// as upstream kn does: spec.type, spec.source and spec.reference (a Broker for --broker, any
// addressable for --reference, with the sink syntax and its existence check).
import type { ParsedSink } from '../../api/eventing/sink.ts';
import type { EventType, KReference } from '../../api/eventing/types.ts';
import type { CommandContext, NamespaceFlagValues } from '../context.ts';
import { PrefixWriter, writeConditions, writeMetadata } from '../output/describe.ts';
import { checkOutput, type OutputFlagValues, printList, printObject } from '../output/print.ts';
import { ageCell, type Column, readyCell } from '../output/table.ts';

export interface EventTypeFlagValues extends NamespaceFlagValues {
  type?: string;
  source?: string;
  broker?: string;
  reference?: string;
}

/** The EventType `kn eventtype create` sends (pure); `reference` is the resolved --reference. */
export function buildEventType(name: string, namespace: string, f: EventTypeFlagValues, reference?: KReference): EventType {
  const spec: NonNullable<EventType['spec']> = { type: f.type ?? '' };
  if (f.source) spec.source = f.source;
  if (f.broker) spec.reference = { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: f.broker };
  if (reference) spec.reference = reference;
  return { apiVersion: 'eventing.knative.dev/v1beta2', kind: 'EventType', metadata: { name, namespace }, spec };
}

export const eventTypeColumns = (now = Date.now()): Column<EventType>[] => [
  { name: 'Name', cell: (e) => e.metadata.name ?? '' },
  { name: 'Type', cell: (e) => e.spec?.type ?? '' },
  { name: 'Source', cell: (e) => e.spec?.source ?? '' },
  { name: 'Reference', cell: (e) => e.spec?.reference?.name ?? '' },
  { name: 'Age', cell: (e) => ageCell(e.metadata.creationTimestamp, now) },
  { name: 'Ready', cell: (e) => readyCell(e.status?.conditions) },
];

/** upstream's describeEventtype: metadata, Source, Reference, conditions (no Type line, as upstream). */
export function describeEventType(e: EventType, now = Date.now()): string {
  const dw = new PrefixWriter();
  writeMetadata(dw, e.metadata, false, now);
  dw.writeAttribute('Source', e.spec?.source ?? '');
  const ref = dw.writeAttribute('Reference', '');
  const r = e.spec?.reference;
  if (r) {
    ref.writeAttribute('APIVersion', r.apiVersion ?? '');
    ref.writeAttribute('Kind', r.kind ?? '');
    ref.writeAttribute('Name', r.name ?? '');
    if (e.metadata.namespace && e.metadata.namespace !== r.namespace) ref.writeAttribute('Namespace', r.namespace ?? '');
  }
  dw.writeLine();
  dw.writeLine();
  writeConditions(dw, e.status?.conditions, false, now);
  return dw.toString();
}

const oneName = (ctx: CommandContext, argv: unknown[], verb: string): string => {
  if (argv.length !== 1 || !argv[0]) throw ctx.userError(`'eventtype ${verb}' requires the eventtype name given as single argument`);
  return argv[0] as string;
};

const because = (verb: string, name: string, ns: string, e: unknown) =>
  new Error(`cannot ${verb} eventtype '${name}' in namespace '${ns}' because: ${(e as Error).message.replace(/^Error: /, '')}`);

export async function eventTypeCreate(ctx: CommandContext, flags: EventTypeFlagValues, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, 'create');
  if (!flags.type) throw ctx.userError('required flag(s) "type" not set');
  if (flags.broker && flags.reference) throw ctx.userError("use only one of '--broker' or '--reference' flags");
  const { R } = await import('../../api/resources.ts');
  const { parseSink } = await import('../../api/eventing/sink.ts');
  const ns = await ctx.namespace(flags);
  let parsed: ParsedSink | undefined;
  if (flags.source) {
    try {
      new URL(flags.source, 'http://relative.invalid');
    } catch {
      throw ctx.userError(`cannot create eventtype '${name}' in namespace '${ns}' because: parse "${flags.source}": invalid URI`);
    }
  }
  if (flags.reference) {
    try {
      parsed = parseSink(flags.reference, ns);
    } catch (e) {
      throw ctx.userError(`cannot create eventtype '${name}' in namespace '${ns}' because: ${(e as Error).message}`);
    }
  }
  const client = await ctx.client(flags);
  try {
    // The referenced object must exist (kn's sink resolution); a URL gives no reference.
    const ref = parsed && 'ref' in parsed ? parsed : undefined;
    if (ref) await client.get({ group: ref.resource.group, version: ref.resource.version, kind: ref.resource.kind, plural: ref.resource.resource, namespaced: true }, ref.ref.name, ref.ref.namespace);
    await client.create(R.EventType, buildEventType(name, ns, flags, ref?.ref));
  } catch (e) {
    throw because('create', name, ns, e);
  }
  process.stdout.write(`Eventtype '${name}' successfully created in namespace '${ns}'.\n`);
}

export async function eventTypeDelete(ctx: CommandContext, flags: NamespaceFlagValues, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, 'delete');
  const { R } = await import('../../api/resources.ts');
  const ns = await ctx.namespace(flags);
  const client = await ctx.client(flags);
  try {
    await client.delete(R.EventType, name, ns);
  } catch (e) {
    throw because('delete', name, ns, e);
  }
  process.stdout.write(`Eventtype '${name}' successfully deleted in namespace '${ns}'.\n`);
}

export async function eventTypeList(ctx: CommandContext, flags: NamespaceFlagValues & OutputFlagValues & { 'no-headers'?: boolean }): Promise<void> {
  const bad = await checkOutput(flags);
  if (bad) throw ctx.userError(bad);
  const { R } = await import('../../api/resources.ts');
  const client = await ctx.client(flags);
  const namespace = await ctx.namespace(flags);
  const items = (await client.listAll<EventType>(R.EventType, { namespace })).items;
  items.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  await printList({ items, resource: R.EventType, columns: eventTypeColumns() as never, empty: 'No eventtypes found.', withNamespace: namespace === '', flags });
}

export async function eventTypeDescribe(ctx: CommandContext, flags: NamespaceFlagValues & OutputFlagValues, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, 'describe');
  const bad = await checkOutput(flags);
  if (bad) throw ctx.userError(bad);
  const { R } = await import('../../api/resources.ts');
  const e = await (await ctx.client(flags)).get<EventType>(R.EventType, name, await ctx.namespace(flags));
  if (flags.output !== undefined) {
    await printObject(e, R.EventType, flags);
    return;
  }
  process.stdout.write(describeEventType(e));
}
