#!/usr/bin/env node
// `npm run bench`: lists the benchmarks of bench/ with how to run each, then runs, one after the
// other, every one this machine can run without extra setup (the test API-server binaries are
// built and cached on first use, as for `npm test`). Each prints its own figure beside its anchor;
// docs/benchmarks.md records them with the command that printed them.
//
//   npm run bench                       # list, then run every benchmark that needs nothing more
//   npm run bench -- --list             # list only
//   npm run bench -- cli-startup quickstart   # run these
//
// Benchmarks that start servers run inside a loopback-only network namespace (unshare -rn), as
// the tests do. Run under the shared lock when the machine is shared:
//   flock -o /tmp/kn-ts-bench.lock npm run bench
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const inNetns = (cmd) => `unshare -rn bash -c 'ip link set lo up; ${cmd}'`;
const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Every benchmark: what it measures beside what, how to run it by hand, and what it needs beyond `npm test`'s set-up. */
const BENCHES = [
  {
    name: 'cli-startup',
    what: 'kn start-up (--help, version, service list) beside kubectl, private API server',
    run: 'bash bench/cli-startup/run.sh',
    needs: [],
  },
  {
    name: 'cli-list',
    what: 'kn service/revision list of 500 objects beside kubectl get',
    run: 'bash bench/cli-list/run.sh',
    needs: [],
  },
  {
    name: 'quickstart',
    what: 'kn quickstart kind apply-and-wait and the whole command with fake kind/docker (fresh, re-run)',
    run: `KN_TS_TEST_BINS="$(scripts/build-test-bins.sh)" ${inNetns('node bench/quickstart/run.ts 5')}`,
    needs: [],
  },
  {
    name: 'reconcile',
    what: 'create→Ready of 1 and 500 Services, controller RSS (several minutes)',
    run: `npm run --silent build && KN_TS_TEST_BINS="$(scripts/build-test-bins.sh)" ${inNetns('node bench/reconcile/run.ts')}`,
    needs: [],
  },
  {
    name: 'gateway',
    what: "gateway req/s and latency beside Debian's nginx as a reverse proxy and the upstream direct",
    run: inNetns('node bench/gateway/run.mjs --duration 10'),
    // nginx is the anchor: without it the figures have nothing to stand beside.
    needs: [{ ok: () => existsSync('/usr/sbin/nginx'), what: "nginx at /usr/sbin/nginx (Debian: 'sudo apt-get install nginx-light')" }],
  },
  {
    name: 'broker',
    what: 'broker events/s and latency through 1 and 100 Triggers beside a direct POST, RSS at 10,000/s, 100k-event reliability run',
    run: `npm run --silent build && ${inNetns('node bench/broker/run.mjs')}`,
    needs: [],
  },
  {
    name: 'broker-feed',
    what: "the broker as deployed (on the controller's data-plane feed, a real API server): RSS idle and at 10,000 events/s",
    run: `npm run --silent build && KN_TS_TEST_BINS="$(scripts/build-test-bins.sh)" ${inNetns('node bench/broker/in-cluster.ts')}`,
    needs: [],
  },
];

const args = process.argv.slice(2);
const listOnly = args.includes('--list');
const picked = args.filter((a) => !a.startsWith('-'));
const unknown = picked.filter((n) => !BENCHES.some((b) => b.name === n));
if (unknown.length) {
  process.stderr.write(`bench: no benchmark named ${unknown.join(', ')}: choose from ${BENCHES.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}
if (!onPath('unshare')) {
  process.stderr.write('bench: unshare (util-linux) is needed to isolate the benchmarks from the network\n');
  process.exit(1);
}

const missing = (b) => b.needs.filter((n) => !n.ok()).map((n) => n.what);
process.stdout.write('Benchmarks (bench/; figures and their anchors in docs/benchmarks.md):\n\n');
for (const b of BENCHES) {
  const m = missing(b);
  process.stdout.write(`  ${b.name.padEnd(12)} ${b.what}\n  ${''.padEnd(12)} $ ${b.run}\n${m.length ? `  ${''.padEnd(12)} needs: ${m.join('; ')}\n` : ''}\n`);
}
if (listOnly) process.exit(0);

const chosen = picked.length ? BENCHES.filter((b) => picked.includes(b.name)) : BENCHES.filter((b) => missing(b).length === 0);
const blocked = chosen.filter((b) => missing(b).length);
if (blocked.length) {
  process.stderr.write(`bench: ${blocked.map((b) => `${b.name} needs ${missing(b).join('; ')}`).join(', and ')}\n`);
  process.exit(1);
}

// The API-server binaries once, before any network namespace (they are built from the Go module proxy).
const bins = execFileSync('bash', [join(REPO, 'scripts/build-test-bins.sh')], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
const results = [];
for (const b of chosen) {
  process.stdout.write(`=== ${b.name}: ${b.run}\n`);
  const t0 = Date.now();
  const r = spawnSync('bash', ['-c', b.run], { cwd: REPO, stdio: 'inherit', env: { ...process.env, KN_TS_TEST_BINS: bins } });
  results.push({ name: b.name, code: r.status ?? 1, s: Math.round((Date.now() - t0) / 1000) });
}
process.stdout.write(`\n${results.map((r) => `${r.name}: ${r.code === 0 ? 'done' : `FAILED (exit ${r.code})`} in ${r.s} s`).join('\n')}\n`);
const skipped = BENCHES.filter((b) => !chosen.includes(b));
if (skipped.length) process.stdout.write(`not run: ${skipped.map((b) => `${b.name}${missing(b).length ? ` (needs ${missing(b).join('; ')})` : ''}`).join(', ')}\n`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
