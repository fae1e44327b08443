#!/usr/bin/env node
// Broker benchmark (issue #10): producer → broker (one core) → one trigger → local subscriber,
// beside a direct POST to the same subscriber in the same run; then 100 triggers of which 1
// matches; the broker's RSS during the runs; and a reliability run: 100k events, the subscriber
// failing 30 % of deliveries, retry 5, every accepted event delivered or dead-lettered, counted.
// Everything listens on 127.0.0.1; run it isolated:
//   npm run build && unshare -rn sh -c 'ip link set lo up; node bench/broker/run.mjs'
//   options: --duration 10 --connections 32 --events 100000 --skip-reliability
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../..');
const { values: v } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    events: { type: 'string', default: '100000' },
    'skip-reliability': { type: 'boolean', default: false },
  },
});
const duration = Number(v.duration);
const connections = Number(v.connections);
const dir = mkdtempSync(join(tmpdir(), 'kn-ts-bench-broker-'));
const children = [];
const nowUs = () => performance.timeOrigin * 1000 + performance.now() * 1000;

function ask(child, msg) {
  return new Promise((res) => {
    child.once('message', res);
    child.send(msg);
  });
}
async function startSubscriber(fail = 0) {
  const child = fork(join(here, 'subscriber.mjs'), ['--fail', String(fail)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  const { port } = await new Promise((res) => child.once('message', res));
  return { child, url: `http://127.0.0.1:${port}/` };
}
async function startBroker(yaml, extra = []) {
  const file = join(dir, `cfg-${children.length}.yaml`);
  writeFileSync(file, yaml);
  const args = [join(repo, 'bin/control-plane.js'), 'broker', '--config', file, '--bind', '127.0.0.1', '--port', '0', '--admin-port', '0', ...extra];
  // One core for the broker, as in the goal; the producer and subscriber share the other.
  const child = spawn('taskset', ['-c', '0', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const line = await new Promise((res) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('\n')) res(out.split('\n')[0]);
    });
  });
  const { port, adminPort } = JSON.parse(line);
  return { child, url: `http://127.0.0.1:${port}/bench/default`, admin: `http://127.0.0.1:${adminPort}` };
}
const rssMiB = (pid) => {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
};
const brokerYaml = (triggers) =>
  `apiVersion: eventing.knative.dev/v1\nkind: Broker\nmetadata: {name: default, namespace: bench}\n---\n` +
  triggers.map((t, i) => `apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: t${i}, namespace: bench, uid: u${i}}\nspec: ${JSON.stringify({ broker: 'default', ...t })}\n---\n`).join('');

let seq = 0;
const ceHeaders = { 'ce-specversion': '1.0', 'ce-source': '/bench', 'ce-type': 'dev.bench.match', 'content-type': 'application/json' };
function load(url, o = {}) {
  return new Promise((res, rej) => {
    const inst = autocannon(
      {
        url,
        method: 'POST',
        connections,
        ...(o.amount ? { amount: o.amount } : { duration }),
        headers: ceHeaders,
        body: '{"msg":"hello"}',
        requests: [
          {
            setupRequest: (req) => {
              req.headers = { ...ceHeaders, 'ce-id': `e-${++seq}`, 'ce-sentat': String(Math.round(nowUs())) };
              return req;
            },
          },
        ],
      },
      (err, r) => (err ? rej(err) : res(r)),
    );
    if (o.onTick) inst.on('tick', o.onTick);
  });
}
const metric = async (admin, name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await globalThis.fetch(`${admin}/metrics`)).text())?.[1] ?? NaN);
async function drain(admin, maxMs = 120_000) {
  const t0 = Date.now();
  while (Date.now() - t0 < maxMs) {
    if ((await metric(admin, 'kn_ts_broker_pending_deliveries')) === 0) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

try {
  const sub = await startSubscriber();
  // 1. Direct POST to the subscriber.
  await ask(sub.child, 'reset');
  const direct = await load(sub.url);
  const dRate = direct['2xx'] / direct.duration;
  console.log(`direct POST → subscriber:           ${fmt(dRate)} events/s  p50 ${direct.latency.p50} ms  p99 ${direct.latency.p99} ms  (${direct['2xx']} ok, ${direct.non2xx} non-2xx)`);

  // 2. Through the broker, one trigger.
  for (const [label, triggers] of [
    ['broker, 1 trigger', [{ filter: { attributes: { type: 'dev.bench.match' } }, subscriber: { uri: sub.url } }]],
    ['broker, 100 triggers (1 matches)', Array.from({ length: 100 }, (_, i) => ({ filter: { attributes: { type: i === 0 ? 'dev.bench.match' : `dev.bench.other${i}` } }, subscriber: { uri: sub.url } }))],
  ]) {
    const b = await startBroker(brokerYaml(triggers));
    await ask(sub.child, 'reset');
    let rss = rssMiB(b.child.pid);
    const r = await load(b.url, { onTick: () => (rss = Math.max(rss, rssMiB(b.child.pid))) });
    const drained = await drain(b.admin);
    rss = Math.max(rss, rssMiB(b.child.pid));
    const rep = await ask(sub.child, 'report');
    const rate = r['2xx'] / r.duration;
    console.log(
      `${(label + ':').padEnd(36)} ${fmt(rate)} events/s accepted (${fmt(rate / dRate, 2)}× direct)  ingress p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms  ` +
        `end-to-end p50 ${fmt(rep.p50, 2)} ms p99 ${fmt(rep.p99, 2)} ms  delivered ${rep.count}/${r['2xx']}${drained ? '' : ' (not drained)'}  429s ${r.non2xx}  broker max RSS ${fmt(rss, 1)} MiB`,
    );
    b.child.kill('SIGTERM');
  }

  // 3. Reliability: 100k events, 30 % failing deliveries, retry 5, a dead-letter sink.
  if (!v['skip-reliability']) {
    const flaky = await startSubscriber(0.3);
    const b = await startBroker(
      brokerYaml([{ subscriber: { uri: flaky.url }, delivery: { retry: 5, backoffPolicy: 'exponential', backoffDelay: 'PT0.01S', deadLetterSink: { uri: `${flaky.url}dls` } } }]),
    );
    const t0 = Date.now();
    const r = await load(b.url, { amount: Number(v.events) });
    const drained = await drain(b.admin, 180_000);
    const rep = await ask(flaky.child, 'report');
    const accepted = r['2xx'];
    const lost = accepted - rep.delivered - rep.deadLettered;
    console.log(
      `reliability: ${v.events} events sent, ${accepted} accepted (202), ${r.non2xx} refused (429); delivered ${rep.delivered}, dead-lettered ${rep.deadLettered} ` +
        `(codes ${JSON.stringify(rep.dlsCodes)}), lost ${lost}; ${rep.attempts} delivery attempts; ${((Date.now() - t0) / 1000).toFixed(1)} s${drained ? '' : ' (NOT drained)'}`,
    );
    console.log(`broker counters: delivered ${await metric(b.admin, 'kn_ts_broker_events_delivered_total')}, dead-lettered ${await metric(b.admin, 'kn_ts_broker_events_dead_lettered_total')}, failed ${await metric(b.admin, 'kn_ts_broker_events_failed_total')}`);
    b.child.kill('SIGTERM');
    if (lost !== 0) process.exitCode = 1;
  }
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
