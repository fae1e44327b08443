// A benchmark subscriber (child process): answers 202 with an empty body, or 500 for a fraction
// of deliveries (--fail 0.3); /dls is a dead-letter sink. It records the end-to-end latency from
// the producer's ce-sentat extension (performance.timeOrigin + now(), microseconds) and the ids it
// delivered or dead-lettered. The parent asks for the figures over IPC.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { fail: { type: 'string', default: '0' } } });
const fail = Number(values.fail);
const now = () => performance.timeOrigin * 1000 + performance.now() * 1000;
let lat = [];
const delivered = new Set();
const deadLettered = new Set();
let attempts = 0;
let dlsCodes = {};
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url === '/dls') {
      deadLettered.add(req.headers['ce-id']);
      const c = req.headers['ce-knativeerrorcode'];
      dlsCodes[c] = (dlsCodes[c] ?? 0) + 1;
      res.writeHead(202).end();
      return;
    }
    attempts++;
    if (fail > 0 && Math.random() < fail) {
      res.writeHead(500).end();
      return;
    }
    const sent = Number(req.headers['ce-sentat']);
    if (sent) lat.push(now() - sent);
    if (fail > 0) delivered.add(req.headers['ce-id']);
    res.writeHead(202).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'reset') {
    lat = [];
    delivered.clear();
    deadLettered.clear();
    attempts = 0;
    dlsCodes = {};
    process.send({ ok: true });
  } else if (m === 'report') {
    const s = Float64Array.from(lat).sort();
    const q = (p) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] / 1000 : NaN);
    process.send({ count: s.length, p50: q(0.5), p99: q(0.99), delivered: delivered.size, deadLettered: deadLettered.size, attempts, dlsCodes });
  } else if (m === 'exit') process.exit(0);
});
