// A benchmark producer (child process) on node:net: `connections` keep-alive HTTP/1.1 connections,
// each sending one binary-mode CloudEvent at a time (a unique ce-id, a ce-sentat stamp in
// microseconds) and waiting for the answer. autocannon spent more CPU per request than the broker
// under test once both shared one core, so the producer was the bottleneck; this one costs a few
// µs per request. Bounded: it stops at `amount` events or after `duration` seconds, then waits at
// most 10 s for the answers in flight. The parent sends {url, connections, duration|amount} over
// IPC and gets back the counts by status, the rate and the latency percentiles. With `rate`, the
// connections together send at most that many events per second (paced on a 1 ms timer).
import { Buffer } from 'node:buffer';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';

const nowUs = () => performance.timeOrigin * 1000 + performance.now() * 1000;
const BODY = '{"msg":"hello"}';
const CRLFCRLF = Buffer.from('\r\n\r\n');

function run({ url, connections, duration, amount, rate, prefix = 'e' }) {
  const u = new URL(url);
  const head =
    `POST ${u.pathname} HTTP/1.1\r\nhost: ${u.host}\r\nce-specversion: 1.0\r\nce-source: /bench\r\nce-type: dev.bench.match\r\n` +
    `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(BODY)}\r\n`;
  return new Promise((resolve) => {
    const status = {};
    let lat = new Float64Array(1 << 16);
    let nLat = 0;
    let sent = 0;
    let errors = 0;
    let open = 0;
    let stopping = false;
    const t0 = performance.now();
    let tLast = t0;
    const deadline = amount ? Infinity : t0 + duration * 1000;
    const more = () => !stopping && (amount ? sent < amount : performance.now() < deadline);
    const finish = () => {
      if (open > 0) return;
      clearTimeout(hard);
      const s = lat.subarray(0, nLat).sort();
      const q = (p) => (nLat ? s[Math.min(nLat - 1, Math.floor(p * nLat))] / 1000 : NaN);
      const done = Object.values(status).reduce((a, b) => a + b, 0);
      const secs = (tLast - t0) / 1000;
      resolve({ sent, done, status, errors, seconds: secs, rate: done / secs, p50: q(0.5), p99: q(0.99) });
    };
    const hard = setTimeout(() => {
      stopping = true;
      for (const c of conns) c.destroy();
    }, (amount ? 600 : duration + 10) * 1000);
    const conns = [];
    const connect = () => {
      open++;
      const sock = net.connect(Number(u.port), u.hostname);
      conns.push(sock);
      sock.setNoDelay(true);
      let buf = Buffer.alloc(0);
      let startedUs = 0;
      let busy = false;
      const send = () => {
        if (!more()) {
          sock.end();
          return;
        }
        if (rate && sent >= (rate * (performance.now() - t0)) / 1000) {
          setTimeout(send, 1);
          return;
        }
        const id = ++sent;
        startedUs = nowUs();
        busy = true;
        sock.write(`${head}ce-id: ${prefix}-${id}\r\nce-sentat: ${Math.round(startedUs)}\r\n\r\n${BODY}`);
      };
      sock.on('connect', send);
      sock.on('data', (chunk) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        for (;;) {
          const end = buf.indexOf(CRLFCRLF);
          if (end < 0) return;
          const h = buf.toString('latin1', 0, end);
          const m = /\r\ncontent-length:\s*(\d+)/i.exec(h);
          const total = end + 4 + (m ? Number(m[1]) : 0);
          if (buf.length < total) return;
          const code = h.slice(9, 12);
          status[code] = (status[code] ?? 0) + 1;
          if (nLat === lat.length) {
            const bigger = new Float64Array(lat.length * 2);
            bigger.set(lat);
            lat = bigger;
          }
          lat[nLat++] = nowUs() - startedUs;
          tLast = performance.now();
          busy = false;
          buf = buf.subarray(total);
          if (/\r\nconnection:\s*close/i.test(h)) {
            sock.destroy();
            return;
          }
          send();
        }
      });
      sock.on('error', () => {
        errors++;
      });
      sock.on('close', () => {
        open--;
        // A connection the server dropped: the event in flight is counted as an error and a new
        // connection takes over (bounded by the same count and deadline).
        if (busy) errors++;
        if (more()) connect();
        else finish();
      });
    };
    for (let i = 0; i < connections; i++) connect();
  });
}

process.on('message', async (m) => {
  if (m.cmd === 'run') process.send(await run(m));
  else if (m.cmd === 'exit') process.exit(0);
});
process.send({ ready: true });
