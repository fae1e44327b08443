// The quickstart's entry for the CLI commands: real dependencies (execa runner, our kube client,
// a port probe) unless the caller injects its own.
import type { QuickstartOptions } from './options.ts';
import { checkPort } from './port.ts';
import { execaRunner } from './runner.ts';
import type { Deps } from './steps.ts';

export { QuickstartError } from './errors.ts';
export { DEFAULT_DOMAIN, DEFAULT_KUBERNETES_VERSION, DEFAULT_TIMEOUTS, type QuickstartOptions } from './options.ts';

export function realDeps(logHttp = false): Deps {
  return {
    runner: execaRunner(),
    checkPort,
    stdout: process.stdout,
    async connect(from) {
      const { KubeClient } = await import('../kube/client.ts');
      if ('kubeconfigText' in from) {
        const { kubeConfigClass } = await import('../kube/config.ts');
        const KubeConfig = await kubeConfigClass();
        const kc = new KubeConfig();
        kc.loadFromString(from.kubeconfigText);
        return KubeClient.fromKubeConfig(kc, { logHttp, userAgent: 'kn-ts/quickstart' });
      }
      return KubeClient.connect({ context: from.context, kubeconfig: from.kubeconfig, logHttp, userAgent: 'kn-ts/quickstart' });
    },
  };
}

export async function runQuickstart(target: 'kind' | 'minikube', o: QuickstartOptions, deps: Deps = realDeps()): Promise<void> {
  if (target === 'kind') {
    const { quickstartKind } = await import('./kind.ts');
    return quickstartKind(o, deps);
  }
  const { quickstartMinikube } = await import('./minikube.ts');
  return quickstartMinikube(o, deps);
}
