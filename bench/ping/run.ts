// bench/ping: 1,000 PingSources on one schedule ("* * * * *") in the shared ping adapter (one croner
// job each, upstream's 0–499 ms jitter, the adapters' sender), sending to one receiver on 127.0.0.1.
// Prints when each source's event arrived after the minute boundary: the first, the last, the
// spread, and whether all arrived within 1 s of the minute (the anchor), for one tick.
//
//   flock /work/bench.lock unshare -rn bash -c 'ip link set lo up; node bench/ping/run.ts [count]'
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PingSource } from '../../src/api/sources/types.ts';
import { PingScheduler } from '../../src/dataplane/adapters/ping.ts';

const N = Number(process.argv[2] ?? 1000);
const arrivals: number[] = [];
const srv = createServer((req, res) => {
  req.resume().on('end', () => {
    arrivals.push(Date.now());
    res.writeHead(202).end();
  });
});
srv.keepAliveTimeout = 60_000;
await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`;
const sources = new Map<string, PingSource>();
for (let i = 0; i < N; i++) {
  const name = `p${i}`;
  sources.set(name, { apiVersion: 'sources.knative.dev/v1', kind: 'PingSource', metadata: { name, namespace: 'bench' }, spec: { schedule: '* * * * *', data: '{"n":1}', contentType: 'application/json', sink: { uri: url } }, status: { sinkUri: url } });
}
let failed = 0;
const fired: number[] = [];
const s = new PingScheduler({ log: { info() {}, warn() {}, error: () => void failed++ }, lookup: (_ns, name) => sources.get(name), onSent: (_k, _r, at) => void fired.push(at.getTime()) });
for (const src of sources.values()) s.ensure(src);
const boundary = Math.ceil(Date.now() / 60_000) * 60_000;
process.stdout.write(`bench/ping: ${N} PingSources scheduled ("* * * * *"), waiting ${((boundary - Date.now()) / 1000).toFixed(1)} s for the minute\n`);
const deadline = boundary + 10_000;
while (arrivals.length < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
s.stopAll();
srv.close();
const lat = arrivals.filter((t) => t >= boundary - 100 && t < boundary + 60_000).map((t) => t - boundary).sort((a, b) => a - b);
const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? NaN;
const first = lat[0] ?? NaN;
const last = lat.at(-1) ?? NaN;
const ticks = fired.map((t) => t - boundary).sort((a, b) => a - b);
process.stdout.write(`croner ticks after the minute: first ${ticks[0]} ms, last ${ticks.at(-1)} ms\n`);
process.stdout.write(
  `arrived ${lat.length}/${N} (send failures ${failed}); after the minute: first ${first} ms, p50 ${pct(50)} ms, p99 ${pct(99)} ms, last ${last} ms; spread ${last - first} ms\n` +
    `anchor (issue #11): all within 1000 ms of the minute — ${lat.length === N && last <= 1000 ? 'met' : 'NOT met'}\n`,
);
process.exit(0);
