#!/usr/bin/env node
// Broker benchmark (issue #10): producer → broker (one core) → one trigger → local subscriber,
// beside a direct POST to the same subscriber in the same run; then 100 triggers of which 1
// matches; then one trigger with the producer paced at --paced-rate events/s (10,000: the RSS goal's
// rate); the broker's RSS (and its anonymous and file-backed parts) and CPU per event during the
// runs, and the producer's and subscriber's CPU per event in the direct run (what the anchor
// costs); and a reliability run: 100k events,
// the subscriber failing 30 % of deliveries, retry 5, every accepted event delivered or
// dead-lettered, counted.
// The broker runs with the node flags of manifests/420-broker.yaml (node-flags.mjs), pinned to CPU 0;
// the producer and the subscriber (node:net, bench/broker/producer.mjs and subscriber.mjs) share
// CPU 1, in every run, the direct anchor included.
// Everything listens on 127.0.0.1; run it isolated:
//   npm run build && unshare -rn sh -c 'ip link set lo up; node bench/broker/run.mjs'
//   options: --duration 10 --connections 32 --events 100000 --skip-reliability --rounds 1 --paced-rate 10000
//            --profile DIR (a --cpu-prof of each broker into DIR) --broker-args '--no-fast-path'
//            --control-plane FILE (another build's bin/control-plane.js, e.g. the code before a change)
//            --node-flags '…' (instead of the manifest's node flags; '' for none)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clearInterval, setInterval, setTimeout } from 'node:timers';
import { parseArgs } from 'node:util';
import { brokerNodeFlags } from './node-flags.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../..');
const { values: v } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    events: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '1' },
    'paced-rate': { type: 'string', default: '10000' },
    'skip-reliability': { type: 'boolean', default: false },
    profile: { type: 'string' },
    'broker-args': { type: 'string', default: '' },
    'control-plane': { type: 'string' },
    'node-flags': { type: 'string' },
  },
});
const duration = Number(v.duration);
const connections = Number(v.connections);
const dir = mkdtempSync(join(tmpdir(), 'kn-ts-bench-broker-'));
const children = [];
const pin = availableParallelism() >= 2;
const CLK_TCK = 100;

const nodeFlags = v['node-flags'] !== undefined ? v['node-flags'].split(/\s+/).filter(Boolean) : brokerNodeFlags(repo);
const controlPlane = v['control-plane'] ? resolve(v['control-plane']) : join(repo, 'bin/control-plane.js');

function ask(child, msg) {
  return new Promise((res) => {
    child.once('message', res);
    child.send(msg);
  });
}
function nodeChild(file, args, cpu, stdio = ['ignore', 'inherit', 'inherit', 'ipc']) {
  const argv = [process.execPath, ...args.flags, file, ...args.args];
  const child = pin ? spawn('taskset', ['-c', String(cpu), ...argv], { stdio }) : spawn(argv[0], argv.slice(1), { stdio });
  children.push(child);
  return child;
}
async function startSubscriber(fail = 0) {
  const child = nodeChild(join(here, 'subscriber.mjs'), { flags: [], args: ['--fail', String(fail)] }, 1);
  const { port } = await new Promise((res) => child.once('message', res));
  return { child, url: `http://127.0.0.1:${port}/` };
}
async function startProducer() {
  const child = nodeChild(join(here, 'producer.mjs'), { flags: [], args: [] }, 1);
  await new Promise((res) => child.once('message', res));
  return child;
}
let brokers = 0;
async function startBroker(yaml) {
  // JSON: the broker reads it without loading the yaml library (as a broker reading the cluster).
  const file = join(dir, `cfg-${++brokers}.json`);
  writeFileSync(file, yaml);
  const prof = v.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(v.profile)}`] : [];
  const args = ['broker', '--config', file, '--bind', '127.0.0.1', '--port', '0', '--admin-port', '0', ...v['broker-args'].split(' ').filter(Boolean)];
  const child = nodeChild(controlPlane, { flags: [...nodeFlags, ...prof], args }, 0, ['ignore', 'pipe', 'inherit']);
  const line = await new Promise((res) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('\n')) res(out.split('\n')[0]);
    });
  });
  const { port, adminPort } = JSON.parse(line);
  // Through taskset, the broker is taskset's child until taskset execs: /proc/<pid> is the broker's after that.
  return { child, pid: child.pid, url: `http://127.0.0.1:${port}/bench/default`, admin: `http://127.0.0.1:${adminPort}` };
}
async function stopBroker(b) {
  const exited = new Promise((r) => b.child.once('exit', r));
  b.child.kill('SIGTERM');
  await exited;
}
const rssMiB = (pid) => {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN);
    return { rss: kib('VmRSS') / 1024, anon: kib('RssAnon') / 1024, file: kib('RssFile') / 1024 };
  } catch {
    return { rss: NaN, anon: NaN, file: NaN };
  }
};
/** CPU seconds a process has used so far: user and system. */
const cpuSecs = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { user: Number(f[11]) / CLK_TCK, sys: Number(f[12]) / CLK_TCK };
  } catch {
    return { user: NaN, sys: NaN };
  }
};
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const brokerYaml = (triggers) =>
  JSON.stringify({
    kind: 'List',
    items: [
      { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'default', namespace: 'bench' } },
      ...triggers.map((t, i) => ({ apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', metadata: { name: `t${i}`, namespace: 'bench', uid: `u${i}` }, spec: { broker: 'default', ...t } })),
    ],
  });

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
let round = 0;
const load = (producer, url, o = {}) => ask(producer, { cmd: 'run', url, connections, duration, prefix: `r${round}`, ...o });
const ok = (r) => r.status['202'] ?? 0;

try {
  console.log(
    `load average ${loadavg()}; ${connections} connections, ${duration} s per run; broker ${controlPlane} ${v['broker-args']}, node flags: ${nodeFlags.join(' ') || '(none)'}; ` +
      (pin ? 'broker on CPU 0, producer and subscriber on CPU 1' : 'one CPU: nothing pinned'),
  );
  const sub = await startSubscriber();
  const producer = await startProducer();
  const one = [{ filter: { attributes: { type: 'dev.bench.match' } }, subscriber: { uri: sub.url } }];
  const hundred = Array.from({ length: 100 }, (_, i) => ({ filter: { attributes: { type: i === 0 ? 'dev.bench.match' : `dev.bench.other${i}` } }, subscriber: { uri: sub.url } }));
  for (round = 1; round <= Number(v.rounds); round++) {
    // 1. Direct POST to the subscriber.
    await ask(sub.child, 'reset');
    const p0 = cpuSecs(producer.pid);
    const s0 = cpuSecs(sub.child.pid);
    const direct = await load(producer, sub.url);
    const p1 = cpuSecs(producer.pid);
    const s1 = cpuSecs(sub.child.pid);
    const dRate = ok(direct) / direct.seconds;
    const us = (a, b) => fmt(((b.user + b.sys - a.user - a.sys) * 1e6) / ok(direct));
    console.log(
      `direct POST → subscriber:           ${fmt(dRate)} events/s  p50 ${fmt(direct.p50, 2)} ms  p99 ${fmt(direct.p99, 2)} ms  (${JSON.stringify(direct.status)}, ${direct.errors} errors)  ` +
        `producer CPU ${us(p0, p1)} µs/event, subscriber ${us(s0, s1)} µs/event  load ${loadavg()}`,
    );

    // 2. Through the broker: one trigger, then 100 triggers of which 1 matches.
    const paced = Number(v['paced-rate']);
    for (const [label, triggers, pace] of [
      ['broker, 1 trigger', one, 0],
      ['broker, 100 triggers (1 matches)', hundred, 0],
      ...(paced ? [[`broker, 1 trigger, paced ${paced}/s`, one, paced]] : []),
    ]) {
      const b = await startBroker(brokerYaml(triggers));
      await ask(sub.child, 'reset');
      const cpu0 = cpuSecs(b.pid);
      let mem = rssMiB(b.pid);
      const tick = setInterval(() => {
        const m = rssMiB(b.pid);
        mem = { rss: Math.max(mem.rss, m.rss), anon: Math.max(mem.anon, m.anon), file: Math.max(mem.file, m.file) };
      }, 200);
      const r = await load(producer, b.url, pace ? { rate: pace } : {});
      const drained = await drain(b.admin);
      clearInterval(tick);
      const cpu1 = cpuSecs(b.pid);
      const perEvent = (k) => ((cpu1[k] - cpu0[k]) * 1e6) / ok(r);
      const rep = await ask(sub.child, 'report');
      const rate = ok(r) / r.seconds;
      console.log(
        `${(label + ':').padEnd(36)} ${fmt(rate)} events/s accepted (${fmt(rate / dRate, 2)}× direct)  ingress p50 ${fmt(r.p50, 2)} ms p99 ${fmt(r.p99, 2)} ms  ` +
          `end-to-end p50 ${fmt(rep.p50, 2)} ms p99 ${fmt(rep.p99, 2)} ms  delivered ${rep.count}/${ok(r)}${drained ? '' : ' (not drained)'}  ` +
          `other answers ${JSON.stringify({ ...r.status, 202: undefined })}  broker CPU ${fmt(perEvent('user') + perEvent('sys'))} µs/event (user ${fmt(perEvent('user'))}, sys ${fmt(perEvent('sys'))}), max RSS ${fmt(mem.rss, 1)} MiB (anon ${fmt(mem.anon, 1)}, file ${fmt(mem.file, 1)})  load ${loadavg()}`,
      );
      if (rep.unframed) console.log(`  the subscriber got ${rep.unframed} requests it could not frame`);
      await stopBroker(b);
    }
    console.log(`load average ${loadavg()}`);
  }

  // 3. Reliability: 100k events, 30 % failing deliveries, retry 5, a dead-letter sink.
  if (!v['skip-reliability']) {
    const flaky = await startSubscriber(0.3);
    const b = await startBroker(
      brokerYaml([{ subscriber: { uri: flaky.url }, delivery: { retry: 5, backoffPolicy: 'exponential', backoffDelay: 'PT0.01S', deadLetterSink: { uri: `${flaky.url}dls` } } }]),
    );
    const t0 = Date.now();
    let peak = 0;
    const tick = setInterval(() => (peak = Math.max(peak, rssMiB(b.pid).rss)), 200);
    const r = await load(producer, b.url, { amount: Number(v.events), prefix: 'rel' });
    const drained = await drain(b.admin, 180_000);
    clearInterval(tick);
    const rep = await ask(flaky.child, 'report');
    const accepted = ok(r);
    const lost = accepted - rep.delivered - rep.deadLettered;
    console.log(
      `reliability: ${r.sent} events sent, ${accepted} accepted (202), ${r.status['429'] ?? 0} refused (429), other ${JSON.stringify({ ...r.status, 202: undefined, 429: undefined })}, ${r.errors} errors; ` +
        `delivered ${rep.delivered}, dead-lettered ${rep.deadLettered} (codes ${JSON.stringify(rep.dlsCodes)}), lost ${lost}; ${rep.attempts} delivery attempts; ` +
        `${((Date.now() - t0) / 1000).toFixed(1)} s${drained ? '' : ' (NOT drained)'}; broker max RSS ${fmt(peak, 1)} MiB`,
    );
    console.log(
      `broker counters: accepted ${await metric(b.admin, 'kn_ts_broker_events_accepted_total')}, delivered ${await metric(b.admin, 'kn_ts_broker_events_delivered_total')}, ` +
        `dead-lettered ${await metric(b.admin, 'kn_ts_broker_events_dead_lettered_total')}, failed ${await metric(b.admin, 'kn_ts_broker_events_failed_total')}`,
    );
    console.log(`load average ${loadavg()}`);
    await stopBroker(b);
    if (lost !== 0 || !drained) process.exitCode = 1;
  }
} finally {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  if (v.profile) mkdirSync(v.profile, { recursive: true });
}
