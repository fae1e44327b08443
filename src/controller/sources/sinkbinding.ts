// The SinkBinding reconciler (knative.dev/pkg webhook/psbinding's reconciler side): resolves the
// sink and patches the subject's pod template — every container and init container gets K_SINK and
// K_CE_OVERRIDES (and K_CA_CERTS) — for a subject named or selected by labels among Deployments,
// StatefulSets, DaemonSets, Jobs and Knative Services in the binding's namespace. A subject created
// or changed later is patched when its informer reports it; a sink change rewrites the variables
// (and so rolls the subject's pods). A finalizer undoes the injection before the SinkBinding goes.
// Jobs are watched but never written: a Job's pod template cannot change, so a Job is bound at
// creation by the admission webhook (src/controller/webhook/sinkbinding.ts); here a Job that carries
// the binding counts as bound, and one without it (created before the binding) is reported.
import type { Lookup } from '../../api/eventing/destination.ts';
import type { KubeObject, ResourceType } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { KubeError } from '../../kube/errors.ts';
import { bindPodSpec, type Injection, injectionOf, podSpecOf, SUBJECT_KINDS, subjectMatches } from '../../api/sources/binding.ts';
import { SINKBINDING_CONDITIONS, SINKBINDING_FINALIZER, type SinkBinding, type SourceStatus } from '../../api/sources/types.ts';
import { AddressableResolver } from '../addressable/index.ts';
import { ConditionManager } from '../networking/conditions.ts';
import type { ReconcileContext, Reconciler } from '../runtime/types.ts';
import { markSink, OIDC_DISABLED_REASON, sameJSON, UNREADABLE_REQUEUE } from './common.ts';

export const SUBJECT_RESOURCES: Record<string, ResourceType> = {
  'apps/v1/Deployment': R.Deployment,
  'apps/v1/StatefulSet': R.StatefulSet,
  'apps/v1/DaemonSet': R.DaemonSet,
  'batch/v1/Job': R.Job,
  'serving.knative.dev/v1/Service': R.Service,
};

const subjectKey = (s: SinkBinding['spec'] extends infer X ? X : never) => `${s?.subject?.apiVersion}/${s?.subject?.kind}`;

/** The subjects of a binding among the cached objects of its kind (pure). */
export function subjectsOf(b: SinkBinding, candidates: KubeObject[]): KubeObject[] {
  const s = b.spec?.subject;
  return s ? candidates.filter((o) => subjectMatches(s, o)) : [];
}

/** The subject with the binding applied (inj) or undone; undefined when nothing changes. */
export function boundSubject(o: KubeObject, inj: Injection | undefined): KubeObject | undefined {
  const spec = podSpecOf(o);
  if (!spec) return undefined;
  const next = bindPodSpec(spec, inj);
  if (sameJSON(next, spec)) return undefined;
  const out = structuredClone(o) as KubeObject & { spec: { template: { spec: unknown } } };
  out.spec.template.spec = next;
  return out;
}

/** The status of a SinkBinding (pure) given the sink and whether its subjects are bound ('' = yes, else the error). */
export function sinkBindingStatus(b: SinkBinding, inp: { lookup: Lookup; now: () => Date }): { status: SourceStatus; cm: ConditionManager } {
  const status: SourceStatus = structuredClone(b.status ?? {});
  const cm = new ConditionManager(status, SINKBINDING_CONDITIONS, inp.now);
  cm.initialize();
  cm.markTrue('OIDCIdentityCreated', OIDC_DISABLED_REASON);
  cm.markTrue('OIDCTokenSecretCreated', OIDC_DISABLED_REASON);
  cm.markTrue('TrustBundlePropagated');
  markSink(status, cm, b.spec?.sink, b.metadata.namespace ?? '', inp.lookup);
  return { status, cm };
}

/**
 * Why a Job is not bound: its pod template cannot change once created, and it was created without
 * the binding (before it, or while the admission webhook did not answer; ADR 0023).
 */
export const jobUnbindable = (name: string | undefined): string =>
  `job "${name}": a Job's pod template cannot change after creation and this Job was created without K_SINK (before the SinkBinding, or while the webhook did not answer); delete and create the Job again to bind it`;

/**
 * Writes the binding (inj) into every subject, or takes it out (undefined): '' when all are as
 * wanted, else what failed. A conflict (the cache was behind) is thrown, so the work queue retries
 * with a fresher cache; a subject deleted meanwhile needs nothing.
 */
async function patchSubjects(ctx: ReconcileContext, b: SinkBinding, inj: Injection | undefined): Promise<string> {
  const key = subjectKey(b.spec);
  const r = SUBJECT_RESOURCES[key];
  if (!r) return `unsupported subject kind ${b.spec?.subject?.kind} (${b.spec?.subject?.apiVersion}): one of ${Object.values(SUBJECT_KINDS).map((k) => k.kind).join(', ')}`;
  const errs: string[] = [];
  for (const o of subjectsOf(b, ctx.lister(r).list(b.metadata.namespace))) {
    const next = boundSubject(o, inj);
    if (!next) continue;
    if (r === R.Job) {
      if (inj) errs.push(jobUnbindable(o.metadata.name));
      continue;
    }
    try {
      await ctx.client.replace(r, next);
    } catch (e) {
      if (e instanceof KubeError && e.code === 409) throw e;
      if (e instanceof KubeError && e.code === 404) continue;
      errs.push(`${r.kind.toLowerCase()} "${o.metadata.name}": ${(e as Error).message}`);
    }
  }
  return errs.join('; ');
}

export function makeSinkBindingReconciler(): Reconciler<SinkBinding> {
  // The sink may be any addressable: the resolver caches its kind and re-runs the bindings that name it.
  const addressables = new AddressableResolver();
  // Subject kind + namespace → the bindings there of that kind.
  const bySubject = new Map<string, Set<string>>();
  const index = (key: string, kindKey: string, ns: string) => {
    for (const s of bySubject.values()) s.delete(key);
    const k = `${kindKey}|${ns}`;
    let s = bySubject.get(k);
    if (!s) bySubject.set(k, (s = new Set()));
    s.add(key);
  };
  // A Knative Service is a possible subject and a possible sink.
  const subjectWatch = (kindKey: string, r: ResourceType) => ({
    resource: r,
    map: (o: KubeObject) => [
      ...new Set([
        ...(bySubject.get(`${kindKey}|${o.metadata.namespace}`) ?? []),
        ...(r === R.Service ? addressables.keysFor('Service', 'serving.knative.dev', o) : []),
      ]),
    ],
  });
  return {
    name: 'sinkbinding',
    resource: R.SinkBinding,
    finalizer: SINKBINDING_FINALIZER,
    watches: Object.entries(SUBJECT_RESOURCES).map(([k, r]) => subjectWatch(k, r)),
    // A subject's template or labels, or a sink's status (the Knative Service is both).
    relevant: (r, a, b) =>
      r === R.SinkBinding ||
      JSON.stringify((a as { spec?: { template?: unknown } }).spec?.template) !== JSON.stringify((b as { spec?: { template?: unknown } }).spec?.template) ||
      JSON.stringify(a.metadata.labels) !== JSON.stringify(b.metadata.labels) ||
      (r === R.Service && JSON.stringify(a.status) !== JSON.stringify(b.status)),
    async reconcile(b, ctx) {
      const ns = b.metadata.namespace ?? '';
      const key = `${ns}/${b.metadata.name}`;
      const readable = await addressables.track(ctx, key, ns, [b.spec?.sink?.ref]);
      index(key, subjectKey(b.spec), ns);
      const { status, cm } = sinkBindingStatus(b, { lookup: addressables.lookup(), now: () => ctx.now() });
      b.status = status;
      if (b.spec?.subject?.namespace && b.spec.subject.namespace !== ns) {
        cm.markFalse('SinkBindingAvailable', 'SubjectUnavailable', `subject namespace "${b.spec.subject.namespace}" must be the SinkBinding's namespace "${ns}"`);
        return;
      }
      if (!status.sinkUri) {
        cm.markFalse('SinkBindingAvailable', 'SinkNotResolved', 'the sink has not resolved to a URI');
        return readable ? undefined : UNREADABLE_REQUEUE;
      }
      const err = await patchSubjects(ctx, b, injectionOf(b));
      if (err) cm.markFalse('SinkBindingAvailable', 'SubjectUnavailable', err);
      else cm.markTrue('SinkBindingAvailable');
    },
    async finalize(b, ctx) {
      const key = `${b.metadata.namespace}/${b.metadata.name}`;
      addressables.untrack(key);
      for (const s of bySubject.values()) s.delete(key);
      if (b.spec?.subject?.namespace && b.spec.subject.namespace !== b.metadata.namespace) return;
      const err = await patchSubjects(ctx, b, undefined);
      if (err && !err.startsWith('unsupported')) throw new Error(err);
    },
  };
}
