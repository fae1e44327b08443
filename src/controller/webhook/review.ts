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

/** An AdmissionReview answer. */
export const answer = (response: AdmissionReview['response']): AdmissionReview => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response });

/** The answer to a body that is not an AdmissionReview request. */
export const noRequest = (): AdmissionReview => answer({ uid: '', allowed: false, status: { code: 400, message: 'expected an AdmissionReview with a request' } });

/** Allowed, with a JSON patch when there are operations. */
export const allowed = (uid: string, ops: readonly object[] = []): AdmissionReview =>
  answer(ops.length ? { uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') } : { uid, allowed: true });

type ServingRequest = NonNullable<AdmissionReview['request']> & { object: KubeObject };

/** The request when it is a CREATE or UPDATE of a Serving kind the webhooks handle, else the answer to give at once. */
function servingRequest(body: AdmissionReview): { req: ServingRequest; kind: DefaultedKind; op: 'CREATE' | 'UPDATE' } | AdmissionReview {
  const req = body.request;
  if (!req?.uid) return noRequest();
  const kind = req.kind?.kind as DefaultedKind | undefined;
  const op = req.operation;
  if (req.kind?.group !== SERVING_GROUP || !kind || !DEFAULTED_KINDS.includes(kind) || (op !== 'CREATE' && op !== 'UPDATE') || req.subResource || !req.object) return allowed(req.uid);
  return { req: req as ServingRequest, kind, op };
}

/** Answers one review; an object we do not default is allowed unchanged. */
export function review(body: AdmissionReview, d: ServingDefaults): AdmissionReview {
  const r = servingRequest(body);
  if (!('req' in r)) return r;
  const { req, kind, op } = r;
  const after = admissionDefaults({ kind, operation: op, object: req.object, oldObject: req.oldObject ?? undefined, username: req.userInfo?.username, namespace: req.namespace }, d);
  return allowed(req.uid, defaultingPatch(req.object, after));
}

/**
 * Answers one review of validation.webhook.serving.knative.dev: allowed, or refused as upstream's
 * webhook refuses (code 400, "validation failed: " and the apis.FieldError text); the API server
 * prefixes `admission webhook "validation.webhook.serving.knative.dev" denied the request: `.
 */
export function validationReview(body: AdmissionReview, d: ServingDefaults): AdmissionReview {
  const r = servingRequest(body);
  if (!('req' in r)) return r;
  const { req, kind, op } = r;
  const errs = admissionErrors({ kind, operation: op, object: structuredClone(req.object), oldObject: req.oldObject ?? undefined, namespace: req.namespace }, d);
  if (!errs.length) return allowed(req.uid);
  return answer({ uid: req.uid, allowed: false, status: { status: 'Failure', code: 400, reason: 'BadRequest', message: `validation failed: ${formatErrors(errs)}` } });
}
