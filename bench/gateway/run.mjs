#!/usr/bin/env node
// Gateway benchmark: the same load (fixed connections, fixed duration) against
//   (1) the upstream directly, (2) Debian's nginx as a keep-alive reverse proxy, (3) the kn-ts gateway.
// Everything listens on 127.0.0.1; nothing else is dialled. Prints req/s, p50 and p99 side by side.
//
//   node bench/gateway/run.mjs [--duration 10] [--connections 50] [--tool wrk|autocannon] [--workers N]
//                              [--pin] [--fast both|on|off] [--rounds N] [--node-flags '…']
//                              [--compare-flags '…' …] [--skip-direct] [--gc]
// The gateway runs with the node flags of manifests/410-gateway.yaml (those of its container command
// before bin/control-plane.js, and its NODE_OPTIONS), as in the cluster; --node-flags replaces them (e.g. --node-flags '' for node's defaults).
// --rounds N: every target is measured N times, alternating (direct, nginx, gateway, direct, …),
// so a disturbance of the shared machine hits each target alike; the summary gives medians over
// the rounds and, per round, the gateway's p99 minus nginx's p99 of the same round.
// Every cell also shows "other+steal": the CPU that processes outside the benchmark (other jobs on
// the shared machine) and the hypervisor (steal) took during it, in % of one CPU; the summary
// repeats the comparison over the rounds where both cells stayed under 10 %.
//   (isolated from the network: unshare -rn sh -c 'ip link set lo up; node bench/gateway/run.mjs')
import { spawn, execFile } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout } from 'node:timers';

const here = dirname(fileURLToPath(import.meta.url));
const { values: v } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    tool: { type: 'string', default: existsSync('/usr/bin/wrk') ? 'wrk' : 'autocannon' },
    warmup: { type: 'string', default: '2' },
    nginx: { type: 'string', default: '/usr/sbin/nginx' },
    only: { type: 'string' },
    workers: { type: 'string', default: '1' },
    pin: { type: 'boolean', default: false },
    // Which gateway variants to measure: the node:http + undici path, the raw-socket fast path, or both.
    fast: { type: 'string', default: 'both' },
    rounds: { type: 'string', default: '1' },
    'node-flags': { type: 'string' },
    'compare-flags': { type: 'string', multiple: true },
    'skip-direct': { type: 'boolean', default: false },
    // Run the gateways with --trace-gc and print, per cell, their GC pauses during the measurement.
    gc: { type: 'boolean', default: false },
  },
});
// --pin: wrk and the upstream share CPU 0, the proxy under test (nginx's worker, the gateway) has
// CPU 1 to itself — the same placement for every target, so runs do not depend on how the
// scheduler happens to spread three busy processes over two CPUs.
const pin = v.pin;
const LOAD_CPU = '0';
const PROXY_CPU = '1';
function pinned(cpu, cmd, args) {
  return pin ? ['/usr/bin/taskset', ['-c', cpu, cmd, ...args]] : [cmd, args];
}
const duration = Math.min(60, Number(v.duration));
const connections = Math.min(1000, Number(v.connections));
const HOST = 'hello.default.example.com';
const children = [];
/** --gc: each gateway's --trace-gc output, by pid. */
const gcLines = new Map();

/** Scavenges and mark-compacts in --trace-gc lines: count, median and largest pause (ms). */
function gcSummary(text) {
  const s = [];
  const m = [];
  for (const line of text.split('\n')) {
    const g = /: (Scavenge|Mark-Compact|Minor Mark-Sweep)\b.*? MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/.exec(line);
    if (g) (g[1] === 'Mark-Compact' ? m : s).push(Number(g[2]));
  }
  const med = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1] : 0);
  return `GC during the cell: ${s.length} young (median ${med(s).toFixed(2)} ms, max ${Math.max(0, ...s).toFixed(2)} ms, total ${s.reduce((a, b) => a + b, 0).toFixed(0)} ms), ${m.length} mark-compact${m.length ? ` (max ${Math.max(...m).toFixed(2)} ms)` : ''}`;
}
const rounds = Math.max(1, Math.min(20, Number(v.rounds)));
/** A cell counts as undisturbed when other processes used less than this much of one CPU (%). */
const QUIET = 10;

/** The gateway's node flags: those of its container command before bin/control-plane.js, then NODE_OPTIONS (manifests/410-gateway.yaml). */
function manifestNodeFlags() {
  const text = readFileSync(join(here, '../../manifests/410-gateway.yaml'), 'utf8');
  const cmd = /^\s*command: \[([^\]]*)\]/m.exec(text)?.[1].split(',').map((a) => a.trim().replace(/^"|"$/g, '')) ?? [];
  const script = cmd.findIndex((a) => a.endsWith('control-plane.js'));
  const env = /- name: NODE_OPTIONS\s*\n\s*value:\s*"?([^"\n]*)"?/.exec(text)?.[1].trim() ?? '';
  return [...(script > 0 ? cmd.slice(1, script) : []), env].join(' ');
}
const gatewayNodeFlags = (v['node-flags'] ?? manifestNodeFlags()).split(/\s+/).filter(Boolean);

function startChild(cpu, cmd0, args0, what) {
  const [cmd, args] = pinned(cpu, cmd0, args0);
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(c);
    let out = '';
    c.stdout.setEncoding('utf8');
    let found = false;
    c.stdout.on('data', (d) => {
      if (found) {
        // Keep draining, so the child never blocks on a full pipe; --gc keeps the GC trace lines.
        if (v.gc) gcLines.set(c.pid, (gcLines.get(c.pid) ?? '') + d);
        return;
      }
      out += d;
      const line = out.split('\n').find((l, i, all) => i < all.length - 1 && /^\d+$/.test(l));
      if (line) {
        found = true;
        resolve({ child: c, port: Number(line) });
      }
    });
    c.on('exit', (code) => reject(new Error(`${what} exited (${code}) before it listened`)));
    c.on('error', reject);
  });
}

function stopAll() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}
process.on('exit', stopAll);
process.on('SIGINT', () => process.exit(130));

async function waitFor(port, host) {
  for (let i = 0; i < 100; i++) {
    try {
      const status = await new Promise((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/', headers: { host }, agent: false }, (r) => {
            r.resume();
            resolve(r.statusCode);
          })
          .on('error', reject);
      });
      if (status === 200) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing answers 200 on 127.0.0.1:${port}`);
}

function ms(s) {
  const m = /^([\d.]+)(us|ms|s)$/.exec(s.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
}

async function load(port, seconds) {
  const url = `http://127.0.0.1:${port}/`;
  if (v.tool === 'wrk') {
    const [cmd, args] = pinned(LOAD_CPU, '/usr/bin/wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-H', `Host: ${HOST}`, url]);
    // Asynchronous, so this process keeps draining the gateways' stdout (--gc) while wrk runs.
    const out = await new Promise((resolve, reject) =>
      execFile(cmd, args, { encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
    const p50 = ms(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
    const p99 = ms(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
    const errors = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? '0';
    const sock = /Socket errors:.*/.exec(out)?.[0] ?? '';
    const total = Number(/(\d+) requests in/.exec(out)?.[1]);
    return { rps, p50, p99, errors: Number(errors), note: sock, total };
  }
  const { default: autocannon } = await import('autocannon');
  const r = await autocannon({ url, connections, duration: seconds, headers: { host: HOST } });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.non2xx + r.errors, note: '', total: r.requests.total };
}

/** CPU time (user + system, clock ticks) of a process and all its descendants (nginx master + worker, cluster workers). */
function cpuTicks(pid) {
  const t = { user: 0, sys: 0 };
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    t.user += Number(f[11]); // utime (field 14)
    t.sys += Number(f[12]); // stime (field 15)
    for (const tid of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean)) {
      const c = cpuTicks(Number(tid));
      t.user += c.user;
      t.sys += c.sys;
    }
  } catch {
    /* exited */
  }
  return t;
}
const TICK_US = 1e6 / 100; // USER_HZ

/** Busy ticks (user + nice + system) of the whole machine, from /proc/stat. */
function machineBusy() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return f[0] + f[1] + f[2];
}
/** Ticks the hypervisor took from this VM's CPUs (steal), from /proc/stat. */
function machineSteal() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return f[7] ?? 0;
}
/** CPU ticks of this process plus its waited-for children (wrk runs as one). */
function selfTicks() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}

function nginxConfig(dir, upstreamPort) {
  const asRoot = process.getuid?.() === 0 ? 'user root root;\n' : '';
  return `${asRoot}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  upstream app {
    server 127.0.0.1:${upstreamPort};
    keepalive 256;
  }
  server {
    listen 127.0.0.1:0;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header Knative-Serving-Revision hello-00001;
      proxy_set_header Knative-Serving-Namespace default;
    }
  }
}
`;
}

async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function main() {
  const up = await startChild(LOAD_CPU, process.execPath, [join(here, 'upstream.mjs'), '0'], 'upstream');
  const targets = [{ name: 'direct (node upstream)', port: up.port, pid: up.child.pid }];

  if (existsSync(v.nginx)) {
    const dir = mkdtempSync(join(tmpdir(), 'kn-ts-bench-nginx-'));
    const port = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, up.port).replace('listen 127.0.0.1:0;', `listen 127.0.0.1:${port};`));
    const [cmd, args] = pinned(PROXY_CPU, v.nginx, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')]);
    const c = spawn(cmd, args, { stdio: 'inherit' });
    children.push(c);
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    await waitFor(port, HOST);
    targets.push({ name: 'nginx 1 worker', port, pid: c.pid });
  } else process.stderr.write(`no nginx at ${v.nginx}: skipping it\n`);

  const workers = Math.max(1, Number(v.workers));
  const variants = v.fast === 'both' ? ['0', '1'] : v.fast === 'on' ? ['1'] : ['0'];
  // --compare-flags 'A' --compare-flags 'B': extra fast-path gateways with other node flags, measured
  // in the same rounds (experiments: which flags belong in the manifest).
  const flagSets = [{ flags: gatewayNodeFlags, label: '' }, ...(v['compare-flags'] ?? []).map((f, i) => ({ flags: f.split(/\s+/).filter(Boolean), label: ` [${String.fromCharCode(65 + i)}]` }))];
  for (const fast of variants) {
    for (const fs of fast === '1' ? flagSets : flagSets.slice(0, 1)) {
      const gwPort = await freePort();
      const gwArgs = [...fs.flags, join(here, 'gateway-proc.ts'), String(gwPort), String(up.port), String(workers), fast];
      // --gc: V8 prints the trace with C stdio, block-buffered into a pipe; stdbuf makes it line-buffered.
      const gw = v.gc
        ? await startChild(PROXY_CPU, '/usr/bin/stdbuf', ['-oL', process.execPath, '--trace-gc', ...gwArgs], 'gateway')
        : await startChild(PROXY_CPU, process.execPath, gwArgs, 'gateway');
      await waitFor(gw.port, HOST);
      const name = `kn-ts gateway${workers > 1 ? ` ×${workers}` : ''}${fast === '1' ? ' fast' : ''}${fs.label}`;
      if (fs.label) process.stdout.write(`${name}: node flags ${fs.flags.join(' ') || '(none)'}\n`);
      targets.push({ name, port: gw.port, pid: gw.child.pid });
    }
  }

  const measured = targets.filter((t) => (!v.only || t.name.includes(v.only)) && !(v['skip-direct'] && t.name.startsWith('direct')));
  const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const pad = (s, n) => String(s).padEnd(n);
  const ticksOf = (pid, skip = false) => {
    if (skip) return 0;
    const t = cpuTicks(pid);
    return t.user + t.sys;
  };
  const fmt = (r) =>
    `${pad(r.target, 24)}${pad(r.rps.toFixed(0), 12)}${pad(r.p50.toFixed(2), 10)}${pad(r.p99.toFixed(2), 10)}${pad(r.cpu, 24)}${pad(`${r.other.toFixed(0)}+${r.steal.toFixed(0)} %`, 16)}${r.errors} ${r.note}`;
  const header = `${pad('target', 24)}${pad('req/s', 12)}${pad('p50 ms', 10)}${pad('p99 ms', 10)}${pad('CPU µs/req (user+sys)', 24)}${pad('other+steal', 16)}errors`;
  console.log(
    `\n${v.tool}, ${connections} connections, ${duration} s per target${rounds > 1 ? `, ${rounds} rounds` : ''}, 127.0.0.1 only${pin ? ', pinned: wrk+upstream CPU 0, proxy CPU 1' : ''}; gateway node flags: ${gatewayNodeFlags.join(' ') || '(none)'}; load average at start ${load0}`,
  );
  /** rows[round] = one row per target. */
  const rows = [];
  for (let round = 0; round < rounds; round++) {
    const these = [];
    for (const t of measured) {
      await load(t.port, Number(v.warmup));
      gcLines.set(t.pid, '');
      const before = cpuTicks(t.pid);
      // "other CPU": what processes outside this benchmark (other jobs on the shared machine) used
      // during the cell, in % of one CPU — a disturbed cell shows it here.
      const steal0 = machineSteal();
      const others0 = machineBusy() - selfTicks() - ticksOf(up.child.pid) - ticksOf(t.pid, t.pid === up.child.pid);
      const r = await load(t.port, duration);
      // CPU µs per request of the process under test (for "direct": the upstream itself).
      const after = cpuTicks(t.pid);
      const others = machineBusy() - selfTicks() - ticksOf(up.child.pid) - ticksOf(t.pid, t.pid === up.child.pid) - others0;
      const user = ((after.user - before.user) * TICK_US) / r.total;
      const sys = ((after.sys - before.sys) * TICK_US) / r.total;
      const steal = (machineSteal() - steal0) / duration;
      if (v.gc) await new Promise((res) => setTimeout(res, 100)); // the last trace lines
      const gc = v.gc && t.name.startsWith('kn-ts') ? gcSummary(gcLines.get(t.pid) ?? '') : '';
      these.push({ target: t.name, ...r, gc, other: Math.max(0, others) / duration, steal, cpuUs: user + sys, cpu: `${(user + sys).toFixed(1)} (${user.toFixed(0)}+${sys.toFixed(0)})` });
    }
    rows.push(these);
    if (rounds > 1) {
      console.log(`\nround ${round + 1}/${rounds}\n${header}`);
      for (const r of these) console.log(fmt(r));
      for (const r of these) if (r.gc) console.log(`  ${r.target}: ${r.gc}`);
      summarise(these, '  ');
    }
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  /** One line per gateway variant: throughput ratio and p99 difference against nginx of the same rows. */
  function summarise(these, indent) {
    const nginx = these.find((r) => r.target.startsWith('nginx'));
    if (!nginx) return;
    for (const ours of these.filter((r) => r.target.startsWith('kn-ts'))) {
      const ok = ours.rps >= 0.8 * nginx.rps && ours.p99 <= nginx.p99 + 1;
      console.log(
        `${indent}${ours.target}/nginx: throughput ${(ours.rps / nginx.rps).toFixed(2)}× (goal ≥ 0.80×); p50 ${ours.p50.toFixed(2)} vs ${nginx.p50.toFixed(2)} ms; p99 ${ours.p99.toFixed(2)} vs ${nginx.p99.toFixed(2)} ms, difference ${(ours.p99 - nginx.p99 >= 0 ? '+' : '') + (ours.p99 - nginx.p99).toFixed(2)} ms (goal ≤ +1.00) → ${ok ? 'goal met' : 'goal NOT met'}`,
      );
    }
  }
  const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  if (rounds === 1) {
    console.log(`\n${header}`);
    for (const r of rows[0]) console.log(fmt(r));
    for (const r of rows[0]) if (r.gc) console.log(`  ${r.target}: ${r.gc}`);
    console.log('');
    summarise(rows[0], '');
  } else {
    // Medians over the rounds, per target; then the per-round differences against nginx.
    console.log(`\nmedians of ${rounds} rounds\n${header}`);
    const med = measured.map((t) => {
      const rs = rows.map((these) => these.find((r) => r.target === t.name));
      const cpuUs = median(rs.map((r) => r.cpuUs));
      return {
        target: t.name,
        rps: median(rs.map((r) => r.rps)),
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        cpu: `${cpuUs.toFixed(1)}`,
        other: median(rs.map((r) => r.other)),
        steal: median(rs.map((r) => r.steal)),
        errors: rs.reduce((n, r) => n + r.errors, 0),
        note: '',
      };
    });
    for (const r of med) console.log(fmt(r));
    for (const t of measured.filter((x) => x.name.startsWith('kn-ts'))) {
      const pairs = rows
        .map((these) => [these.find((r) => r.target === t.name), these.find((r) => r.target.startsWith('nginx'))])
        .filter(([a, b]) => a && b);
      if (pairs.length === 0) continue;
      const ratios = pairs.map(([a, b]) => a.rps / b.rps);
      const diffs = pairs.map(([a, b]) => a.p99 - b.p99);
      const met = pairs.filter(([a, b]) => a.rps >= 0.8 * b.rps && a.p99 <= b.p99 + 1).length;
      const sign = (x) => (x >= 0 ? '+' : '') + x.toFixed(2);
      console.log(
        `\n${t.name}/nginx per round: throughput ${ratios.map((x) => x.toFixed(2)).join(' ')} (median ${median(ratios).toFixed(2)}×); p99 difference ms ${diffs.map(sign).join(' ')} (median ${sign(median(diffs))}); goal met in ${met} of ${pairs.length} rounds`,
      );
      // Rounds where neither cell was disturbed: other jobs plus the hypervisor's steal took less
      // than QUIET % of one CPU.
      const quiet = pairs.filter(([a, b]) => a.other + a.steal < QUIET && b.other + b.steal < QUIET);
      const qmet = quiet.filter(([a, b]) => a.rps >= 0.8 * b.rps && a.p99 <= b.p99 + 1).length;
      console.log(
        `  undisturbed rounds (other+steal < ${QUIET} % of a CPU in both cells): ${quiet.length}${quiet.length ? `; p99 difference ms ${quiet.map(([a, b]) => sign(a.p99 - b.p99)).join(' ')}; throughput ${quiet.map(([a, b]) => (a.rps / b.rps).toFixed(2)).join(' ')}; goal met in ${qmet} of ${quiet.length}` : ''}`,
      );
    }
  }
  console.log(`load average at end ${load1}`);
  stopAll();
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.message}\n`);
  stopAll();
  process.exit(1);
});
