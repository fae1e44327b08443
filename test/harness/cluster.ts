// A real etcd + kube-apiserver (+ optional kube-controller-manager) on 127.0.0.1 for the test tiers.
// Binaries come from scripts/build-test-bins.sh (built from the Go module proxy, cached under
// ~/.cache/kn-ts). Nothing here is mocked; a missing binary fails loudly.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function binDir(): string {
  if (process.env.KN_TS_TEST_BINS) return process.env.KN_TS_TEST_BINS;
  try {
    // The build script prints the folder and does nothing else when the binaries are cached.
    return execFileSync('bash', [join(repo, 'scripts/build-test-bins.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch {
    throw new Error(
      'the test API server binaries are missing and could not be built: run scripts/build-test-bins.sh (needs Go and the Go module proxy)',
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface TestCluster {
  dir: string;
  server: string;
  token: string;
  kubeconfig: string;
  /** Stops and restarts kube-apiserver on the same port and etcd data. */
  restartApiServer(): Promise<void>;
  stopApiServer(): Promise<void>;
  startApiServer(): Promise<void>;
  startControllerManager(): Promise<void>;
  stop(): Promise<void>;
}

interface Proc {
  name: string;
  child: ChildProcess;
}

async function waitReady(url: string, token: string, timeoutMs: number, proc?: Proc): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = process.env.NODE_TLS_REJECT_UNAUTHORIZED ?? '1';
  const { Agent, fetch } = await import('undici');
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
  while (Date.now() < deadline) {
    if (proc && proc.child.exitCode !== null) throw new Error(`${proc.name} exited with ${proc.child.exitCode}; see its log`);
    try {
      const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, dispatcher });
      if (r.status === 200) {
        await dispatcher.close();
        return;
      }
      lastErr = `${r.status} ${(await r.text()).slice(0, 300)}`;
    } catch (e) {
      lastErr = String((e as Error).message);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  await dispatcher.close();
  throw new Error(`timed out waiting for ${url}: ${lastErr}`);
}

function stopProc(p: Proc | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => p.child.kill('SIGKILL'), 5000);
    p.child.once('exit', () => {
      clearTimeout(t);
      res();
    });
    p.child.kill('SIGTERM');
  });
}

export interface ClusterOptions {
  /** Start kube-controller-manager too (garbage collection, Deployment → ReplicaSet → Pod). */
  controllerManager?: boolean;
  dir?: string;
  /** Extra kube-apiserver flags, e.g. an audit policy. */
  apiServerArgs?: string[];
}

export async function startCluster(opts: ClusterOptions = {}): Promise<TestCluster> {
  const bins = binDir();
  for (const b of ['etcd', 'kube-apiserver', 'kube-controller-manager']) {
    if (!existsSync(join(bins, b))) throw new Error(`missing ${join(bins, b)}: run scripts/build-test-bins.sh`);
  }
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'kn-ts-cluster-'));
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const token = randomBytes(24).toString('hex');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }));
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin-uid,"system:masters"\n`);

  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const procs: Record<string, Proc | undefined> = {};
  const run = (name: string, args: string[]): Proc => {
    const log = openSync(join(dir, 'logs', `${name}.log`), 'a');
    const child = spawn(join(bins, name), args, { stdio: ['ignore', log, log] });
    const p = { name, child };
    procs[name] = p;
    return p;
  };

  const etcd = run('etcd', [
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
    '--unsafe-no-fsync',
    '--log-level=warn',
  ]);
  {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (etcd.child.exitCode !== null) throw new Error(`etcd exited; see ${join(dir, 'logs/etcd.log')}`);
      try {
        const r = await fetch(`http://127.0.0.1:${etcdPort}/health`);
        if (r.ok) break;
      } catch {
        /* not yet */
      }
      if (Date.now() > deadline) throw new Error(`etcd did not become healthy; see ${join(dir, 'logs/etcd.log')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const server = `https://127.0.0.1:${apiPort}`;
  const apiArgs = [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    // The endpoint reconciler refuses a loopback advertise address.
    '--endpoint-reconciler-type=none',
    `--secure-port=${apiPort}`,
    `--cert-dir=${join(dir, 'certs')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--allow-privileged=true',
    '--profiling=false',
    '--enable-priority-and-fairness=false',
    '--v=1',
    ...(opts.apiServerArgs ?? []),
  ];
  const startApiServer = async () => {
    const p = run('kube-apiserver', apiArgs);
    await waitReady(`${server}/readyz`, token, 90_000, p);
  };
  await startApiServer();

  const ca = readFileSync(join(dir, 'certs', 'apiserver.crt')).toString('base64');
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: test',
      '  cluster:',
      `    server: ${server}`,
      `    certificate-authority-data: ${ca}`,
      'users:',
      '- name: admin',
      '  user:',
      `    token: ${token}`,
      'contexts:',
      '- name: test',
      '  context: {cluster: test, user: admin, namespace: default}',
      'current-context: test',
      '',
    ].join('\n'),
  );

  const startControllerManager = async () => {
    if (procs['kube-controller-manager']?.child.exitCode === null) return;
    const port = await freePort();
    const p = run('kube-controller-manager', [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${join(dir, 'kcm-certs')}`,
      '--leader-elect=false',
      `--service-account-private-key-file=${join(dir, 'sa.key')}`,
      `--root-ca-file=${join(dir, 'certs', 'apiserver.crt')}`,
      '--use-service-account-credentials=false',
      '--controllers=*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-service,-route,-persistentvolume-binder,-attachdetach,-ttl',
      '--concurrent-gc-syncs=5',
      '--v=1',
    ]);
    await waitReady(`https://127.0.0.1:${port}/healthz`, token, 60_000, p);
  };
  if (opts.controllerManager) await startControllerManager();

  return {
    dir,
    server,
    token,
    kubeconfig,
    startApiServer,
    stopApiServer: () => stopProc(procs['kube-apiserver']),
    restartApiServer: async () => {
      await stopProc(procs['kube-apiserver']);
      await startApiServer();
    },
    startControllerManager,
    stop: async () => {
      await stopProc(procs['kube-controller-manager']);
      await stopProc(procs['kube-apiserver']);
      await stopProc(procs.etcd);
      if (!process.env.KN_TS_KEEP_CLUSTER) rmSync(dir, { recursive: true, force: true });
    },
  };
}
