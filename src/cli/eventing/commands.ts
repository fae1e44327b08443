// The bodies of `kn broker …` and `kn trigger …`, written against CommandContext (no oclif here).
import type { ParsedSink } from '../../api/eventing/sink.ts';
import type { Broker, Trigger } from '../../api/eventing/types.ts';
import type { ResourceType } from '../../api/meta.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { CommandContext, NamespaceFlagValues } from '../context.ts';
import { checkOutput, type OutputFlagValues, printList, printObject } from '../output/print.ts';
import { type BrokerFlagValues, applyFilters, brokerColumns, buildBroker, buildTrigger, triggerColumns, type TriggerFlagValues } from './builders.ts';
import { anyDeliveryFlag, deliveryFromFlags } from './delivery-flags.ts';

type Common = NamespaceFlagValues & { target?: string };
type Noun = 'broker' | 'trigger';

async function offlineNamespace(ctx: CommandContext, flags: Common): Promise<string> {
  if (flags.namespace) return flags.namespace;
  try {
    return (await ctx.client(flags)).namespace || 'default';
  } catch {
    return 'default';
  }
}

async function store<T extends Broker | Trigger>(ctx: CommandContext, flags: Common, kind: 'Broker' | 'Trigger') {
  const { EventingTarget } = await import('./target.ts');
  const ns = flags['all-namespaces'] ? '' : await offlineNamespace(ctx, flags);
  return new EventingTarget<T>(flags.target!, ns, kind);
}

/** The resource a parsed sink refers to, for the existence check kn makes. */
async function sinkResource(sink: ParsedSink): Promise<ResourceType | undefined> {
  if ('uri' in sink) return undefined;
  return { group: sink.resource.group, version: sink.resource.version, kind: sink.resource.kind, plural: sink.resource.resource, namespaced: true };
}

async function checkSink(client: KubeClient, sink: ParsedSink | undefined): Promise<void> {
  if (!sink || 'uri' in sink) return;
  const r = await sinkResource(sink);
  if (r) await client.get(r, sink.ref.name, sink.ref.namespace);
}

// Upstream kn's wording, which differs from command to command.
const NAME_REQUIRED: Record<string, string> = {
  'trigger create': "'trigger create' requires the name of the trigger",
  'trigger update': 'name of trigger required',
  'trigger delete': "'trigger delete' requires the name of the trigger as single argument",
  'trigger describe': "'kn trigger describe' requires name of the trigger as single argument",
};
const oneName = (ctx: CommandContext, argv: unknown[], noun: Noun, verb: string): string => {
  if (argv.length !== 1 || !argv[0]) throw ctx.userError(NAME_REQUIRED[`${noun} ${verb}`] ?? `'${noun} ${verb}' requires the ${noun} name given as single argument`);
  return argv[0] as string;
};

const because = (verb: string, noun: Noun, name: string, ns: string, e: unknown) =>
  new Error(`cannot ${verb} ${noun} '${name}' in namespace '${ns}' because: ${(e as Error).message.replace(/^Error: /, '')}`);

export async function brokerCreate(ctx: CommandContext, flags: Common & BrokerFlagValues, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, 'broker', 'create');
  const { R } = await import('../../api/resources.ts');
  const ns = flags.target ? await offlineNamespace(ctx, flags) : await ctx.namespace(flags);
  let built;
  try {
    built = buildBroker(name, ns, flags);
  } catch (e) {
    throw ctx.userError((e as Error).message);
  }
  if (flags.target) {
    const s = await store<Broker>(ctx, flags, 'Broker');
    if (s.find(name)) throw new Error(`cannot create broker '${name}' in namespace '${ns}' because: brokers.eventing.knative.dev "${name}" already exists`);
    s.write(built.broker);
  } else {
    const client = await ctx.client(flags);
    try {
      await checkSink(client, built.dlSink);
      await client.create(R.Broker, built.broker);
    } catch (e) {
      throw because('create', 'broker', name, ns, e);
    }
  }
  process.stdout.write(`Broker '${name}' successfully created in namespace '${ns}'.\n`);
}

export async function brokerUpdate(ctx: CommandContext, flags: Common & BrokerFlagValues, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, 'broker', 'update');
  if (!anyDeliveryFlag(flags)) throw ctx.userError('flag(s) not set');
  const { R } = await import('../../api/resources.ts');
  const ns = flags.target ? await offlineNamespace(ctx, flags) : await ctx.namespace(flags);
  const apply = (b: Broker) => {
    try {
      const { delivery, dlSink } = deliveryFromFlags(flags, ns, b.spec?.delivery ?? {});
      b.spec = { ...(b.spec ?? {}), delivery };
      return dlSink;
    } catch (e) {
      throw ctx.userError((e as Error).message);
    }
  };
  if (flags.target) {
    const s = await store<Broker>(ctx, flags, 'Broker');
    const b = s.get(name);
    apply(b);
    s.write(b);
  } else {
    const client = await ctx.client(flags);
    const b = await client.get<Broker>(R.Broker, name, ns);
    const dl = apply(b);
    await checkSink(client, dl);
    await client.replace(R.Broker, b);
  }
  process.stdout.write(`Broker '${name}' updated in namespace '${ns}'.\n`);
}

export async function triggerCreate(ctx: CommandContext, flags: Common & TriggerFlagValues, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, 'trigger', 'create');
  const { R } = await import('../../api/resources.ts');
  const ns = flags.target ? await offlineNamespace(ctx, flags) : await ctx.namespace(flags);
  let built;
  try {
    built = buildTrigger(name, ns, flags);
  } catch (e) {
    const m = (e as Error).message;
    throw ctx.userError(m.startsWith('required flag') ? m : `cannot create trigger '${name}' in namespace '${ns}' because: ${m}`);
  }
  if (flags.target) {
    const s = await store<Trigger>(ctx, flags, 'Trigger');
    if (s.find(name)) throw new Error(`cannot create trigger '${name}' in namespace '${ns}' because: triggers.eventing.knative.dev "${name}" already exists`);
    s.write(built.trigger);
  } else {
    const client = await ctx.client(flags);
    try {
      await checkSink(client, built.sink);
      await client.create(R.Trigger, built.trigger);
    } catch (e) {
      throw because('create', 'trigger', name, ns, e);
    }
  }
  process.stdout.write(`Trigger '${name}' successfully created in namespace '${ns}'.\n`);
}

export async function triggerUpdate(ctx: CommandContext, flags: Common & TriggerFlagValues, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, 'trigger', 'update');
  if (!flags.sink && !flags.filter?.length) throw ctx.userError('flag(s) not set');
  const { R } = await import('../../api/resources.ts');
  const { parseSink, sinkDestination } = await import('../../api/eventing/sink.ts');
  const ns = flags.target ? await offlineNamespace(ctx, flags) : await ctx.namespace(flags);
  let sink: ParsedSink | undefined;
  const apply = (t: Trigger) => {
    try {
      const spec = (t.spec ??= {});
      if (flags.filter?.length) {
        const attributes = applyFilters(spec.filter?.attributes, flags.filter, true);
        spec.filter = Object.keys(attributes).length ? { attributes } : {};
      }
      if (flags.sink) {
        sink = parseSink(flags.sink, ns);
        spec.subscriber = sinkDestination(sink, ns);
      }
    } catch (e) {
      throw ctx.userError((e as Error).message);
    }
  };
  if (flags.target) {
    const s = await store<Trigger>(ctx, flags, 'Trigger');
    const t = s.get(name);
    apply(t);
    s.write(t);
  } else {
    const client = await ctx.client(flags);
    const t = await client.get<Trigger>(R.Trigger, name, ns);
    apply(t);
    await checkSink(client, sink);
    await client.replace(R.Trigger, t);
  }
  process.stdout.write(`Trigger '${name}' updated in namespace '${ns}'.\n`);
}

export async function eventingDelete(ctx: CommandContext, noun: Noun, flags: Common & { wait?: boolean; 'wait-timeout'?: number }, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, noun, 'delete');
  const { R } = await import('../../api/resources.ts');
  const ns = flags.target ? await offlineNamespace(ctx, flags) : await ctx.namespace(flags);
  if (flags.target) (await store(ctx, flags, noun === 'broker' ? 'Broker' : 'Trigger')).delete(name);
  else {
    const client = await ctx.client(flags);
    const r = noun === 'broker' ? R.Broker : R.Trigger;
    try {
      if (!flags.wait) await client.delete(r, name, ns, noun === 'broker' ? { propagationPolicy: 'Background' } : undefined);
      else {
        // As upstream: watch first, delete in the foreground, then wait for the DELETED event.
        const cur = await client.get<Broker | Trigger>(r, name, ns);
        const { waitForDeletion } = await import('../serving/wait.ts');
        const w = waitForDeletion(client, r, noun, name, ns, cur.metadata.resourceVersion, flags['wait-timeout'] ?? 600);
        await w.ready;
        try {
          await client.delete(r, name, ns, { propagationPolicy: 'Foreground' });
        } catch (e) {
          w.stop();
          throw e;
        }
        await w.done;
      }
    } catch (e) {
      if (noun === 'broker') throw because('delete', 'broker', name, ns, e);
      throw e;
    }
  }
  process.stdout.write(noun === 'broker' ? `Broker '${name}' successfully deleted in namespace '${ns}'.\n` : `Trigger '${name}' deleted in namespace '${ns}'.\n`);
}

export async function eventingList(ctx: CommandContext, noun: Noun, flags: Common & OutputFlagValues & { 'no-headers'?: boolean }): Promise<void> {
  const bad = await checkOutput(flags);
  if (bad) throw ctx.userError(bad);
  const { R } = await import('../../api/resources.ts');
  const r = noun === 'broker' ? R.Broker : R.Trigger;
  let items: (Broker | Trigger)[];
  let namespace: string;
  if (flags.target) {
    const s = await store(ctx, flags, noun === 'broker' ? 'Broker' : 'Trigger');
    items = s.list(!!flags['all-namespaces']);
    namespace = flags['all-namespaces'] ? '' : s.namespace;
  } else {
    const client = await ctx.client(flags);
    namespace = await ctx.namespace(flags);
    items = (await client.listAll<Broker | Trigger>(r, { namespace })).items;
  }
  items.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  await printList({
    items,
    resource: r,
    columns: (noun === 'broker' ? brokerColumns() : triggerColumns()) as never,
    empty: noun === 'broker' ? 'No brokers found.' : 'No triggers found.',
    withNamespace: namespace === '',
    flags,
  });
}

export async function eventingDescribe(ctx: CommandContext, noun: Noun, flags: Common & OutputFlagValues & { verbose?: boolean }, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, noun, 'describe');
  const extra = noun === 'broker' ? ['url'] : [];
  const bad = await checkOutput(flags, extra);
  if (bad) throw ctx.userError(bad);
  const { R } = await import('../../api/resources.ts');
  const r = noun === 'broker' ? R.Broker : R.Trigger;
  let o: Broker | Trigger;
  if (flags.target) o = (await store(ctx, flags, noun === 'broker' ? 'Broker' : 'Trigger')).get(name);
  else o = await (await ctx.client(flags)).get<Broker | Trigger>(r, name, await ctx.namespace(flags));
  if (flags.output !== undefined) {
    if (flags.output.toLowerCase() === 'url' && noun === 'broker') {
      process.stdout.write(`${(o as Broker).status?.address?.url ?? ''}\n`);
      return;
    }
    await printObject(o, r, flags, extra);
    return;
  }
  const { describeBroker, describeTrigger } = await import('./builders.ts');
  process.stdout.write(noun === 'broker' ? describeBroker(o as Broker, !!flags.verbose) : describeTrigger(o as Trigger, !!flags.verbose));
}
