// A benchmark subscriber (child process) on node:net: answers 202 with an empty body, or 500 for a
// fraction of deliveries (--fail 0.3); /dls is a dead-letter sink. node:net rather than node:http:
// it costs a few µs per request, so neither the direct anchor nor the broker runs are bounded by
// it (the same subscriber serves both). It reads HTTP/1.1 requests framed by Content-Length only
// (what the broker and the producer send); anything else is counted as `unframed` and the
// connection closed, so the parent sees it. It records the end-to-end latency from the producer's
// ce-sentat extension (performance.timeOrigin + now(), microseconds) and the ids it delivered or
// dead-lettered. The parent asks for the figures over IPC.
import { Buffer } from 'node:buffer';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { fail: { type: 'string', default: '0' } } });
const fail = Number(values.fail);
const now = () => performance.timeOrigin * 1000 + performance.now() * 1000;
const CRLFCRLF = Buffer.from('\r\n\r\n');
const OK = 'HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n';
const FAIL = 'HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n';

let lat = [];
const delivered = new Set();
const deadLettered = new Set();
let attempts = 0;
let unframed = 0;
let dlsCodes = {};

/** The value of header `name` (lower-case, with its leading CRLF) in head h, or undefined. */
function header(h, lower, name) {
  const i = lower.indexOf(name);
  if (i < 0) return undefined;
  const from = i + name.length;
  const eol = h.indexOf('\r\n', from);
  return h.slice(from, eol < 0 ? h.length : eol).trim();
}

function handle(h) {
  const lower = h.toLowerCase();
  const path = h.slice(h.indexOf(' ') + 1, h.indexOf(' ', h.indexOf(' ') + 1));
  const id = header(h, lower, '\r\nce-id:');
  if (path === '/dls') {
    deadLettered.add(id);
    const c = header(h, lower, '\r\nce-knativeerrorcode:');
    dlsCodes[c] = (dlsCodes[c] ?? 0) + 1;
    return OK;
  }
  attempts++;
  if (fail > 0 && Math.random() < fail) return FAIL;
  const sent = Number(header(h, lower, '\r\nce-sentat:'));
  if (sent) lat.push(now() - sent);
  if (fail > 0) delivered.add(id);
  return OK;
}

const server = net.createServer((sock) => {
  sock.setNoDelay(true);
  let buf = Buffer.alloc(0);
  sock.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    let out = '';
    for (;;) {
      const end = buf.indexOf(CRLFCRLF);
      if (end < 0) break;
      const h = buf.toString('latin1', 0, end);
      if (/\r\ntransfer-encoding:/i.test(h)) {
        unframed++;
        sock.destroy();
        return;
      }
      const m = /\r\ncontent-length:\s*(\d+)/i.exec(h);
      const total = end + 4 + (m ? Number(m[1]) : 0);
      if (buf.length < total) break;
      out += handle(h);
      buf = buf.subarray(total);
    }
    if (out) sock.write(out);
  });
  sock.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'reset') {
    lat = [];
    delivered.clear();
    deadLettered.clear();
    attempts = 0;
    unframed = 0;
    dlsCodes = {};
    process.send({ ok: true });
  } else if (m === 'report') {
    const s = Float64Array.from(lat).sort();
    const q = (p) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] / 1000 : NaN);
    process.send({ count: s.length, p50: q(0.5), p99: q(0.99), delivered: delivered.size, deadLettered: deadLettered.size, attempts, unframed, dlsCodes });
  } else if (m === 'exit') process.exit(0);
});
