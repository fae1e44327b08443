// What upstream's validating webhook (validation.webhook.serving.knative.dev) checks on each
// Serving kind as it is written, per kind and operation, with upstream's apis.FieldError messages
// (serving:pkg/apis/serving/v1/*_validation.go, v1beta1/domainmapping_validation.go,
// pkg:apis/metadata_validation.go). The rules themselves live in validation.ts (spec, template,
// traffic) and are shared with the reconcilers and the CLI; this file adds what only admission sees:
// the kinds' metadata, their labels' owner references and the update-only rules. Pure.
import type { KubeObject, ObjectMeta } from '../meta.ts';
import type { AdmissionRequestView, ServingDefaults } from './defaults.ts';
import { A, L } from './labels.ts';
import type { Configuration, DomainMapping, Revision, Route, Service } from './types.ts';
import { type FieldError, validateConfiguration, validateName, validateRevisionSpec, validateService, validateTraffic } from './validation.ts';

const CLUSTER_DOMAIN = 'cluster.local';

/** verifyLabelOwnerRef: a parent label must name an owner of that kind. */
function labelOwner(meta: ObjectMeta, label: string, kind: string): FieldError[] {
  const v = meta.labels?.[label];
  if (v === undefined) return [];
  return (meta.ownerReferences ?? []).some((r) => r.kind === kind && r.name === v) ? [] : [{ message: 'missing field(s)', paths: [`metadata.labels.${label}`] }];
}

/** apis.ValidateCreatorAndModifier on update. */
function creatorAndModifier(oldObj: KubeObject & { spec?: unknown }, obj: KubeObject & { spec?: unknown }, prefix: string): FieldError[] {
  const errs: FieldError[] = [];
  const o = oldObj.metadata.annotations ?? {};
  const n = obj.metadata.annotations ?? {};
  if (o[A.creator] !== n[A.creator]) errs.push({ message: 'annotation value is immutable', paths: [`${prefix}.${A.creator}`] });
  if (JSON.stringify(oldObj.spec ?? {}) === JSON.stringify(obj.spec ?? {}) && o[A.lastModifier] !== n[A.lastModifier]) {
    errs.push({ message: `invalid value: ${n[A.lastModifier] ?? ''}`, paths: [`${prefix}.${A.lastModifier}`] });
  }
  return errs;
}

export function validateRevisionObject(rev: Revision, d: ServingDefaults, update: boolean): FieldError[] {
  // On update the spec is immutable (the CRD's CEL rule says so); upstream then checks nothing else of it.
  return [...validateName(rev.metadata.name), ...labelOwner(rev.metadata, L.configuration, 'Configuration'), ...(update ? [] : validateRevisionSpec(rev.spec, d, 'spec'))];
}

export function validateRouteObject(rt: Route): FieldError[] {
  return [...validateName(rt.metadata.name), ...labelOwner(rt.metadata, L.service, 'Service'), ...validateTraffic(rt.spec?.traffic, false)];
}

export function validateDomainMappingObject(dm: DomainMapping): FieldError[] {
  const errs: FieldError[] = [];
  const name = dm.metadata.name ?? '';
  if (dm.metadata.generateName) errs.push({ message: 'must not set the field(s)', paths: ['metadata.generateName'] });
  // The name's shape (an FQDN) is the CRD's CEL rule; the API server checks it before this webhook runs.
  if (name.endsWith(`.${CLUSTER_DOMAIN}`)) errs.push({ message: `invalid name "${name}": must not be a subdomain of cluster local domain "${CLUSTER_DOMAIN}"`, paths: ['metadata.name'] });
  const ns = dm.spec?.ref?.namespace;
  const own = dm.metadata.namespace;
  if (ns && own && ns !== own) errs.push({ message: 'mismatched namespaces', paths: ['spec.ref.namespace'], details: `parent namespace: "${own}" does not match ref: "${ns}"` });
  if (!dm.spec?.ref?.apiVersion) errs.push({ message: 'missing field(s)', paths: ['spec.ref.apiVersion'] });
  return errs;
}

/** Everything upstream's validating webhook refuses in this request (an empty list admits it). */
export function admissionErrors(r: AdmissionRequestView, d: ServingDefaults): FieldError[] {
  const update = r.operation === 'UPDATE' && r.oldObject !== undefined;
  const old = r.oldObject as (KubeObject & { spec?: unknown }) | undefined;
  const obj = r.object as KubeObject & { spec?: unknown };
  if (r.object.metadata.namespace === undefined && r.namespace) obj.metadata = { ...obj.metadata, namespace: r.namespace };
  const standalone = !(obj.metadata.ownerReferences ?? []).length;
  switch (r.kind) {
    case 'Service':
      return [...validateService(obj as Service, d), ...(update && old ? creatorAndModifier(old, obj, 'metadata.annotations') : [])];
    case 'Configuration':
      return [
        ...validateConfiguration(obj as Configuration, d),
        ...labelOwner(obj.metadata, L.service, 'Service'),
        ...(update && old && standalone ? creatorAndModifier(old, obj, 'metadata.annotations') : []),
      ];
    case 'Route':
      return [...validateRouteObject(obj as Route), ...(update && old && standalone ? creatorAndModifier(old, obj, 'metadata.annotations') : [])];
    case 'Revision':
      return validateRevisionObject(obj as Revision, d, update);
    case 'DomainMapping':
      return [...validateDomainMappingObject(obj as DomainMapping), ...(update && old ? creatorAndModifier(old, obj, 'metadata.annotations') : [])];
  }
}
