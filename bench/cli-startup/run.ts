// bench/cli-startup: how fast kn starts, beside kubectl (Go) on the same machine and the same
// real API server, in one run. Run with bench/cli-startup/run.sh (loopback-only netns).
import { join } from 'node:path';
import { R } from '../../src/api/resources.ts';
import type { KubeObject } from '../../src/api/meta.ts';
import { KubeClient } from '../../src/kube/client.ts';
import { binDir, startCluster } from '../../test/harness/cluster.ts';
import { KN } from '../../test/harness/env.ts';
import { ms, table, timeCommand } from '../lib/timing.ts';

const cluster = await startCluster();
try {
  const client = await KubeClient.connect({ kubeconfig: cluster.kubeconfig });
  const { installServingCRDs } = await import('../../test/harness/crds.ts');
  await installServingCRDs(client);
  await client.create(R.Namespace, { metadata: { name: 'bench' } } as KubeObject);
  for (let i = 0; i < 20; i++) {
    await client.create(R.Service, {
      metadata: { name: `svc-${i}`, namespace: 'bench' },
      spec: { template: { spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest' }] } } },
    } as KubeObject);
  }
  client.close();

  const kubectl = join(binDir(), 'kubectl');
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfig, HOME: cluster.dir };
  const node = process.execPath;
  const runs = Number(process.env.RUNS ?? 15);
  const t = (name: string, cmd: string, args: string[]) => timeCommand(name, cmd, args, { env, runs });
  const pairs = [
    [t('kn --help', node, [KN, '--help']), t('kubectl --help', kubectl, ['--help'])],
    [t('kn version --client', node, [KN, 'version', '--client']), t('kubectl version --client', kubectl, ['version', '--client'])],
    [t('kn service list -n bench', node, [KN, 'service', 'list', '-n', 'bench']), t('kubectl get ksvc -n bench', kubectl, ['get', 'ksvc', '-n', 'bench'])],
  ];
  const rows = [['kn', 'median', 'p90', 'kubectl', 'median', 'p90', 'ratio', 'goal']];
  const goals = ['≤ 1.5×', '—', '≤ 2×'];
  pairs.forEach(([a, b], i) => rows.push([a!.name, ms(a!.median), ms(a!.p90), b!.name, ms(b!.median), ms(b!.p90), `${(a!.median / b!.median).toFixed(2)}×`, goals[i]!]));
  console.log(`node ${process.version}, ${runs} runs each after 3 warm-up runs, medians; API server ${cluster.server}`);
  console.log(table(rows));
} finally {
  await cluster.stop();
}
