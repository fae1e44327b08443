// AdmissionReview (admission.k8s.io/v1) in, AdmissionReview out: review() is the defaulting half of
// upstream's webhook (webhook.serving.knative.dev, a JSON patch), validationReview() the validating
// half (validation.webhook.serving.knative.dev, allowed or upstream's message). Pure; the HTTPS
// server is server.ts.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/meta.ts';
import { SERVING_GROUP } from '../../api/resources.ts';
import { admissionErrors } from '../../api/serving/admission-validation.ts';
import { admissionDefaults, DEFAULTED_KINDS, type DefaultedKind, type ServingDefaults } from '../../api/serving/defaults.ts';
import { formatErrors } from '../../api/serving/validation.ts';

export interface AdmissionReview {
  apiVersion?: string;
  kind?: string;
  request?: {
    uid: string;
    kind?: { group: string; version: string; kind: string };
    subResource?: string;
    namespace?: string;
    operation?: string;
    userInfo?: { username?: string };
    object?: KubeObject | null;
    oldObject?: KubeObject | null;
  };
  response?: { uid: string; allowed: boolean; patchType?: 'JSONPatch'; patch?: string; status?: { code: number; message: string; status?: 'Failure'; reason?: string } };
}

interface PatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** The JSON patch from `before` to `after`, at the granularity the defaulting touches: spec and annotations. */
export function defaultingPatch(before: KubeObject, after: KubeObject): PatchOp[] {
  const ops: PatchOp[] = [];
  const b = before as KubeObject & { spec?: unknown };
  const a = after as KubeObject & { spec?: unknown };
  if (!isDeepStrictEqual(b.spec, a.spec)) ops.push({ op: 'add', path: '/spec', value: a.spec });
  if (!isDeepStrictEqual(b.metadata.annotations, a.metadata.annotations)) ops.push({ op: 'add', path: '/metadata/annotations', value: a.metadata.annotations });
  return ops;
}

/** Answers one review; an object we do not default is allowed unchanged. */
export function review(body: AdmissionReview, d: ServingDefaults): AdmissionReview {
  const req = body.request;
  const out = (response: AdmissionReview['response']): AdmissionReview => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response });
  if (!req?.uid) return out({ uid: '', allowed: false, status: { code: 400, message: 'expected an AdmissionReview with a request' } });
  const kind = req.kind?.kind as DefaultedKind | undefined;
  const op = req.operation;
  if (req.kind?.group !== SERVING_GROUP || !kind || !DEFAULTED_KINDS.includes(kind) || (op !== 'CREATE' && op !== 'UPDATE') || req.subResource || !req.object) {
    return out({ uid: req.uid, allowed: true });
  }
  const after = admissionDefaults({ kind, operation: op, object: req.object, oldObject: req.oldObject ?? undefined, username: req.userInfo?.username, namespace: req.namespace }, d);
  const ops = defaultingPatch(req.object, after);
  if (!ops.length) return out({ uid: req.uid, allowed: true });
  return out({ uid: req.uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') });
}

/**
 * Answers one review of validation.webhook.serving.knative.dev: allowed, or refused as upstream's
 * webhook refuses (code 400, "validation failed: " and the apis.FieldError text); the API server
 * prefixes `admission webhook "validation.webhook.serving.knative.dev" denied the request: `.
 */
export function validationReview(body: AdmissionReview, d: ServingDefaults): AdmissionReview {
  const req = body.request;
  const out = (response: AdmissionReview['response']): AdmissionReview => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response });
  if (!req?.uid) return out({ uid: '', allowed: false, status: { code: 400, message: 'expected an AdmissionReview with a request' } });
  const kind = req.kind?.kind as DefaultedKind | undefined;
  const op = req.operation;
  if (req.kind?.group !== SERVING_GROUP || !kind || !DEFAULTED_KINDS.includes(kind) || (op !== 'CREATE' && op !== 'UPDATE') || req.subResource || !req.object) {
    return out({ uid: req.uid, allowed: true });
  }
  const errs = admissionErrors({ kind, operation: op, object: structuredClone(req.object), oldObject: req.oldObject ?? undefined, namespace: req.namespace }, d);
  if (!errs.length) return out({ uid: req.uid, allowed: true });
  return out({ uid: req.uid, allowed: false, status: { status: 'Failure', code: 400, reason: 'BadRequest', message: `validation failed: ${formatErrors(errs)}` } });
}
