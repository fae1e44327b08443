// Quickstart on a REAL kind cluster (issue #8): `kn quickstart kind` from nothing (the node image
// cached, as on a laptop that has run kind before) and a re-run, part by part, beside upstream
// kn-plugin-quickstart's 2m23s–5m05s; then the control plane's idle memory in the cluster
// (controller + gateway working set, read by the kubelet from the node's cgroups). Prints figures;
// asserts nothing. Run by bench/quickstart/kind.sh inside the e2e tier's network namespace.
//
// The parts come from the real kind and docker, each wrapped by a shim on PATH that logs when it
// started and ended; apply and Ready from the times the quickstart's steps print their titles.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { REPO } from '../../test/harness/env.ts';
import { whichOnPath } from '../../src/quickstart/runner.ts';
import { run } from '../../test/e2e/env.ts';

const NODE_IMAGE = process.env.KN_E2E_NODE_IMAGE;
if (!NODE_IMAGE) throw new Error('KN_E2E_NODE_IMAGE is not set: run bench/quickstart/kind.sh');
const work = mkdtempSync(join(tmpdir(), 'kn-bench-qs-'));
const shims = join(work, 'bin');
const log = join(work, 'calls.log');

// Timing shims: the real docker and kind, their start and end written to calls.log.
mkdirSync(shims);
for (const tool of ['docker', 'kind']) {
  const real = whichOnPath(tool);
  if (!real) throw new Error(`${tool} is not on PATH`);
  writeFileSync(
    join(shims, tool),
    `#!/bin/sh\ns=$(date +%s%N)\n'${real}' "$@"\nrc=$?\necho "$s $(date +%s%N) $rc ${tool} $*" >> '${log}'\nexit $rc\n`,
  );
  chmodSync(join(shims, tool), 0o755);
}
const env = { ...process.env, PATH: `${shims}${delimiter}${process.env.PATH}`, CI: '1' };

interface Call {
  start: number;
  end: number;
  rc: number;
  line: string;
}
const calls = (): Call[] =>
  existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => {
          const [s, e, rc, ...rest] = l.split(' ');
          return { start: Number(s) / 1e6, end: Number(e) / 1e6, rc: Number(rc), line: rest.join(' ') };
        })
    : [];

/** Runs kn quickstart kind; each stdout line with the time it arrived. */
function quickstart(): Promise<{ code: number; t0: number; t1: number; lines: { at: number; text: string }[] }> {
  rmSync(log, { force: true });
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO, 'bin/run.js'), 'quickstart', 'kind', '--node-image', NODE_IMAGE!], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: { at: number; text: string }[] = [];
    let buf = '';
    const take = (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const p of parts) lines.push({ at: Date.now(), text: p });
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code) => resolve({ code: code ?? 1, t0, t1: Date.now(), lines }));
  });
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function parts(r: Awaited<ReturnType<typeof quickstart>>): Record<string, string> {
  const c = calls();
  const find = (re: RegExp) => c.find((x) => re.test(x.line));
  const at = (re: RegExp) => r.lines.find((l) => re.test(l.text))?.at;
  const create = find(/^kind create cluster/);
  const inspect = find(/^docker image inspect/);
  const build = find(/^docker build/);
  // The load is tried while kind creates the cluster (failing until the node's containerd answers).
  const load = c.find((x) => /^kind load/.test(x.line) && x.rc === 0);
  const tries = c.filter((x) => /^kind load/.test(x.line)).length;
  const crds = at(/Installing CRDs and namespaces/);
  const wait = at(/Waiting for the control plane to become Available/);
  const list = find(/^kind get clusters/);
  const out: Record<string, string> = {};
  out['kn start + checks (docker info, kind version, clusters)'] = list ? s(list.end - r.t0) : '-';
  out['cluster create'] = create ? s(create.end - create.start) : 'reused';
  out['context fingerprint + staging (hard links)'] = build && inspect ? s(build.start - inspect.start) : '-';
  out['image build (docker build --network=none)'] = build
    ? `${s(build.end - build.start)}${create && build.start < create.end ? `, beside the create (ends ${s(Math.max(0, build.end - create.end))} after it)` : ''}`
    : inspect
      ? `skipped: the image's context fingerprint matches (${s(inspect.end - inspect.start)} to check)`
      : '-';
  out['kind load'] = load
    ? `${s(load.end - load.start)}${create && load.start < create.end ? `, beside the create (try ${tries}; ends ${s(Math.max(0, load.end - create.end))} after it)` : ''}`
    : '-';
  if (crds && wait) {
    out['apply (CRDs Established + control plane)'] = s(wait - crds);
    out['Ready (Deployments Available)'] = s(r.t1 - wait);
  }
  out.total = s(r.t1 - r.t0);
  return out;
}

function print(title: string, p: Record<string, string>) {
  console.log(`\n${title}`);
  for (const [k, v] of Object.entries(p)) console.log(`  ${k.padEnd(56)} ${v}`);
}

try {
  const { loadavg, cpus } = await import('node:os');
  console.log(`machine: ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the start`);
  await run('kind', ['delete', 'cluster', '--name', 'knative']);
  // From nothing: no cluster and no control-plane image either (only the node image is cached).
  const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
  await run('docker', ['rmi', '-f', `dev.local/kn-ts/control-plane:${version}`]);
  const fresh = await quickstart();
  if (fresh.code !== 0) throw new Error(`kn quickstart kind failed:\n${fresh.lines.map((l) => l.text).join('\n')}`);
  print('kn quickstart kind from nothing (node image cached; no cluster, no control-plane image)   [upstream kn-plugin-quickstart: 2m23s–5m05s; goal ≤ 60 s]', parts(fresh));
  const again = await quickstart();
  if (again.code !== 0) throw new Error(`kn quickstart kind (re-run) failed:\n${again.lines.map((l) => l.text).join('\n')}`);
  print('kn quickstart kind re-run   [goal ≤ 10 s]', parts(again));

  // Idle memory: let the control plane settle, then the kubelet's summary (cgroup working sets).
  await new Promise((r) => setTimeout(r, 30_000));
  const summary = JSON.parse((await run('kubectl', ['get', '--raw', '/api/v1/nodes/knative-control-plane/proxy/stats/summary'])).stdout) as {
    pods: { podRef: { name: string; namespace: string }; containers: { name: string; memory?: { workingSetBytes?: number } }[] }[];
  };
  console.log('\ncontrol plane memory, idle 30 s after the quickstart (working set from the node\'s cgroups, kubelet stats/summary)   [goal ≤ 150 MiB]');
  let total = 0;
  for (const p of summary.pods.filter((x) => ['knative-serving', 'kourier-system', 'knative-eventing'].includes(x.podRef.namespace))) {
    for (const c of p.containers) {
      const b = c.memory?.workingSetBytes ?? 0;
      total += b;
      console.log(`  ${`${p.podRef.namespace}/${p.podRef.name} ${c.name}`.padEnd(72)} ${(b / 2 ** 20).toFixed(1)} MiB`);
    }
  }
  console.log(`  ${'total'.padEnd(72)} ${(total / 2 ** 20).toFixed(1)} MiB`);
  const node = (await run('docker', ['stats', '--no-stream', '--format', '{{.MemUsage}} {{.CPUPerc}}', 'knative-control-plane'])).stdout.trim();
  console.log(`  (the whole kind node container: ${node})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
