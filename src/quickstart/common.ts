// The steps kind and minikube share: apply manifests/, set the domain, wait for the Deployments,
// create the example broker (with Eventing), and the notes printed at the end.
import { R } from '../api/resources.ts';
import { applyAll, ResourceResolver, waitDeploymentAvailable, waitEstablished } from './apply.ts';
import { QuickstartError } from './errors.ts';
import { describeObject, installPlan, loadManifests, QUICKSTART_NETWORK, type InstallPlan } from './manifests.ts';
import { components, controlPlaneImage, FIELD_MANAGER, type QuickstartOptions } from './options.ts';
import type { Ctx, Step } from './steps.ts';
import type { KubeObject } from '../api/meta.ts';
import { join } from 'node:path';

export function buildPlan(o: QuickstartOptions, extra: KubeObject[]): InstallPlan {
  const c = components(o);
  return installPlan({
    objects: loadManifests(join(o.root, 'manifests')),
    image: controlPlaneImage(o),
    domain: o.domain,
    serving: c.serving,
    eventing: c.eventing,
    extra,
  });
}

const secs = (ms: number) => `${Math.round(ms / 1000)}s`;

export function applySteps(o: QuickstartOptions, plan: InstallPlan, contextNote: string): Step[] {
  const list = (objs: InstallPlan['crds']) => objs.map((m) => `  ${describeObject(m.object).padEnd(72)} ${m.source}`);
  return [
    {
      title: 'Installing CRDs and namespaces',
      plan: [
        `server-side apply (field manager ${FIELD_MANAGER}) to ${contextNote}, then wait until each CRD is Established (${secs(o.timeouts.crdMs)} each):`,
        ...list([...plan.namespaces, ...plan.crds]),
      ],
      run: async (ctx, io) => {
        const client = need(ctx);
        const resolver = new ResourceResolver(client);
        const r = await applyAll(client, [...plan.namespaces, ...plan.crds], resolver);
        io.output(`${r.changed.length} changed, ${r.unchanged.length} unchanged; waiting for ${plan.crds.length} CRDs`);
        await Promise.all(plan.crds.map((m) => waitEstablished(client, m.object.metadata.name!, o.timeouts.crdMs)));
        ctx.applied = r;
      },
    },
    {
      title: `Installing the control plane (${controlPlaneImage(o)})`,
      plan: [
        `server-side apply (field manager ${FIELD_MANAGER})${components(o).serving ? `; config-domain gets "${o.domain}": ""; config-network gets ${Object.entries(QUICKSTART_NETWORK).map(([k, v]) => `${k}: "${v}"`).join(', ')}` : ''}`,
        ...list(plan.rest),
      ],
      run: async (ctx, io) => {
        const client = need(ctx);
        const r = await applyAll(client, plan.rest);
        io.output(`${r.changed.length} changed, ${r.unchanged.length} unchanged`);
        ctx.applied = { changed: [...(ctx.applied?.changed ?? []), ...r.changed], unchanged: [...(ctx.applied?.unchanged ?? []), ...r.unchanged] };
      },
    },
    {
      title: 'Waiting for the control plane to become Available',
      plan: plan.deployments.length === 0 ? ['  (no Deployments to wait for)'] : plan.deployments.map((m) => `  Deployment ${m.object.metadata.namespace}/${m.object.metadata.name}: condition Available (${secs(o.timeouts.deploymentMs)})`),
      children: () =>
        plan.deployments.map((m) => ({
          title: `Deployment ${m.object.metadata.namespace}/${m.object.metadata.name}`,
          plan: [],
          run: (ctx: Ctx) =>
            waitDeploymentAvailable(need(ctx), m.object.metadata.namespace!, m.object.metadata.name!, o.timeouts.deploymentMs, controlPlaneImage(o)),
        })),
    },
    ...(components(o).eventing ? [exampleBrokerStep()] : []),
  ];
}

/** Upstream's quickstart ends its Eventing install with a Broker default/example-broker. */
export const EXAMPLE_BROKER: KubeObject = { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'example-broker', namespace: 'default' } };

function exampleBrokerStep(): Step {
  return {
    title: 'Installing the example broker',
    plan: [`server-side apply (field manager ${FIELD_MANAGER}):`, `  ${describeObject(EXAMPLE_BROKER).padEnd(72)} (generated, as upstream's quickstart)`],
    run: async (ctx, io) => {
      // Created once: a re-run leaves it as it is (the broker reconciler's defaults move its
      // managedFields, and a user may have changed it since).
      const exists = await need(ctx).find(R.Broker, EXAMPLE_BROKER.metadata.name!, EXAMPLE_BROKER.metadata.namespace);
      const r = exists
        ? { changed: [] as string[], unchanged: [describeObject(EXAMPLE_BROKER)] }
        : await applyAll(need(ctx), [{ source: '(generated)', object: EXAMPLE_BROKER }]);
      io.output(`${r.changed.length} changed, ${r.unchanged.length} unchanged`);
      ctx.applied = { changed: [...(ctx.applied?.changed ?? []), ...r.changed], unchanged: [...(ctx.applied?.unchanged ?? []), ...r.unchanged] };
    },
  };
}

function need(ctx: Ctx) {
  if (!ctx.client) throw new QuickstartError('internal: no cluster connection');
  return ctx.client;
}

/** Checks that the gateway Service the URL depends on is there (used by tests and the notes). */
export const GATEWAY_SERVICE = { r: R.KService, namespace: 'kourier-system', name: 'kourier' };

export function nextSteps(o: QuickstartOptions, cleanup: string[], extra: string[] = []): string[] {
  const portPart = o.port === 80 ? '' : `:${o.port}`;
  return [
    'Next steps:',
    ...extra,
    '  kn service create hello --image ghcr.io/knative/helloworld-go:latest --port 8080 --env TARGET=World',
    `  curl http://hello.default.${o.domain}${portPart}`,
    `  (if *.${o.domain} does not resolve on your network: curl -H "Host: hello.default.${o.domain}" http://127.0.0.1${portPart})`,
    'When you are done:',
    ...cleanup.map((c) => `  ${c}`),
  ];
}
