// bench/activation: what activation costs in the gateway (issue #9), all on 127.0.0.1.
//   node bench/activation/run.ts [--iterations 60] [--duration 5] [--rounds 3] [--connections 50]
//
// (b) pod answering → response leaves the gateway: a request is held for a revision whose only
//     endpoint is listed not ready (a pod starting); then a real HTTP server starts listening on
//     that endpoint. Measured from the server's listen callback to the client having the response.
//     Printed beside two anchors from the same run: the same request when the pod is already
//     ready (plain proxying), and the activator probing at upstream's 200 ms period.
// (c) the gateway's throughput with request statistics on (StatsReporter sampling every 100 ms and
//     reporting to an autoscaler intake every second) vs off, alternating rounds, autocannon.
// Not here: (a) first request → pod Ready as Kubernetes sees it, and the whole cold start on kind:
// they need the e2e tier's kind cluster.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Autoscaler } from '../../src/controller/autoscaling/autoscaler.ts';
import { createStatsServer, listenStats } from '../../src/controller/autoscaling/stats-server.ts';
import { table } from '../lib/timing.ts';

const { values: v } = parseArgs({
  options: {
    iterations: { type: 'string', default: '60' },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
  },
});
const ITER = Math.min(1000, Number(v.iterations));
const DURATION = Math.min(60, Number(v.duration));
const ROUNDS = Math.min(10, Number(v.rounds));
const CONNS = Math.min(500, Number(v.connections));
const HOST = 'hello.default.example.com';
const children: ChildProcess[] = [];

interface Gw {
  port: number;
  pid: number;
  cmd(line: string): Promise<void>;
}

function startGateway(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Gw> {
  const child = spawn(process.execPath, ['bench/activation/gateway-proc.ts', '0', ...args], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const waiters: ((l: string) => void)[] = [];
  lines.on('line', (l) => waiters.shift()?.(l));
  const next = () => new Promise<string>((r) => waiters.push(r));
  return next().then((first) => ({
    port: Number(first.split(' ')[1]),
    pid: child.pid ?? 0,
    cmd: async (line: string) => {
      const p = next();
      child.stdin!.write(`${line}\n`);
      await p;
    },
  }));
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

const agent = new http.Agent({ keepAlive: true });
function get(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent, headers: { host: HOST } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now()) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}
/** CPU time (user + system) of a process so far, in µs (Linux /proc; 100 ticks a second). */
function cpuMicros(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const body = Buffer.from('hello\n');
const pod = () => http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-length': body.length }).end(body);
});

/** (b): listen → response, over ITER cold activations. */
async function activation(gw: Gw): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < ITER; i++) {
    const port = await freePort();
    await gw.cmd(`pending ${port}`);
    const done = get(gw.port);
    // The request is held (no endpoint answers); the pod comes up at a random phase of the probe period.
    await sleep(20 + Math.random() * 200);
    const s = pod();
    let t0 = 0;
    await new Promise<void>((r) => s.listen(port, '127.0.0.1', () => ((t0 = performance.now()), r())));
    const t1 = await done;
    out.push(t1 - t0);
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  return out;
}

/** Anchor: the same request with the pod already ready. */
async function warm(gw: Gw): Promise<number[]> {
  const port = await freePort();
  const s = pod();
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', () => r()));
  await gw.cmd(`ready ${port}`);
  const out: number[] = [];
  for (let i = 0; i < ITER; i++) {
    const t0 = performance.now();
    out.push((await get(gw.port)) - t0);
  }
  s.closeAllConnections();
  s.close();
  return out;
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const f = (n: number) => n.toFixed(1);

async function main(): Promise<void> {
  const autoscaler = new Autoscaler();
  const intake = createStatsServer(autoscaler);
  const intakePort = await listenStats(intake, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${intakePort}`;

  const gwA = await startGateway([]);
  const gwSlow = await startGateway([], { PROBE_MS: '200' });
  const cold = await activation(gwA);
  const cold200 = await activation(gwSlow);
  const hot = await warm(gwA);
  process.stdout.write(`\n(b) pod answering → response leaves the gateway, ${ITER} activations each, 127.0.0.1\n`);
  process.stdout.write(
    table([
      ['', 'p50 ms', 'p99 ms', 'max ms'],
      ['activation (probe every 10 ms, kn-ts default)', f(pct(cold, 0.5)), f(pct(cold, 0.99)), f(pct(cold, 1))],
      ['anchor: probe every 200 ms (upstream activator period)', f(pct(cold200, 0.5)), f(pct(cold200, 0.99)), f(pct(cold200, 1))],
      ['anchor: pod already ready (plain proxying)', f(pct(hot, 0.5)), f(pct(hot, 0.99)), f(pct(hot, 1))],
    ]) + '\n',
  );
  process.stdout.write('goals: activation ≤ 20 ms p50, ≤ 50 ms p99\n');

  // (c) throughput with request statistics on vs off.
  const upPort = await freePort();
  const up = spawn(process.execPath, ['bench/gateway/upstream.mjs', String(upPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(up);
  await new Promise((r) => up.stdout!.once('data', r));
  const off = gwA;
  const on = await startGateway(['metrics', url]);
  await off.cmd(`ready ${upPort}`);
  await on.cmd(`ready ${upPort}`);
  const rps: Record<'on' | 'off', number[]> = { on: [], off: [] };
  const cpu: Record<'on' | 'off', number[]> = { on: [], off: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, gw] of (r % 2 ? [['on', on], ['off', off]] : [['off', off], ['on', on]]) as ['on' | 'off', Gw][]) {
      const c0 = cpuMicros(gw.pid);
      const res = await autocannon({ url: `http://127.0.0.1:${gw.port}/`, connections: CONNS, duration: DURATION, headers: { host: HOST } });
      const c1 = cpuMicros(gw.pid);
      if (res.non2xx > 0 || res.errors > 0) throw new Error(`${name}: ${res.non2xx} non-2xx, ${res.errors} errors`);
      rps[name].push(res.requests.average);
      cpu[name].push((c1 - c0) / Math.max(1, res.requests.total));
    }
  }
  const med = (xs: number[]) => pct(xs, 0.5);
  const cost = (1 - med(rps.on) / med(rps.off)) * 100;
  const cpuCost = (med(cpu.on) / med(cpu.off) - 1) * 100;
  process.stdout.write(`\n(c) gateway throughput, autocannon ${CONNS} connections, ${DURATION} s × ${ROUNDS} rounds each, alternating\n`);
  process.stdout.write(
    table([
      ['', 'median req/s', 'rounds', 'gateway CPU µs/req', 'rounds'],
      ['request statistics off (anchor)', med(rps.off).toFixed(0), rps.off.map((x) => x.toFixed(0)).join(' '), f(med(cpu.off)), cpu.off.map(f).join(' ')],
      ['request statistics on', med(rps.on).toFixed(0), rps.on.map((x) => x.toFixed(0)).join(' '), f(med(cpu.on)), cpu.on.map(f).join(' ')],
    ]) + '\n',
  );
  process.stdout.write(`cost of statistics: throughput ${cost.toFixed(1)} %, gateway CPU per request ${cpuCost.toFixed(1)} % (goal ≤ 5 %); autoscaler intake got ${autoscaler.counts.reports} reports; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
  intake.close();
}

main()
  .catch((e) => {
    process.stderr.write(`bench/activation: ${(e as Error).message}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) c.kill('SIGTERM');
    agent.destroy();
  });
