// What a test file needs to use the shared test API server: its kubeconfig, a client, fresh
// namespaces, and `kn` run as a user types it (the built bin/run.js as a subprocess).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { KubeClient } from '../../src/kube/client.ts';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const KN = join(REPO, 'bin', 'run.js');

export function testKubeconfig(): string {
  const k = process.env.KN_TS_TEST_KUBECONFIG;
  if (!k) {
    throw new Error(
      'no test API server: run the tests with `npm test` (scripts/test.sh starts kube-apiserver and etcd); build the binaries with scripts/build-test-bins.sh',
    );
  }
  return k;
}

let shared: KubeClient | undefined;
export async function kube(kubeconfig = testKubeconfig()): Promise<KubeClient> {
  if (kubeconfig === process.env.KN_TS_TEST_KUBECONFIG) {
    shared ??= await KubeClient.connect({ kubeconfig });
    return shared;
  }
  return KubeClient.connect({ kubeconfig });
}

/** Creates a namespace with a random suffix and returns its name. */
export async function freshNamespace(prefix = 'test', client?: KubeClient): Promise<string> {
  const c = client ?? (await kube());
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await c.create<KubeObject>(R.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

export interface KnResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs the built kn as a subprocess against the test API server. */
export function runKn(args: string[], o: { env?: Record<string, string>; input?: string; cwd?: string; kubeconfig?: string } = {}): Promise<KnResult> {
  return new Promise((res, rej) => {
    const kubeconfig = o.kubeconfig ?? process.env.KN_TS_TEST_KUBECONFIG ?? '';
    // `--` first: Node would otherwise act on its own options (like --env-file) found after the script.
    const child = spawn(process.execPath, ['--', KN, ...args], {
      cwd: o.cwd ?? REPO,
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: process.env.HOME ?? '/tmp', ...o.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => res({ stdout, stderr, code: code ?? 1 }));
    // kn may exit before it reads its input (a usage error): the pipe then breaks, which is not a failure.
    child.stdin.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') rej(e);
    });
    child.stdin.end(o.input ?? '');
  });
}

/**
 * A pool of long-lived kn processes (test/harness/kn-worker.ts) that run the built CLI in-process:
 * an invocation costs milliseconds instead of a Node start-up, so a suite of hundreds of bad
 * invocations stays fast. Each worker runs one invocation at a time; `size` run side by side.
 * stdin is empty (use runKn for cases that pipe input). close() stops the workers.
 */
export class KnPool {
  private readonly workers: { child: ChildProcess; busy: boolean }[] = [];
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  private readonly env: Record<string, string>;
  private readonly kubeconfig: string;

  private constructor(env: Record<string, string>, kubeconfig: string) {
    this.env = env;
    this.kubeconfig = kubeconfig;
  }

  static async start(size = 2, o: { kubeconfig?: string; env?: Record<string, string> } = {}): Promise<KnPool> {
    const kubeconfig = o.kubeconfig ?? process.env.KN_TS_TEST_KUBECONFIG ?? '';
    const pool = new KnPool({ KUBECONFIG: kubeconfig, ...o.env }, kubeconfig);
    await Promise.all(Array.from({ length: size }, async () => pool.workers.push({ child: await pool.spawnWorker(), busy: false })));
    return pool;
  }

  private async spawnWorker(): Promise<ChildProcess> {
    const { fork } = await import('node:child_process');
    const child = fork(join(REPO, 'test/harness/kn-worker.ts'), [], {
      cwd: REPO,
      env: { ...process.env, KUBECONFIG: this.kubeconfig, HOME: process.env.HOME ?? '/tmp' },
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    });
    child.stdin?.end();
    let errText = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (errText += d));
    child.stdout?.resume();
    await new Promise<void>((res, rej) => {
      child.once('message', () => res());
      child.once('exit', (code) => rej(new Error(`kn worker exited (${code}) before it was ready: ${errText}`)));
    });
    return child;
  }

  /**
   * Runs `kn args` in a free worker. An invocation that runs longer than timeoutMs (a wait that
   * was never meant to happen) is stopped with its worker, which is replaced; it answers code 124.
   */
  async run(args: string[], o: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<KnResult> {
    let w = this.workers.find((x) => !x.busy);
    while (!w) {
      await new Promise<void>((r) => this.waiting.push(r));
      w = this.workers.find((x) => !x.busy);
    }
    w.busy = true;
    const id = this.nextId++;
    const worker = w;
    try {
      return await new Promise<KnResult>((res, rej) => {
        const onExit = (code: number | null) => rej(new Error(`kn worker died (exit ${code}) running kn ${args.join(' ')}`));
        const onMessage = (m: KnResult & { id: number }) => {
          if (m.id !== id) return;
          clearTimeout(timer);
          worker.child.off('exit', onExit);
          worker.child.off('message', onMessage);
          res({ code: m.code, stdout: m.stdout, stderr: m.stderr });
        };
        const timer = setTimeout(() => {
          worker.child.off('exit', onExit);
          worker.child.off('message', onMessage);
          worker.child.kill('SIGKILL');
          res({ code: 124, stdout: '', stderr: `TIMEOUT: kn ${args.join(' ')} ran longer than ${o.timeoutMs ?? 30_000} ms\n` });
        }, o.timeoutMs ?? 30_000);
        worker.child.once('exit', onExit);
        worker.child.on('message', onMessage);
        worker.child.send({ id, args, env: { ...this.env, ...o.env } });
      });
    } finally {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null || worker.child.killed) {
        worker.child = await this.spawnWorker();
      }
      worker.busy = false;
      this.waiting.shift()?.();
    }
  }

  close(): void {
    for (const w of this.workers) w.child.kill();
  }
}
