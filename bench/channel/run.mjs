#!/usr/bin/env node
// Channel benchmark (issue #11): producer → InMemoryChannel dispatcher (the broker process, one
// core) → 1 and 10 subscriptions, beside the broker with the same number of triggers (no filter,
// all matching) to the same subscriber, in the same run. Goal: the channel is not slower than the
// broker. Per run: events/s accepted (202) during the load, deliveries/s until the last of them
// reached the subscriber (every delivery ÷ the time from the first event to the last delivery,
// drain included; 10 subscribers count ten deliveries per event), end-to-end latency (from the
// producer's ce-sentat stamp), and the broker process's CPU per delivery.
// The producer and subscriber are bench/broker's (node:net, a few µs per event), pinned together
// to CPU 1; the broker process runs with the manifest's node flags (bench/broker/node-flags.mjs),
// pinned to CPU 0.
// Everything listens on 127.0.0.1; run it isolated, with the machine's bench lock:
//   npm run build && flock /work/bench.lock unshare -rn sh -c 'ip link set lo up; node bench/channel/run.mjs'
//   options: --duration 10 --connections 32 --rounds 1
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import { brokerNodeFlags } from '../broker/node-flags.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../..');
const { values: v } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '32' }, rounds: { type: 'string', default: '1' } } });
const duration = Number(v.duration);
const connections = Number(v.connections);
const dir = mkdtempSync(join(tmpdir(), 'kn-ts-bench-channel-'));
const children = [];
const pin = availableParallelism() >= 2;
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const cpuSecs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

const nodeFlags = brokerNodeFlags(repo);

function ask(child, msg) {
  return new Promise((res) => {
    child.once('message', res);
    child.send(msg);
  });
}
function nodeChild(argv, cpu, stdio = ['ignore', 'inherit', 'inherit', 'ipc']) {
  const child = pin ? spawn('taskset', ['-c', String(cpu), process.execPath, ...argv], { stdio }) : spawn(process.execPath, argv, { stdio });
  children.push(child);
  return child;
}
/** The broker process (one core) serving `config`; resolves the ingress and the channel dispatcher URLs. */
async function startProcess(config) {
  const file = join(dir, `cfg-${children.length}.json`);
  writeFileSync(file, JSON.stringify(config));
  const args = [...nodeFlags, join(repo, 'bin/control-plane.js'), 'broker', '--config', file, '--bind', '127.0.0.1', '--port', '0', '--admin-port', '0', '--channel-port', '0'];
  const child = nodeChild(args, 0, ['ignore', 'pipe', 'inherit']);
  const line = await new Promise((res) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('\n')) res(out.split('\n')[0]);
    });
  });
  const { port, channelPort } = JSON.parse(line);
  return { child, broker: `http://127.0.0.1:${port}/bench/default`, channel: `http://127.0.0.1:${channelPort}/bench/pipe` };
}
const brokerConfig = (n, sub) => ({
  kind: 'List',
  items: [
    { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'default', namespace: 'bench' } },
    ...Array.from({ length: n }, (_, i) => ({ apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', metadata: { name: `t${i}`, namespace: 'bench', uid: `u${i}` }, spec: { broker: 'default', subscriber: { uri: sub } } })),
  ],
});
const channelConfig = (n, sub) => ({
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'InMemoryChannel',
  metadata: { name: 'pipe', namespace: 'bench' },
  spec: { subscribers: Array.from({ length: n }, (_, i) => ({ uid: `s${i}`, generation: 1, subscriberUri: sub })) },
});

/** Waits until the subscriber has `want` deliveries (at most maxMs); the report and when the wait ended. */
async function drained(sub, want, maxMs = 180_000) {
  const t0 = Date.now();
  for (;;) {
    const rep = await ask(sub, 'report');
    if (rep.count >= want || Date.now() - t0 > maxMs) return rep;
    await new Promise((r) => setTimeout(r, 50));
  }
}
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

try {
  console.log(`load average ${loadavg()}; ${connections} connections, ${duration} s per run; node flags ${nodeFlags.join(' ') || '(none)'}; ${pin ? 'broker process on CPU 0, producer and subscriber on CPU 1' : 'one CPU: nothing pinned'}`);
  const sub = nodeChild([join(repo, 'bench/broker/subscriber.mjs')], 1);
  const { port: subPort } = await new Promise((res) => sub.once('message', res));
  const subUrl = `http://127.0.0.1:${subPort}/`;
  const producer = nodeChild([join(repo, 'bench/broker/producer.mjs')], 1);
  await new Promise((res) => producer.once('message', res));
  let round = 0;
  for (let r = 1; r <= Number(v.rounds); r++) {
    const results = {};
    for (const n of [1, 10]) {
      for (const kind of ['broker', 'channel']) {
        const p = await startProcess(kind === 'broker' ? brokerConfig(n, subUrl) : channelConfig(n, subUrl));
        await ask(sub, 'reset');
        const cpu0 = cpuSecs(p.child.pid);
        const t0 = Date.now();
        const res = await ask(producer, { cmd: 'run', url: kind === 'broker' ? p.broker : p.channel, connections, duration, prefix: `c${++round}` });
        const accepted = res.status['202'] ?? 0;
        const rep = await drained(sub, accepted * n);
        const secs = (Date.now() - t0) / 1000;
        const cpu = ((cpuSecs(p.child.pid) - cpu0) * 1e6) / Math.max(1, rep.count);
        const deliveries = rep.count / secs;
        results[`${kind}${n}`] = deliveries;
        console.log(
          `${`${kind}, ${n} subscriber${n > 1 ? 's' : ''}:`.padEnd(24)} ${fmt(accepted / res.seconds)} events/s accepted  ${fmt(deliveries)} deliveries/s  ` +
            `ingress p50 ${fmt(res.p50, 2)} ms p99 ${fmt(res.p99, 2)} ms  end-to-end p50 ${fmt(rep.p50, 2)} ms p99 ${fmt(rep.p99, 2)} ms  delivered ${rep.count}/${accepted * n}  ` +
            `other answers ${JSON.stringify({ ...res.status, 202: undefined })}  CPU ${fmt(cpu)} µs/delivery  load ${loadavg()}`,
        );
        const exited = new Promise((res2) => p.child.once('exit', res2));
        p.child.kill('SIGTERM');
        await exited;
      }
    }
    for (const n of [1, 10]) console.log(`channel / broker deliveries/s, ${n} subscriber${n > 1 ? 's' : ''}: ${fmt(results[`channel${n}`] / results[`broker${n}`], 2)}× (goal: ≥ 1)`);
  }
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
