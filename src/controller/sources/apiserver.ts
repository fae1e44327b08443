// The ApiServerSource reconciler (upstream's pkg/reconciler/apiserversource): resolves the sink,
// checks with SubjectAccessReviews that the source's ServiceAccount may get, list and watch every
// resource in every selected namespace (SufficientPermissions, upstream's message and reason), then
// runs one adapter Deployment per source from the kn-ts image (`control-plane.js apiserver-adapter`)
// under that ServiceAccount, configured through K_SINK, K_SOURCE_CONFIG and K_CE_OVERRIDES.
import { controllerRef, type KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { childName } from '../../api/serving/naming.ts';
import { type AdapterConfig, apiServerCeAttributes, apiServerUrl, groupVersion, guessPlural } from '../../api/sources/apiserver.ts';
import { ceOverridesValue, selectorMatches, selectorString } from '../../api/sources/binding.ts';
import { APISERVER_CONDITIONS, type ApiServerSource, SKIP_PERMISSIONS_ANNOTATION, type SourceStatus } from '../../api/sources/types.ts';
import { AddressableResolver } from '../addressable/index.ts';
import { ConditionManager } from '../networking/conditions.ts';
import type { ReconcileContext, Reconciler } from '../runtime/types.ts';
import { type DeploymentLike, ensureChild, hashCurrent, markSink, OIDC_DISABLED_REASON, propagateAvailability, UNREADABLE_REQUEUE, withSpecHash } from './common.ts';

export const ADAPTER_CONTAINER = 'receive-adapter';
export const DEFAULT_IMAGE = 'dev.local/kn-ts/control-plane:0.1.0';

export const adapterName = (src: ApiServerSource): string => childName(`apiserversource-${src.metadata.name}-`, src.metadata.uid ?? '');

export function adapterConfig(src: ApiServerSource, namespaces: string[]): AdapterConfig {
  return {
    namespaces,
    resources: (src.spec?.resources ?? []).map((r) => ({ apiVersion: r.apiVersion, kind: r.kind, plural: guessPlural(r.kind), ...(r.selector ? { labelSelector: selectorString(r.selector) } : {}) })),
    ...(src.spec?.owner ? { owner: src.spec.owner } : {}),
    mode: src.spec?.mode ?? 'Reference',
    ...(src.metadata.annotations?.[SKIP_PERMISSIONS_ANNOTATION] === 'true' ? { failFast: true } : {}),
  };
}

/** The adapter Deployment (resources/receive_adapter.go). */
export function makeAdapter(src: ApiServerSource, o: { image: string; sinkUri: string; namespaces: string[] }): DeploymentLike {
  const labels = { 'eventing.knative.dev/source': 'apiserver-source-controller', 'eventing.knative.dev/sourceName': src.metadata.name ?? '' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: adapterName(src), namespace: src.metadata.namespace ?? '', labels, ownerReferences: [controllerRef(src)] },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: { 'sidecar.istio.io/inject': 'true' } },
        spec: {
          serviceAccountName: src.spec?.serviceAccountName || 'default',
          enableServiceLinks: false,
          containers: [
            {
              name: ADAPTER_CONTAINER,
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              args: ['apiserver-adapter'],
              env: [
                { name: 'K_SINK', value: o.sinkUri },
                { name: 'K_SOURCE_CONFIG', value: JSON.stringify(adapterConfig(src, o.namespaces)) },
                { name: 'K_CE_OVERRIDES', value: ceOverridesValue(src.spec?.ceOverrides) },
                { name: 'NAMESPACE', value: src.metadata.namespace ?? '' },
                { name: 'NAME', value: src.metadata.name ?? '' },
                { name: 'NODE_COMPILE_CACHE', value: '/tmp/node-compile-cache' },
              ],
              resources: { requests: { cpu: '10m', memory: '48Mi' }, limits: { memory: '128Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

/** What the SubjectAccessReviews said: '' when every verb is allowed, else upstream's message and the last reason. */
export async function missingPermissions(ctx: ReconcileContext, src: ApiServerSource, namespaces: string[]): Promise<{ missing: string; reason: string; user: string }> {
  const user = `system:serviceaccount:${src.metadata.namespace}:${src.spec?.serviceAccountName || 'default'}`;
  let reason = '';
  const parts: string[] = [];
  for (const ns of namespaces) {
    for (const r of src.spec?.resources ?? []) {
      const { group } = groupVersion(r.apiVersion);
      const resource = guessPlural(r.kind);
      const verbs: string[] = [];
      for (const verb of ['get', 'list', 'watch']) {
        const sar = await ctx.client.create<KubeObject & { status?: { allowed?: boolean; reason?: string } }>(R.SubjectAccessReview, {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          metadata: {},
          spec: { resourceAttributes: { namespace: ns, verb, group, resource }, user },
        } as KubeObject);
        reason = sar.status?.reason ?? '';
        if (!sar.status?.allowed) verbs.push(verb);
      }
      if (verbs.length) parts.push(`${verbs.join(', ')} resource "${resource}" in API group "${group}" in Namespace "${ns}"`);
    }
  }
  return { missing: parts.join(', '), reason, user };
}

export function makeApiServerSourceReconciler(o: { image?: () => Promise<string>; env?: Record<string, string | undefined> } = {}): Reconciler<ApiServerSource> {
  // The sink may be any addressable: the resolver caches its kind and re-runs the sources that name it.
  const addressables = new AddressableResolver();
  let image: string | undefined;
  return {
    name: 'apiserversource',
    resource: R.ApiServerSource,
    owns: [R.Deployment],
    reads: [R.Namespace],
    relevant: (r, a, b) => r === R.ApiServerSource || r === R.Namespace || JSON.stringify(a.status) !== JSON.stringify(b.status),
    async reconcile(src, ctx) {
      const ns = src.metadata.namespace ?? '';
      const readable = await addressables.track(ctx, `${ns}/${src.metadata.name}`, ns, [src.spec?.sink?.ref]);
      const status: SourceStatus & { namespaces?: string[] } = structuredClone(src.status ?? {});
      src.status = status;
      const cm = new ConditionManager(status, APISERVER_CONDITIONS, () => ctx.now());
      cm.initialize();
      cm.markTrue('OIDCIdentityCreated', OIDC_DISABLED_REASON);
      const sinkUri = markSink(status, cm, src.spec?.sink, ns, addressables.lookup());
      const sel = src.spec?.namespaceSelector;
      const namespaces = sel ? ctx.lister(R.Namespace).list().filter((n) => selectorMatches(sel, n.metadata.labels)).map((n) => n.metadata.name ?? '').sort() : [ns];
      status.namespaces = namespaces;
      status.ceAttributes = apiServerCeAttributes(src, apiServerUrl(o.env ?? process.env, ctx.client.server));
      if (!sinkUri) return readable ? undefined : UNREADABLE_REQUEUE;
      if (src.metadata.annotations?.[SKIP_PERMISSIONS_ANNOTATION] === 'true') cm.markTrue('SufficientPermissions');
      else {
        const p = await missingPermissions(ctx, src, namespaces);
        if (p.missing) {
          cm.markFalse('SufficientPermissions', p.reason, `User ${p.user} cannot ${p.missing}`);
          ctx.recorder.event(src, 'Warning', 'InternalError', `insufficient permissions: User ${p.user} cannot ${p.missing}`);
          // Permissions granted later are not watched: look again.
          return { requeueAfterMs: 10_000 };
        }
        cm.markTrue('SufficientPermissions');
      }
      image ??= o.image ? await o.image() : DEFAULT_IMAGE;
      const want = withSpecHash(makeAdapter(src, { image, sinkUri, namespaces }));
      const dep = await ensureChild<DeploymentLike>(ctx, src, R.Deployment, want, (have) => hashCurrent(have, want));
      propagateAvailability(cm, 'Deployed', dep, want.metadata.name ?? '');
    },
  };
}

/** The controller's own image (its Pod's first container), so adapters run what the controller runs. */
export function ownImage(ctx: { client: ReconcileContext['client'] }, env: Record<string, string | undefined> = process.env): () => Promise<string> {
  return async () => {
    if (env.KN_TS_ADAPTER_IMAGE) return env.KN_TS_ADAPTER_IMAGE;
    if (!env.POD_NAME || !env.POD_NAMESPACE) return DEFAULT_IMAGE;
    const pod = await ctx.client.find<KubeObject & { spec?: { containers?: { image?: string }[] } }>(R.Pod, env.POD_NAME, env.POD_NAMESPACE).catch(() => undefined);
    return pod?.spec?.containers?.[0]?.image ?? DEFAULT_IMAGE;
  };
}
