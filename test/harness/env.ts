// What a test file needs to use the shared test API server: its kubeconfig, a client, fresh
// namespaces, and `kn` run as a user types it (the built bin/run.js as a subprocess).
import { spawn } from 'node:child_process';
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
    child.stdin.end(o.input ?? '');
  });
}
