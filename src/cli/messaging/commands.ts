// The bodies of `kn channel …` and `kn subscription …`, written against CommandContext (no oclif here).
import type { ParsedSink } from '../../api/eventing/sink.ts';
import type { Channel, Subscription } from '../../api/messaging/types.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { CommandContext, NamespaceFlagValues } from '../context.ts';
import { checkOutput, type OutputFlagValues, printList, printObject } from '../output/print.ts';
import type { ChannelTypeCrd, ParsedSinks, SubscriptionFlagValues } from './builders.ts';

type Noun = 'channel' | 'subscription';
type ListFlags = NamespaceFlagValues & OutputFlagValues & { 'no-headers'?: boolean };

const oneName = (ctx: CommandContext, argv: unknown[], noun: Noun, verb: string): string => {
  if (argv.length !== 1 || !argv[0]) throw ctx.userError(`'kn ${noun} ${verb}' requires the ${noun} name ${verb === 'delete' ? 'as' : 'given as'} single argument`);
  return argv[0] as string;
};

/** kn resolves every reference sink before writing (its existence check). */
async function checkSinks(client: KubeClient, sinks: ParsedSinks): Promise<void> {
  for (const s of [sinks.sink, sinks.reply, sinks.dls] as (ParsedSink | undefined)[]) {
    if (!s || 'uri' in s) continue;
    await client.get({ group: s.resource.group, version: s.resource.version, kind: s.resource.kind, plural: s.resource.resource, namespaced: true }, s.ref.name, s.ref.namespace);
  }
}

export async function channelCreate(ctx: CommandContext, flags: NamespaceFlagValues & { type?: string }, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, 'channel', 'create');
  const { buildChannel } = await import('./builders.ts');
  let ch: Channel;
  const ns = await ctx.namespace(flags);
  try {
    ch = buildChannel(name, ns, flags.type);
  } catch (e) {
    throw ctx.userError((e as Error).message);
  }
  const { R } = await import('../../api/resources.ts');
  await (await ctx.client(flags)).create(R.Channel, ch);
  process.stdout.write(`Channel '${name}' created in namespace '${ns}'.\n`);
}

export async function subscriptionCreate(ctx: CommandContext, flags: NamespaceFlagValues & SubscriptionFlagValues, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, 'subscription', 'create');
  if (!flags.channel) throw ctx.userError("'kn subscription create' requires the channel reference provided with --channel flag");
  const ns = await ctx.namespace(flags);
  const { buildSubscription } = await import('./builders.ts');
  let built;
  try {
    built = buildSubscription(name, ns, flags);
  } catch (e) {
    throw ctx.userError((e as Error).message);
  }
  const { R } = await import('../../api/resources.ts');
  const client = await ctx.client(flags);
  await checkSinks(client, built.sinks);
  await client.create(R.Subscription, built.subscription);
  process.stdout.write(`Subscription '${name}' created in namespace '${ns}'.\n`);
}

export async function subscriptionUpdate(ctx: CommandContext, flags: NamespaceFlagValues & SubscriptionFlagValues, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, 'subscription', 'update');
  const ns = await ctx.namespace(flags);
  const { applySinks, parseSinks } = await import('./builders.ts');
  let sinks: ParsedSinks;
  try {
    sinks = parseSinks(flags, ns);
  } catch (e) {
    throw ctx.userError((e as Error).message);
  }
  const { R } = await import('../../api/resources.ts');
  const { KubeError } = await import('../../kube/errors.ts');
  const client = await ctx.client(flags);
  await checkSinks(client, sinks);
  // Read, change, replace; a conflict (someone wrote in between) reads again, as kn's UpdateSubscriptionWithRetry.
  for (let attempt = 0; ; attempt++) {
    const sub = await client.get<Subscription>(R.Subscription, name, ns);
    applySinks(sub, sinks, ns);
    try {
      await client.replace(R.Subscription, sub);
      break;
    } catch (e) {
      if (!(e instanceof KubeError && e.conflict) || attempt >= 4) throw e;
    }
  }
  process.stdout.write(`Subscription '${name}' updated in namespace '${ns}'.\n`);
}

export async function messagingDelete(ctx: CommandContext, noun: Noun, flags: NamespaceFlagValues, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, noun, 'delete');
  const ns = await ctx.namespace(flags);
  const { R } = await import('../../api/resources.ts');
  await (await ctx.client(flags)).delete(noun === 'channel' ? R.Channel : R.Subscription, name, ns);
  process.stdout.write(`${noun === 'channel' ? 'Channel' : 'Subscription'} '${name}' deleted in namespace '${ns}'.\n`);
}

export async function messagingList(ctx: CommandContext, noun: Noun, flags: ListFlags): Promise<void> {
  const bad = await checkOutput(flags);
  if (bad) throw ctx.userError(bad);
  const { R } = await import('../../api/resources.ts');
  const { channelColumns, listOrder, subscriptionColumns } = await import('./builders.ts');
  const r = noun === 'channel' ? R.Channel : R.Subscription;
  const client = await ctx.client(flags);
  const namespace = await ctx.namespace(flags);
  const items = listOrder((await client.listAll<Channel | Subscription>(r, { namespace })).items, namespace === '');
  await printList({
    items,
    resource: r,
    columns: (noun === 'channel' ? channelColumns() : subscriptionColumns()) as never,
    empty: noun === 'channel' ? 'No channels found.' : 'No subscriptions found.',
    withNamespace: namespace === '',
    flags,
  });
}

export async function messagingDescribe(ctx: CommandContext, noun: Noun, flags: NamespaceFlagValues & OutputFlagValues & { verbose?: boolean }, argv: unknown[]): Promise<void> {
  const name = oneName(ctx, argv, noun, 'describe');
  const extra = noun === 'channel' ? ['url'] : [];
  const bad = await checkOutput(flags, extra);
  if (bad) throw ctx.userError(bad);
  const { R } = await import('../../api/resources.ts');
  const r = noun === 'channel' ? R.Channel : R.Subscription;
  const o = await (await ctx.client(flags)).get<Channel | Subscription>(r, name, await ctx.namespace(flags));
  if (flags.output !== undefined) {
    if (flags.output.toLowerCase() === 'url' && noun === 'channel') {
      process.stdout.write(`${(o as Channel).status?.address?.url ?? ''}\n`);
      return;
    }
    await printObject(o, r, flags, extra);
    return;
  }
  const { describeChannel, describeSubscription } = await import('./builders.ts');
  process.stdout.write(noun === 'channel' ? describeChannel(o as Channel, !!flags.verbose) : describeSubscription(o as Subscription, !!flags.verbose));
}

/** `kn channel list-types`: the channel CRDs (label messaging.knative.dev/subscribable=true) other than Channel itself. */
export async function channelListTypes(ctx: CommandContext, flags: ListFlags): Promise<void> {
  const bad = await checkOutput(flags);
  if (bad) throw ctx.userError(bad);
  const { R } = await import('../../api/resources.ts');
  const { KubeError } = await import('../../kube/errors.ts');
  const { channelTypeColumns } = await import('./builders.ts');
  const client = await ctx.client(flags);
  let items: ChannelTypeCrd[];
  try {
    items = (await client.listAll<ChannelTypeCrd>(R.CustomResourceDefinition, { labelSelector: 'messaging.knative.dev/subscribable=true' })).items.filter((c) => c.spec?.names?.kind?.toLowerCase() !== 'channel');
  } catch (e) {
    if (!(e instanceof KubeError && e.code === 403)) throw e;
    // Not allowed to list CRDs: the built-in InMemoryChannel, if its objects can be listed.
    await client.listAll(R.InMemoryChannel, { namespace: await ctx.namespace(flags) });
    items = [{ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'inmemorychannels.messaging.knative.dev' }, spec: { names: { kind: 'InMemoryChannel' } } }];
  }
  items.sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  if (!items.length && flags.output === undefined) throw new Error("no or newer Knative Channels API found on the backend, please verify the installation or update the 'kn' client");
  await printList({ items, resource: R.CustomResourceDefinition, columns: channelTypeColumns() as never, empty: '', withNamespace: false, flags });
}
