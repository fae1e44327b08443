#!/usr/bin/env node
// What a waiting delivery costs the broker: the `--config` broker with the Deployment's node flags,
// one Trigger whose subscriber (node:http on 127.0.0.1) holds every request open, so every event
// the broker accepts beyond its 100 deliveries in flight waits in the Trigger's queue. Sends N
// events on 16 keep-alive connections and prints the broker's RSS and RssAnon idle and once all are
// accepted, and the anonymous memory per waiting delivery. Bounded: N ≤ 9,000 (under --max-pending).
//   npm run build && flock /work/bench.lock unshare -rn sh -c 'ip link set lo up; node bench/broker/waiting.mjs 100 4000 8000'
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { setTimeout } from 'node:timers';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage, procMemory } from '../lib/proc.ts';
import { brokerNodeFlags } from './node-flags.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');
const counts = (process.argv.slice(2).length ? process.argv.slice(2) : ['100', '4000', '8000']).map((n) => Math.max(1, Math.min(9000, Number(n))));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run(n) {
  const held = [];
  const sub = http.createServer((req, res) => {
    req.resume();
    held.push(res);
  });
  await new Promise((r) => sub.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'kn-ts-bench-waiting-'));
  const cfg = join(dir, 'cfg.json');
  writeFileSync(cfg, JSON.stringify([
    { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'default', namespace: 'ns' } },
    { apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', metadata: { name: 't', namespace: 'ns', uid: 'u1' }, spec: { broker: 'default', subscriber: { uri: `http://127.0.0.1:${sub.address().port}/` } } },
  ]));
  const b = spawn(process.execPath, [...brokerNodeFlags(REPO), join(REPO, 'bin/control-plane.js'), 'broker', '--config', cfg, '--bind', '127.0.0.1', '--port', '0', '--admin-port', '0', '--channel-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  try {
    const { port } = JSON.parse((await new Promise((r) => b.stdout.once('data', r))).toString().split('\n')[0]);
    await sleep(2000);
    const idle = procMemory(b.pid);
    let sent = 0;
    let accepted = 0;
    await new Promise((done) => {
      let inflight = 0;
      const next = () => {
        while (inflight < 16 && sent < n) {
          inflight++;
          const id = ++sent;
          const headers = { 'ce-specversion': '1.0', 'ce-id': `e${id}`, 'ce-source': '/bench', 'ce-type': 'dev.bench', 'content-type': 'application/json' };
          http
            .request({ host: '127.0.0.1', port, path: '/ns/default', method: 'POST', agent, headers }, (res) => {
              res.resume();
              if (res.statusCode === 202) accepted++;
              inflight--;
              if (sent >= n && inflight === 0) done();
              else next();
            })
            .end('{"msg":"hello"}');
        }
      };
      next();
    });
    await sleep(1000);
    const full = procMemory(b.pid);
    const waiting = accepted - held.length;
    console.log(
      `${n} events: accepted ${accepted}, ${held.length} in flight at the subscriber, ${waiting} waiting; idle RSS ${idle.rss.toFixed(1)} MiB (anon ${idle.anon.toFixed(1)}), ` +
        `then ${full.rss.toFixed(1)} MiB (anon ${full.anon.toFixed(1)}): ${waiting > 0 ? (((full.anon - idle.anon) * 1024) / waiting).toFixed(2) : '–'} KiB anon per waiting delivery (counting in-flight and start-up growth too)  load ${loadAverage()}`,
    );
  } finally {
    b.kill('SIGKILL');
    for (const r of held) r.destroy();
    sub.close();
    agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const n of counts) await run(n);
