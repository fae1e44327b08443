// The SinkBinding half of the mutating webhook for Jobs (upstream's
// sinkbindings.webhook.sources.knative.dev, which binds every PodSpecable at admission; kn-ts binds
// only Jobs here, the kinds whose template the reconciler can rewrite are bound by it): on CREATE of
// a batch/v1 Job, the pod template gets the environment of every SinkBinding in the Job's namespace
// that selects it and has a resolved sink — the same mutation the reconciler writes (bindPodSpec).
// Pure: the bindings come from the webhook's cache (server.ts).
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/meta.ts';
import { bindingSelects, bindPodSpec, injectionOf, podSpecOf } from '../../api/sources/binding.ts';
import type { PodSpecLike, SinkBinding } from '../../api/sources/types.ts';
import { type AdmissionReview, allowed, noRequest } from './review.ts';

export const SINKBINDING_PATH = '/sinkbindings';

/** The Job's pod spec with the bindings that select it applied (by name), or undefined when none changes it. */
export function boundJobSpec(job: KubeObject, bindings: SinkBinding[]): PodSpecLike | undefined {
  const spec = podSpecOf(job);
  if (!spec) return undefined;
  let next = spec;
  const selecting = bindings
    .filter((b) => !b.metadata.deletionTimestamp && bindingSelects(b, job))
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const b of selecting) {
    const inj = injectionOf(b);
    if (inj) next = bindPodSpec(next, inj);
  }
  return isDeepStrictEqual(next, spec) ? undefined : next;
}

/** Answers one review: a Job being created gets a JSON patch of its pod spec; anything else is allowed unchanged. */
export function jobBindingReview(body: AdmissionReview, bindingsIn: (namespace: string) => SinkBinding[]): AdmissionReview {
  const req = body.request;
  if (!req?.uid) return noRequest();
  const k = req.kind;
  if (k?.group !== 'batch' || k.version !== 'v1' || k.kind !== 'Job' || req.operation !== 'CREATE' || req.subResource || !req.object) return allowed(req.uid);
  const ns = req.namespace ?? req.object.metadata?.namespace ?? '';
  const job: KubeObject = { ...req.object, apiVersion: 'batch/v1', kind: 'Job', metadata: { ...req.object.metadata, namespace: ns } };
  const spec = boundJobSpec(job, bindingsIn(ns));
  return allowed(req.uid, spec ? [{ op: 'replace', path: '/spec/template/spec', value: spec }] : []);
}
