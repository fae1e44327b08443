// The DomainMapping reconciler (upstream's pkg/reconciler/domainmapping): claims the domain with a
// ClusterDomainClaim, resolves spec.ref to a cluster-local address in the same namespace, and writes
// a KIngress named after the domain that sends `Host: <domain>` to the target with the Host rewritten.
import { controllerRef, isControlledBy, type KubeObject, LAST_APPLIED_ANNOTATION } from '../../api/meta.ts';
import type { ClusterDomainClaim, Ingress } from '../../api/networking/types.ts';
import { R, resourceOf } from '../../api/resources.ts';
import { CLUSTER_LOCAL_DOMAIN, serviceHostname, urlOf } from '../../api/serving/domains.ts';
import { A, L } from '../../api/serving/labels.ts';
import type { DomainMapping, KReference } from '../../api/serving/types.ts';
import { KubeError } from '../../kube/errors.ts';
import { childName } from '../../api/serving/naming.ts';
import { ConditionManager } from '../networking/conditions.ts';
import { propagateIngress, updateIngress } from '../networking/ingress.ts';
import { type NetworkSettings, routeSettings } from '../networking/settings.ts';
import { Tracker } from '../runtime/tracker.ts';
import type { ReconcileContext, Reconciler } from '../runtime/types.ts';

export const DM_CONDITIONS = ['CertificateProvisioned', 'DomainClaimed', 'IngressReady', 'ReferenceResolved'] as const;
export const ORIGINAL_HOST_HEADER = 'K-Original-Host';
/** The finalizer upstream's generated reconciler puts on a DomainMapping (its resource name). */
export const DM_FINALIZER = 'domainmappings.serving.knative.dev';

export function makeDomainClaim(dm: DomainMapping): ClusterDomainClaim {
  return {
    apiVersion: 'networking.internal.knative.dev/v1alpha1',
    kind: 'ClusterDomainClaim',
    metadata: { name: dm.metadata.name ?? '' },
    spec: { namespace: dm.metadata.namespace ?? '' },
  };
}

/** The KIngress of a DomainMapping (upstream's domainmapping/resources.MakeIngress). */
export function makeDomainMappingIngress(
  dm: DomainMapping,
  backend: { serviceName: string; serviceNamespace: string },
  targetHost: string,
  ingressClass: string,
  httpOption: 'Enabled' | 'Redirected',
): Ingress {
  const ns = dm.metadata.namespace ?? '';
  const annotations: Record<string, string> = { [A.ingressClass]: ingressClass, ...(dm.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED_ANNOTATION];
  return {
    apiVersion: 'networking.internal.knative.dev/v1alpha1',
    kind: 'Ingress',
    metadata: {
      name: childName(dm.metadata.name ?? '', ''),
      namespace: ns,
      annotations,
      labels: { ...(dm.metadata.labels ?? {}), [L.domainMappingUID]: dm.metadata.uid ?? '', [L.domainMappingNamespace]: ns },
      ownerReferences: [controllerRef(dm)],
    },
    spec: {
      httpOption,
      ...(dm.spec?.tls?.secretName ? { tls: [{ hosts: [dm.metadata.name ?? ''], secretName: dm.spec.tls.secretName, secretNamespace: ns }] } : {}),
      rules: [
        {
          hosts: [dm.metadata.name ?? ''],
          visibility: 'ExternalIP',
          http: {
            paths: [
              {
                rewriteHost: targetHost,
                splits: [
                  {
                    serviceNamespace: backend.serviceNamespace,
                    serviceName: backend.serviceName,
                    servicePort: 80,
                    percent: 100,
                    appendHeaders: { [ORIGINAL_HOST_HEADER]: dm.metadata.name ?? '' },
                  },
                ],
              },
            ],
          },
        },
      ],
    },
  };
}

/** The kinds a DomainMapping may point at in kn-ts. */
const ADDRESSABLE = [R.Service, R.Route, R.KService] as const satisfies readonly (typeof R.Service)[];

function refString(ref: KReference): string {
  return `${ref.kind}/${ref.name}`;
}

/** Resolves spec.ref to its address URL as the Addressable duck type does; an error message otherwise. */
export function resolveRefURL(ref: KReference, dmNamespace: string, get: (r: KReference, ns: string) => KubeObject | undefined): { url?: string; error?: string } {
  const ns = ref.namespace || dmNamespace;
  const rt = ref.apiVersion ? resourceOf(ref.apiVersion, ref.kind) : undefined;
  if (!rt || !ADDRESSABLE.includes(rt)) return { error: `failed to get lister for ${ref.apiVersion ?? ''}, Kind=${ref.kind}` };
  const obj = get(ref, ns);
  const resource = rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
  if (!obj) return { error: `failed to get object ${ns}/${ref.name}: ${resource} ${JSON.stringify(ref.name)} not found` };
  if (rt === R.KService) return { url: urlOf('http', serviceHostname(ref.name, ns)) };
  const addr = (obj as { status?: { address?: { url?: string } } }).status?.address?.url;
  if (!addr) return { error: `address not set for ${refString(ref)}` };
  return { url: addr };
}

/** The host and the backend Service of a resolved URL, or why it cannot be a DomainMapping target. */
export function targetOf(url: string, dmNamespace: string): { host?: string; serviceName?: string; error?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { error: `resolved URI ${JSON.stringify(url)} is not a valid URL` };
  }
  if (u.pathname !== '' && u.pathname !== '/') return { error: `resolved URI ${JSON.stringify(url)} contains a path` };
  const suffix = `.${CLUSTER_LOCAL_DOMAIN}`;
  const host = u.hostname;
  if (!host.endsWith(suffix)) return { error: `resolved URI ${JSON.stringify(url)} must end in ${JSON.stringify(suffix)}` };
  const parts = host.slice(0, -suffix.length).split('.');
  if (parts.length !== 2) return { error: `resolved URI ${JSON.stringify(url)} must be of the form {name}.{namespace}${suffix}` };
  const [name = '', ns] = parts;
  if (ns !== dmNamespace) return { error: `resolved URI ${JSON.stringify(url)} must be in same namespace as DomainMapping` };
  return { host, serviceName: name };
}

export function makeDomainMappingReconciler(opts: { settings?: (ctx: ReconcileContext) => NetworkSettings } = {}): Reconciler<DomainMapping> & { tracker: Tracker } {
  const tracker = new Tracker();
  const settingsOf = opts.settings ?? ((ctx: ReconcileContext) => routeSettings(ctx.configMaps()));
  const byRef = (kind: string) => (o: KubeObject) => tracker.lookup(Tracker.ref(kind, o.metadata.namespace, o.metadata.name ?? ''));
  return {
    name: 'domainmapping',
    resource: R.DomainMapping,
    owns: [R.Ingress],
    reads: [R.KService],
    watches: [
      { resource: R.Service, map: byRef('Service.serving.knative.dev') },
      { resource: R.Route, map: byRef('Route') },
      {
        resource: R.ClusterDomainClaim,
        map: (o) => {
          const keys = new Set(tracker.lookup(Tracker.ref('ClusterDomainClaim', undefined, o.metadata.name ?? '')));
          const ns = (o as ClusterDomainClaim).spec?.namespace;
          if (ns) keys.add(`${ns}/${o.metadata.name}`);
          return [...keys];
        },
      },
    ],
    tracker,
    finalizer: DM_FINALIZER,
    /** Gives the domain back: deletes the ClusterDomainClaim this namespace holds for it (when claims are auto-created). */
    async finalize(dm: DomainMapping, ctx: ReconcileContext): Promise<void> {
      if (!settingsOf(ctx).autocreateClusterDomainClaims) return;
      const name = dm.metadata.name ?? '';
      const claim = ctx.lister<ClusterDomainClaim>(R.ClusterDomainClaim).get(name);
      if (!claim || claim.spec?.namespace !== dm.metadata.namespace) return;
      try {
        await ctx.client.delete(R.ClusterDomainClaim, name);
      } catch (e) {
        if (!(e instanceof KubeError && e.notFound)) throw e;
      }
    },
    async reconcile(dm: DomainMapping, ctx: ReconcileContext): Promise<void> {
      const ns = dm.metadata.namespace ?? '';
      const name = dm.metadata.name ?? '';
      const key = `${ns}/${name}`;
      const s = settingsOf(ctx);
      dm.status ??= {};
      const status = dm.status;
      const cm = new ConditionManager(status, DM_CONDITIONS, () => ctx.now());
      cm.initialize();
      // Assume the ingress is not configured until it is reconciled below.
      cm.markUnknown('IngressReady', 'IngressNotConfigured', 'Ingress has not yet been reconciled.');

      // A user-provided certificate makes the URL https (upstream's tls()); set from the first
      // reconcile on, so a reader never sees http for a mapping that has spec.tls.
      const url = urlOf(dm.spec?.tls?.secretName ? 'https' : s.defaultExternalScheme, name);
      status.url = url;
      status.address = { url };

      const ref = dm.spec?.ref ?? ({ kind: '', name: '' } as KReference);
      const refKind = ref.kind === 'Service' && ref.apiVersion?.startsWith('serving.knative.dev/') ? 'Service.serving.knative.dev' : ref.kind;
      tracker.track(key, [Tracker.ref(refKind, ref.namespace || ns, ref.name), Tracker.ref('ClusterDomainClaim', undefined, name)]);

      // 1. The domain claim.
      const claims = ctx.lister<ClusterDomainClaim>(R.ClusterDomainClaim);
      let claim = claims.get(name);
      if (!claim) {
        if (!s.autocreateClusterDomainClaims) {
          cm.markFalse('DomainClaimed', 'DomainAlreadyClaimed', 'The domain name is already in use by another DomainMapping');
          ctx.log.info({ domainmapping: key }, `no ClusterDomainClaim found for domain ${JSON.stringify(name)}`);
          return;
        }
        try {
          claim = await ctx.client.create<ClusterDomainClaim>(R.ClusterDomainClaim, makeDomainClaim(dm));
        } catch (e) {
          if (e instanceof KubeError && e.alreadyExists) claim = await ctx.client.get<ClusterDomainClaim>(R.ClusterDomainClaim, name);
          else {
            cm.markFalse('DomainClaimed', 'DomainClaimFailed', `failed to create ClusterDomainClaim: ${(e as Error).message}`);
            throw e;
          }
        }
      }
      if (claim.spec?.namespace !== ns) {
        cm.markFalse('DomainClaimed', 'DomainAlreadyClaimed', 'The domain name is already in use by another DomainMapping');
        return;
      }
      cm.markTrue('DomainClaimed');

      // 2. The reference.
      const resolved = resolveRefURL(ref, ns, (r, rns) => {
        const rt = r.apiVersion ? resourceOf(r.apiVersion, r.kind) : undefined;
        if (!rt) return undefined;
        try {
          return ctx.lister(rt).get(r.name, rns);
        } catch {
          // A kind this reconciler does not cache (only ksvc, Route and K8s Service are addressable here).
          return undefined;
        }
      });
      const target = resolved.url ? targetOf(resolved.url, ns) : { error: resolved.error };
      if (target.error || !target.host || !target.serviceName) {
        cm.markFalse('ReferenceResolved', 'ResolveFailed', target.error ?? 'unresolved');
        return;
      }
      cm.markTrue('ReferenceResolved');
      if (dm.spec?.tls?.secretName) {
        // The user brings the certificate (upstream's tls(): MarkCertificateNotRequired, https URL).
        cm.markTrue('CertificateProvisioned', 'CertificateExternallyProvided', 'TLS certificate was provided externally');
      } else cm.markTrue('CertificateProvisioned', 'TLSNotEnabled', 'external-domain-tls is not enabled');

      // 3. The KIngress.
      const ingressClass = dm.metadata.annotations?.[A.ingressClass] ?? s.ingressClass;
      const desired = makeDomainMappingIngress(dm, { serviceName: target.serviceName, serviceNamespace: ns }, target.host, ingressClass, s.httpProtocol);
      const ingresses = ctx.lister<Ingress>(R.Ingress);
      let ing = ingresses.get(desired.metadata.name ?? '', ns);
      if (!ing) {
        try {
          ing = await ctx.client.create<Ingress>(R.Ingress, desired);
        } catch (e) {
          if (!(e instanceof KubeError && e.alreadyExists)) throw e;
          ing = await ctx.client.get<Ingress>(R.Ingress, desired.metadata.name ?? '', ns);
        }
      }
      if (!isControlledBy(ing, dm)) {
        cm.markFalse('IngressReady', 'NotOwned', `There is an existing Ingress ${JSON.stringify(desired.metadata.name)} that we do not own.`);
        return;
      }
      ing = await updateIngress(ctx, ing, desired);
      propagateIngress(cm, ing);
    },
  };
}
