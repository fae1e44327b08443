// What the e2e tier's tests share: the real `kn` (bin/run.js), kubectl, kind, docker and curl run
// as a user runs them, and bounded HTTP load. scripts/test.sh runs this tier inside the network
// namespace that scripts/e2e.sh created (dockerd, the kind node and every pod live there), so
// 127.0.0.1 here is the namespace's loopback, where kind publishes the gateway. Nothing here
// resolves a name through DNS: every request goes to 127.0.0.1 with the Host header of the URL
// (curl --resolve does the same).
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { REPO } from '../harness/env.ts';

export const CLUSTER = 'knative';
export const DOMAIN = '127.0.0.1.sslip.io';
/** The offline kind node image scripts/e2e.sh built (passed with --node-image, as a user would). */
export const NODE_IMAGE = process.env.KN_E2E_NODE_IMAGE ?? '';
export const KN = join(REPO, 'bin', 'run.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command; never rejects on a non-zero exit. Bounded by timeoutMs. */
export function run(cmd: string, args: string[], o: { timeoutMs?: number; input?: string; cwd?: string } = {}): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { cwd: o.cwd ?? REPO, timeout: o.timeoutMs ?? 120_000, maxBuffer: 64 << 20, env: { ...process.env, CI: '1' } }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
      if (e && typeof e.code === 'string') return reject(new Error(`cannot run ${cmd}: ${e.message}`));
      if (e?.killed) return reject(new Error(`${cmd} ${args.join(' ')} did not finish in ${o.timeoutMs ?? 120_000} ms:\n${stdout}\n${stderr}`));
      resolve({ code: e ? Number(e.code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr), ms: Date.now() - t0 });
    });
    if (o.input !== undefined) child.stdin?.end(o.input);
    else child.stdin?.end();
  });
}

/** The real kn, as `kn …` (node bin/run.js). */
export const kn = (args: string[], timeoutMs = 240_000) => run(process.execPath, ['--', KN, ...args], { timeoutMs });
export const kubectl = (args: string[], o: { input?: string; timeoutMs?: number } = {}) => run('kubectl', args, o);
export const kind = (args: string[]) => run('kind', args);
export const docker = (args: string[], timeoutMs = 120_000) => run('docker', args, { timeoutMs });

/** Fails with everything the command printed when it did not exit 0. */
export function ok(r: Run, what: string): Run {
  if (r.code !== 0) throw new Error(`${what} exited with ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** `curl -sS --resolve host:80:127.0.0.1 http://host/path`: the real curl, never DNS. */
export async function curl(host: string, path = '/'): Promise<Run> {
  return run('curl', ['-sS', '-m', '10', '--resolve', `${host}:80:127.0.0.1`, `http://${host}${path}`], { timeoutMs: 15_000 });
}

export interface Reply {
  status: number;
  body: string;
}

/** One GET to the gateway on 127.0.0.1:80 with the URL's Host (a fresh connection each time). */
export function get(host: string, timeoutMs = 10_000): Promise<Reply> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: 80, path: '/', headers: { host }, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (e) => resolve({ status: 0, body: String(e) }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
    req.end();
  });
}

/** count requests, at most `concurrency` at a time: every reply, in order of completion. */
export async function burst(host: string, count: number, concurrency = 8): Promise<Reply[]> {
  const out: Reply[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      out.push(await get(host));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/** `rate` requests per second for `seconds` (bounded in count and time), while `during` runs. */
export async function steadyLoad(host: string, rate: number, seconds: number): Promise<Reply[]> {
  const replies: Promise<Reply>[] = [];
  const t0 = Date.now();
  for (let i = 0; i < rate * seconds; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    replies.push(get(host, 15_000));
  }
  return Promise.all(replies);
}

/** Polls fn until it returns a value (not undefined), at most timeoutMs; then throws with the last state. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000, everyMs = 1000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`${what}: not reached in ${timeoutMs / 1000}s${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The share of replies whose body includes each marker. */
export function shares(replies: Reply[], markers: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of markers) out[m] = replies.filter((r) => r.status === 200 && r.body.includes(m)).length / replies.length;
  return out;
}

/**
 * The quickstart cluster, for the e2e files after kind.test.ts (which creates it from nothing):
 * a re-run of `kn quickstart kind` when it is there (idempotent, seconds), a create when a file
 * runs alone (`npm test -- test/e2e/x.test.ts`; scripts/e2e.sh up starts with no cluster).
 */
export async function ensureCluster(): Promise<void> {
  ok(await kn(['quickstart', 'kind', '--node-image', NODE_IMAGE], 420_000), 'kn quickstart kind');
}

export const HELLO_IMAGE = 'dev.local/hello:e2e';

/**
 * test/e2e/fixtures/hello-server.mjs as an image (FROM the offline node:24-slim, built with no
 * network) loaded into the kind node: answers `Hello $TARGET! ($K_REVISION)`.
 */
export async function ensureHelloImage(): Promise<string> {
  const { mkdtempSync, copyFileSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const work = mkdtempSync(join(tmpdir(), 'kn-e2e-hello-'));
  try {
    copyFileSync(join(REPO, 'test/e2e/fixtures/hello-server.mjs'), join(work, 'server.mjs'));
    writeFileSync(join(work, 'Dockerfile'), 'FROM node:24-slim\nCOPY server.mjs /server.mjs\nUSER 65532:65532\nENTRYPOINT ["node", "/server.mjs"]\n');
    ok(await docker(['build', '--network=none', '-t', HELLO_IMAGE, work]), 'docker build');
    ok(await kind(['load', 'docker-image', HELLO_IMAGE, '--name', CLUSTER]), 'kind load');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return HELLO_IMAGE;
}

/**
 * The skip reason of a scenario not yet green on this kind of machine (a shared 2-vCPU box): it runs
 * with KN_TS_E2E_UNPROVEN=1. Listed in docs/testing.md with what is known of its failure.
 */
export const UNPROVEN: string | false = process.env.KN_TS_E2E_UNPROVEN ? false : 'not yet green on the CI machine: KN_TS_E2E_UNPROVEN=1 runs it (docs/testing.md)';
