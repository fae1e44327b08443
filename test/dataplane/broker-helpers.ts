// Helpers of the broker's dataplane tests: the real broker process (bin/control-plane.js broker
// --config FILE) and real node:http subscribers on 127.0.0.1.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../harness/env.ts';

export interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}
export interface Sub {
  url: string;
  got: Received[];
  server: http.Server;
  /** Answer for the n-th request (0-based). */
  answer: (n: number, r: Received, res: http.ServerResponse) => void;
  waitFor(n: number, ms?: number): Promise<void>;
}

export const subs: Sub[] = [];
export async function subscriber(answer: Sub['answer'] = (_n, _r, res) => res.writeHead(202).end()): Promise<Sub> {
  const s: Sub = {
    url: '',
    got: [],
    server: http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        const r = { at: Date.now(), headers: req.headers, body };
        s.got.push(r);
        s.answer(s.got.length - 1, r, res);
      });
    }),
    answer,
    async waitFor(n, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (s.got.length < n) {
        if (Date.now() > deadline) throw new Error(`${s.url}: got ${s.got.length} events, want ${n}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
  await new Promise<void>((r) => s.server.listen(0, '127.0.0.1', () => r()));
  s.url = `http://127.0.0.1:${(s.server.address() as AddressInfo).port}/`;
  subs.push(s);
  return s;
}

/** Sends raw bytes on one connection and collects what comes back until the peer ends or `n` responses arrived. */
export function exchange(port: number, bytes: string, n: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no ${n} responses: ${JSON.stringify(got)}`));
    }, 10_000);
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(got);
    };
    s.on('data', (d) => {
      got += d.toString('latin1');
      if ((got.match(/HTTP\/1\.1 \d{3}/g) ?? []).length >= n && got.endsWith('\r\n\r\n')) done();
    });
    s.on('end', done);
    s.on('error', reject);
    s.write(bytes, 'latin1');
  });
}

let dir: string | undefined;
export const procs: ChildProcess[] = [];

/** The ports a broker process prints on its first line of stdout. */
export interface BrokerPorts {
  port: number;
  adminPort: number;
  channelPort?: number;
}

/**
 * Starts `bin/control-plane.js broker` with `args` on 127.0.0.1 (ephemeral ports) and waits for the
 * line of ports it prints when it listens; rejects, with its stderr, if it exits first. `track`
 * receives the process at once (so an after() hook can stop it even if the wait fails).
 */
export async function spawnBroker(args: string[], track?: ChildProcess[]): Promise<{ proc: ChildProcess; ports: BrokerPorts }> {
  const proc = spawn(process.execPath, [join(REPO, 'bin/control-plane.js'), 'broker', '--bind', '127.0.0.1', '--port', '0', '--admin-port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  track?.push(proc);
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const line = await new Promise<string>((res, rej) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) res(out.split('\n')[0]!);
    });
    proc.once('exit', (code) => rej(new Error(`broker exited ${code}: ${err}`)));
  });
  return { proc, ports: JSON.parse(line) as BrokerPorts };
}

/** The broker process serving `yaml`; `channel` is the InMemoryChannel dispatcher's URL. */
export async function startBroker(yaml: string, args: string[] = []): Promise<{ url: string; admin: string; channel: string; proc: ChildProcess }> {
  dir ??= mkdtempSync(join(tmpdir(), 'kn-ts-broker-'));
  // A JSON config (an object or an array) is written as .json: the broker reads it without the yaml library.
  const file = join(dir, `cfg-${procs.length}.${/^\s*[[{]/.test(yaml) ? 'json' : 'yaml'}`);
  writeFileSync(file, yaml);
  const { proc, ports } = await spawnBroker(['--config', file, ...args], procs);
  return { url: `http://127.0.0.1:${ports.port}`, admin: `http://127.0.0.1:${ports.adminPort}`, channel: `http://127.0.0.1:${ports.channelPort ?? 0}`, proc };
}

export const broker = (name = 'default', delivery?: object) => `apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: {name: ${name}, namespace: ns}
${delivery ? `spec: {delivery: ${JSON.stringify(delivery)}}` : ''}
---
`;
export const trigger = (name: string, sub: string, extra: object = {}) =>
  `apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata: {name: ${name}, namespace: ns, uid: uid-${name}}
spec: ${JSON.stringify({ broker: 'default', subscriber: { uri: sub }, ...extra })}
---
`;

let seq = 0;
export async function send(url: string, attrs: Record<string, string> = {}, body = '{"hello":"world"}', headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers }> {
  const h: Record<string, string> = { 'ce-specversion': '1.0', 'ce-id': `id-${++seq}`, 'ce-source': '/test', 'ce-type': 'dev.test', 'content-type': 'application/json', ...headers };
  for (const [k, v] of Object.entries(attrs)) h[`ce-${k}`] = v;
  const r = await fetch(url, { method: 'POST', headers: h, body });
  await r.arrayBuffer();
  return { status: r.status, headers: r.headers };
}
export const metric = async (admin: string, name: string) => Number(/\s(\d+)$/m.exec((await (await fetch(`${admin}/metrics`)).text()).split('\n').find((l) => l.startsWith(name + ' ')) ?? '')?.[1] ?? NaN);

/** Stops every broker and subscriber the helpers started. */
export function cleanUp(): void {
  for (const p of procs) p.kill('SIGKILL');
  for (const s of subs) {
    s.server.closeAllConnections();
    s.server.close();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}
