#!/usr/bin/env node
// Channel benchmark (issue #11): producer → InMemoryChannel dispatcher (the broker process, one
// core) → 1 and 10 subscriptions, beside the broker with the same number of triggers (no filter,
// all matching) to the same subscriber, in the same run. Goal: the channel is not slower than the
// broker. Per run: events/s accepted (202) during the load, and deliveries/s until the last of
// them reached the subscriber (accepted × subscriptions / time), end-to-end latency.
// Everything listens on 127.0.0.1; run it isolated, with the machine's bench lock:
//   npm run build && flock /work/bench.lock unshare -rn sh -c 'ip link set lo up; node bench/channel/run.mjs'
//   options: --duration 10 --connections 32
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../..');
const { values: v } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '32' } } });
const duration = Number(v.duration);
const connections = Number(v.connections);
const dir = mkdtempSync(join(tmpdir(), 'kn-ts-bench-channel-'));
const children = [];
const nowUs = () => performance.timeOrigin * 1000 + performance.now() * 1000;

function ask(child, msg) {
  return new Promise((res) => {
    child.once('message', res);
    child.send(msg);
  });
}
async function startSubscriber() {
  const child = fork(join(repo, 'bench/broker/subscriber.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  const { port } = await new Promise((res) => child.once('message', res));
  return { child, url: `http://127.0.0.1:${port}/` };
}
/** The broker process (one core) serving `yaml`; resolves the ingress and the channel dispatcher URLs. */
async function startProcess(yaml) {
  const file = join(dir, `cfg-${children.length}.yaml`);
  writeFileSync(file, yaml);
  const args = [join(repo, 'bin/control-plane.js'), 'broker', '--config', file, '--bind', '127.0.0.1', '--port', '0', '--admin-port', '0', '--channel-port', '0'];
  const child = spawn('taskset', ['-c', '0', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
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
const brokerYaml = (n, sub) =>
  `apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: default, namespace: bench}\n---\n` +
  Array.from({ length: n }, (_, i) => `apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: t${i}, namespace: bench, uid: u${i}}\nspec: ${JSON.stringify({ broker: 'default', subscriber: { uri: sub } })}\n---\n`).join('');
const channelYaml = (n, sub) =>
  `apiVersion: messaging.knative.dev/v1\nkind: InMemoryChannel\nmetadata: {name: pipe, namespace: bench}\nspec: ${JSON.stringify({ subscribers: Array.from({ length: n }, (_, i) => ({ uid: `s${i}`, generation: 1, subscriberUri: sub })) })}\n---\n`;

let seq = 0;
const ceHeaders = { 'ce-specversion': '1.0', 'ce-source': '/bench', 'ce-type': 'dev.bench.match', 'content-type': 'application/json' };
function load(url) {
  return new Promise((res, rej) => {
    autocannon(
      {
        url,
        method: 'POST',
        connections,
        duration,
        headers: ceHeaders,
        body: '{"msg":"hello"}',
        requests: [{ setupRequest: (req) => ({ ...req, headers: { ...ceHeaders, 'ce-id': `e-${++seq}`, 'ce-sentat': String(Math.round(nowUs())) } }) }],
      },
      (err, r) => (err ? rej(err) : res(r)),
    );
  });
}
/** Waits until the subscriber has `want` deliveries (at most maxMs); the report. */
async function drained(sub, want, maxMs = 180_000) {
  const t0 = Date.now();
  for (;;) {
    const rep = await ask(sub.child, 'report');
    if (rep.count >= want || Date.now() - t0 > maxMs) return rep;
    await new Promise((r) => setTimeout(r, 100));
  }
}
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

try {
  const sub = await startSubscriber();
  const results = {};
  for (const n of [1, 10]) {
    for (const kind of ['broker', 'channel']) {
      const p = await startProcess(kind === 'broker' ? brokerYaml(n, sub.url) : channelYaml(n, sub.url));
      await ask(sub.child, 'reset');
      const t0 = Date.now();
      const r = await load(kind === 'broker' ? p.broker : p.channel);
      const rep = await drained(sub, r['2xx'] * n);
      const secs = (Date.now() - t0) / 1000;
      const accepted = r['2xx'] / r.duration;
      const deliveries = rep.count / secs;
      results[`${kind}${n}`] = deliveries;
      console.log(
        `${`${kind}, ${n} subscriber${n > 1 ? 's' : ''}:`.padEnd(24)} ${fmt(accepted)} events/s accepted  ${fmt(deliveries)} deliveries/s  ` +
          `ingress p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms  end-to-end p50 ${fmt(rep.p50, 2)} ms p99 ${fmt(rep.p99, 2)} ms  delivered ${rep.count}/${r['2xx'] * n}  429s ${r.non2xx}`,
      );
      p.child.kill('SIGTERM');
    }
  }
  for (const n of [1, 10]) console.log(`channel / broker deliveries/s, ${n} subscriber${n > 1 ? 's' : ''}: ${fmt(results[`channel${n}`] / results[`broker${n}`], 2)}× (goal: ≥ 1)`);
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
