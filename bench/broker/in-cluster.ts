#!/usr/bin/env node
// The broker as deployed: Brokers, Triggers and InMemoryChannels read from the controller's
// data-plane feed (ADR 0031: the controller process, against a real API server, serves it; the
// broker holds no API connection), beside bench/broker/run.mjs, whose broker reads them from a
// --config file. Prints the broker's RSS (and the anonymous and file-backed parts) idle and under
// bench/broker's producer paced at --rate events/s (10,000: the goal's rate), and its CPU per event.
// Uses the test API server (test/harness/cluster.ts: etcd and kube-apiserver from the test tiers'
// cached binaries), the CRDs of manifests/, one Broker and one Trigger to bench/broker's
// subscriber, and a real TokenRequest token of the broker's service account (audience
// kn-ts-controller) that the controller reviews. The broker runs with the manifest's node flags,
// pinned to CPU 0; the controller, producer and subscriber share CPU 1. Bounded: --seconds of load.
//   npm run build && flock /work/bench.lock unshare -rn sh -c 'ip link set lo up; node bench/broker/in-cluster.ts'
//   options: --rate 10000 --seconds 10 --control-plane FILE (another build's bin/control-plane.js for the broker) --node-flags '…' (else the Deployment's)
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { clearInterval, setInterval, setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { freePort, startCluster } from '../../test/harness/cluster.ts';
import { loadManifest } from '../../test/harness/crds.ts';
import { REPO } from '../../test/harness/env.ts';
import { loadAverage, procCpuSeconds, procMemory } from '../lib/proc.ts';
import { tokenFile } from '../../test/harness/feed.ts';
import { brokerNodeFlags } from './node-flags.mjs';

const { values: v } = parseArgs({
  options: {
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    'control-plane': { type: 'string' },
    'node-flags': { type: 'string' },
  },
});
const controlPlane = v['control-plane'] ? resolve(v['control-plane']) : join(REPO, 'bin/control-plane.js');
const kids: ChildProcess[] = [];
const nodeFlags = v['node-flags'] !== undefined ? v['node-flags'].split(/\s+/).filter(Boolean) : (brokerNodeFlags(REPO) as string[]);
const child = (argv: string[], cpu: number, stdio: ('ignore' | 'inherit' | 'pipe' | 'ipc')[] = ['ignore', 'inherit', 'inherit', 'ipc']) => {
  const c = spawn('taskset', ['-c', String(cpu), process.execPath, ...argv], { stdio });
  kids.push(c);
  return c;
};
const ask = <T>(c: ChildProcess, m: unknown) =>
  new Promise<T>((r) => {
    c.once('message', (x) => r(x as T));
    c.send(m as object);
  });
const f1 = (n: number) => n.toFixed(1);

const cluster = await startCluster();
let token: { remove(): void } | undefined;
try {
  const client = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
  // Every CRD: the controller's Serving reconcilers wait for their informers.
  const crds = readdirSync(join(REPO, 'manifests')).filter((f) => /^1\d\d-crd-.*\.yaml$/.test(f));
  const objs = [...loadManifest('manifests/000-namespaces.yaml'), ...crds.flatMap((f) => loadManifest(`manifests/${f}`))];
  for (const o of objs) await client.apply(o.kind === 'Namespace' ? R.Namespace : R.CustomResourceDefinition, o, { fieldManager: 'bench' });
  await new Promise((r) => setTimeout(r, 3000)); // the CRDs become Established
  await client.create(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  const sub = child([join(REPO, 'bench/broker/subscriber.mjs')], 1);
  const { port } = await new Promise<{ port: number }>((r) => sub.once('message', (m) => r(m as { port: number })));
  const producer = child([join(REPO, 'bench/broker/producer.mjs')], 1);
  await new Promise((r) => producer.once('message', r));
  await client.create(R.Broker, { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'default', namespace: 'bench' } } as KubeObject);
  await client.create(R.Trigger, {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata: { name: 't0', namespace: 'bench' },
    spec: { broker: 'default', filter: { attributes: { type: 'dev.bench.match' } }, subscriber: { uri: `http://127.0.0.1:${port}/` } },
  } as KubeObject);
  const feedPort = await freePort();
  child([join(REPO, 'bin/control-plane.js'), 'controller', '--kubeconfig', cluster.kubeconfig, '--leader-elect=false', '--webhook-port', 'off', '--metrics-port', '0', '--metrics-host', '127.0.0.1', '--autoscaler-port', '0', '--feed-port', String(feedPort)], 1, ['ignore', 'ignore', 'inherit']);
  const t = await tokenFile(client);
  token = t;
  const brokerArgs = [...nodeFlags, controlPlane, 'broker', '--feed', `http://127.0.0.1:${feedPort}`, '--feed-token', t.file, '--bind', '127.0.0.1', '--port', '0', '--admin-port', '0', '--channel-port', '0'];
  const b = child(brokerArgs, 0, ['ignore', 'pipe', 'inherit']);
  const line = await new Promise<string>((r) => {
    let out = '';
    b.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) r(out.split('\n')[0]!);
    });
  });
  const { port: ingress } = JSON.parse(line) as { port: number };
  await new Promise((r) => setTimeout(r, 3000)); // settled (the broker prints its ports once the feed's first snapshot is in)
  const idle = procMemory(b.pid!);
  console.log(`load average ${loadAverage()}; broker ${controlPlane}; node flags ${nodeFlags.join(' ')}`);
  console.log(`broker reading the controller's feed, idle: RSS ${f1(idle.rss)} MiB (anon ${f1(idle.anon)}, file ${f1(idle.file)})`);
  let max = { ...idle };
  const tick = setInterval(() => {
    const m = procMemory(b.pid!);
    max = { rss: Math.max(max.rss, m.rss), anon: Math.max(max.anon, m.anon), file: Math.max(max.file, m.file) };
  }, 200);
  const c0 = procCpuSeconds(b.pid!);
  const r = await ask<{ status: Record<string, number>; seconds: number; errors: number }>(producer, {
    cmd: 'run',
    url: `http://127.0.0.1:${ingress}/bench/default`,
    connections: 32,
    duration: Number(v.seconds),
    rate: Number(v.rate),
    prefix: 'k',
  });
  clearInterval(tick);
  const ok = r.status['202'] ?? 0;
  console.log(
    `broker reading the controller's feed, producer paced at ${v.rate}/s: ${Math.round(ok / r.seconds)} events/s accepted, other answers ${JSON.stringify({ ...r.status, 202: undefined })}, ` +
      `CPU ${(((procCpuSeconds(b.pid!) - c0) * 1e6) / ok).toFixed(0)} µs/event, max RSS ${f1(max.rss)} MiB (anon ${f1(max.anon)}, file ${f1(max.file)})  load ${loadAverage()}`,
  );
  client.close();
} finally {
  for (const k of kids) k.kill('SIGKILL');
  await cluster.stop();
  token?.remove();
}
