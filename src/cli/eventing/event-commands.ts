// The bodies of `kn event send` and `kn broker tail` (no oclif here).
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { CommandContext, NamespaceFlagValues } from '../context.ts';
import { buildEvent, type EventFlagValues, prettyEvent, proxyTarget, tailPath } from './event.ts';

export async function sendEvent(ctx: CommandContext, flags: NamespaceFlagValues & EventFlagValues & { to: string }): Promise<void> {
  const { parseSink } = await import('../../api/eventing/sink.ts');
  let built;
  let fileData: Buffer | undefined;
  if (flags['data-file'] !== undefined) {
    try {
      fileData = readFileSync(flags['data-file']);
    } catch (e) {
      throw ctx.userError(`cannot read --data-file ${flags['data-file']}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  }
  let sink;
  try {
    built = buildEvent(flags, fileData);
    sink = parseSink(flags.to, 'default');
  } catch (e) {
    throw ctx.userError((e as Error).message);
  }
  const id = built.headers['ce-id'];
  if ('uri' in sink) {
    const r = await fetch(sink.uri, { method: 'POST', headers: built.headers, body: built.body });
    const text = await r.text();
    if (!r.ok) throw new Error(`event ${id} not accepted by ${sink.uri}: ${r.status} ${r.statusText}${text ? `: ${text.trim().split('\n')[0]}` : ''}`);
    process.stdout.write(`Event '${id}' sent to ${sink.uri} (${r.status}).\n`);
    return;
  }
  const client = await ctx.client(flags);
  const ns = await ctx.namespace(flags);
  sink = parseSink(flags.to, ns);
  let latest: string | undefined;
  if (!('uri' in sink) && sink.resource.group === 'serving.knative.dev') {
    const { R } = await import('../../api/resources.ts');
    const ksvc = await client.get<{ metadata: object; status?: { latestReadyRevisionName?: string } }>(R.Service, sink.ref.name, sink.ref.namespace);
    latest = ksvc.status?.latestReadyRevisionName;
  }
  let target;
  try {
    target = proxyTarget(sink, latest);
  } catch (e) {
    throw ctx.userError((e as Error).message);
  }
  if (!('proxyPath' in target)) return;
  const res = await client.stream('POST', target.proxyPath, { headers: built.headers, body: built.body });
  let text = '';
  res.setEncoding('utf8');
  for await (const c of res) text += c;
  const code = res.statusCode ?? 0;
  if (code < 200 || code >= 300) {
    const why = code === 404 ? 'not found (is the broker or service there, and its pods ready?)' : code === 429 ? 'the broker is full, try again (429)' : code === 400 ? 'the event was refused as invalid (400)' : `${code}`;
    throw new Error(`event ${id} not accepted by ${flags.to}: ${why}${text && code !== 404 ? `: ${text.trim().split('\n')[0]}` : ''}`);
  }
  process.stdout.write(`Event '${id}' sent to ${flags.to} in namespace '${'ref' in sink ? sink.ref.namespace : ns}' (${code}).\n`);
}

export async function tailBroker(
  ctx: CommandContext,
  flags: NamespaceFlagValues & { filter?: string; output?: string; 'max-events'?: string; timestamps?: boolean },
  argv: unknown[],
): Promise<void> {
  if (argv.length !== 1 || !argv[0]) throw ctx.userError("'broker tail' requires the broker name given as single argument");
  const name = argv[0] as string;
  const out = flags.output ?? 'pretty';
  if (out !== 'pretty' && out !== 'json') throw ctx.userError(`invalid --output ${JSON.stringify(out)}: use pretty or json`);
  const max = flags['max-events'] !== undefined ? Number(flags['max-events']) : Infinity;
  if (!(max > 0)) throw ctx.userError(`invalid --max-events ${JSON.stringify(flags['max-events'])}: a positive whole number`);
  let match: ((a: Record<string, unknown>) => boolean) | undefined;
  if (flags.filter) {
    const { compileCesql } = await import('../../api/eventing/cesql.ts');
    try {
      const f = compileCesql(flags.filter);
      match = (a) => f((n) => a[n] as string | number | boolean | undefined);
    } catch (e) {
      throw ctx.userError(`invalid --filter: ${(e as Error).message}`);
    }
  }
  const client = await ctx.client(flags);
  const ns = await ctx.namespace(flags);
  const { R } = await import('../../api/resources.ts');
  await client.get(R.Broker, name, ns);
  const res = await client.stream('GET', tailPath(ns, name), { headers: { Accept: 'application/x-ndjson' } });
  if ((res.statusCode ?? 0) !== 200) {
    let text = '';
    for await (const c of res) text += String(c);
    throw new Error(`cannot tail broker '${name}' in namespace '${ns}': ${res.statusCode}${text ? `: ${text.trim().split('\n')[0]}` : ''} (is the broker ingress running?)`);
  }
  let n = 0;
  const rl = createInterface({ input: res, crlfDelay: Infinity });
  process.once('SIGINT', () => res.destroy());
  for await (const line of rl) {
    if (!line.trim()) continue;
    let ev: Record<string, unknown>;
    try {
      ev = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (match && !match(ev)) continue;
    const stamp = flags.timestamps ? `${new Date().toISOString()} ` : '';
    process.stdout.write(out === 'json' ? `${stamp}${JSON.stringify(ev)}\n` : `${stamp ? `${stamp}\n` : ''}${prettyEvent(ev)}\n`);
    if (++n >= max) break;
  }
  res.destroy();
}
