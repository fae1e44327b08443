// bench/ping: 1,000 PingSources on one schedule ("* * * * *") in the shared ping adapter (one croner
// job each, upstream's 0–499 ms jitter, the adapters' sender), sending to one receiver on 127.0.0.1.
// Prints when each source's event arrived after the minute boundary: the first, the last, the
// spread, and whether all arrived within 1 s of the minute (the anchor), for one tick; and
// where the time went: the croner tick's delay, the jitter (when each send started) and each send's
// own latency (start → the receiver has it), with the load average before and after.
//
//   flock /work/bench.lock unshare -rn bash -c 'ip link set lo up; node bench/ping/run.ts [count] [jitterMs]'
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import type { PingSource } from '../../src/api/sources/types.ts';
import { PingScheduler } from '../../src/dataplane/adapters/ping.ts';
import { sendEvent } from '../../src/dataplane/adapters/send.ts';

const N = Number(process.argv[2] ?? 1000);
const JITTER = process.argv[3] === undefined ? 500 : Number(process.argv[3]);
const arrivals: number[] = [];
/** ce-id → arrival (ms). */
const arrivedById = new Map<string, number>();
const srv = createServer((req, res) => {
  req.resume().on('end', () => {
    const t = Date.now();
    arrivals.push(t);
    arrivedById.set(String(req.headers['ce-id']), t);
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
/** When each send started (after the jitter), by event id. */
const started = new Map<string, number>();
const send: typeof sendEvent = (url, attrs, data, o) => {
  const id = crypto.randomUUID();
  started.set(id, Date.now());
  return sendEvent(url, { ...attrs, id }, data, o);
};
const s = new PingScheduler({ log: { info() {}, warn() {}, error: () => void failed++ }, jitterMs: JITTER, send, lookup: (_ns, name) => sources.get(name), onSent: (_k, _r, at) => void fired.push(at.getTime()) });
for (const src of sources.values()) s.ensure(src);
const boundary = Math.ceil(Date.now() / 60_000) * 60_000;
const load0 = loadavg()[0]!.toFixed(2);
process.stdout.write(`bench/ping: ${N} PingSources scheduled ("* * * * *"), jitter 0–${JITTER} ms, waiting ${((boundary - Date.now()) / 1000).toFixed(1)} s for the minute; load average ${load0}\n`);
const deadline = boundary + 10_000;
while (arrivals.length < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
s.stopAll();
srv.close();
const lat = arrivals.filter((t) => t >= boundary - 100 && t < boundary + 60_000).map((t) => t - boundary).sort((a, b) => a - b);
const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? NaN;
const first = lat[0] ?? NaN;
const last = lat.at(-1) ?? NaN;
const ticks = fired.map((t) => t - boundary).sort((a, b) => a - b);
const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const starts = [...started.values()].map((t) => t - boundary).sort((a, b) => a - b);
const sendMs = [...started].filter(([id]) => arrivedById.has(id)).map(([id, t]) => arrivedById.get(id)! - t).sort((a, b) => a - b);
process.stdout.write(`croner tick after the minute: first ${ticks[0]} ms, last ${ticks.at(-1)} ms\n`);
process.stdout.write(`sends started after the minute (tick + jitter): first ${starts[0]} ms, p50 ${q(starts, 50)} ms, last ${starts.at(-1)} ms\n`);
process.stdout.write(`each send, start → received: p50 ${q(sendMs, 50)} ms, p99 ${q(sendMs, 99)} ms, max ${sendMs.at(-1)} ms\n`);
process.stdout.write(
  `arrived ${lat.length}/${N} (send failures ${failed}); after the minute: first ${first} ms, p50 ${pct(50)} ms, p99 ${pct(99)} ms, last ${last} ms; spread ${last - first} ms\n` +
    `anchor (issue #11): all within 1000 ms of the minute — ${lat.length === N && last <= 1000 ? 'met' : 'NOT met'}; load average ${load0} before, ${loadavg()[0]!.toFixed(2)} after\n`,
);
process.exit(0);
