// ApiServerSource events (pkg/adapter/apiserver/events, filter.go): types per mode and verb, the
// self-link subject with a guessed plural, the kind/apiversion/name/namespace extensions, the data
// (the object, or its ObjectReference), and the owner filter. Pure.
import type { KubeObject, OwnerReference } from '../meta.ts';
import { APISERVER_TYPES, type ApiServerMode, type ApiServerSource } from './types.ts';

export type Verb = 'add' | 'update' | 'delete';

/** meta.UnsafeGuessKindToResource: the lower-case plural of a kind. */
export function guessPlural(kind: string): string {
  const k = kind.toLowerCase();
  if (!k) return k;
  if (k.endsWith('endpoints')) return k;
  if (k.endsWith('s')) return `${k}es`;
  if (k.endsWith('y')) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

/** The subject: /apis/<apiVersion>/namespaces/<ns>/<plural>/<name> (createSelfLink). */
export function selfLink(apiVersion: string, kind: string, namespace: string, name: string): string {
  const v = apiVersion.includes('.') && !apiVersion.includes('/') ? `${apiVersion}/versionUnknown` : apiVersion;
  return `/apis/${v}/namespaces/${namespace}/${guessPlural(kind)}/${name}`;
}

export interface ApiServerEvent {
  attrs: Record<string, string>;
  data: Buffer;
}

/** The event for one watch notification (id and time are the sender's). */
export function apiServerEvent(mode: ApiServerMode, verb: Verb, source: string, obj: KubeObject): ApiServerEvent {
  const apiVersion = obj.apiVersion ?? '';
  const kind = obj.kind ?? '';
  const name = obj.metadata.name ?? '';
  const namespace = obj.metadata.namespace ?? '';
  const attrs: Record<string, string> = {
    specversion: '1.0',
    type: APISERVER_TYPES[mode][verb],
    source,
    subject: selfLink(apiVersion, kind, namespace, name),
    datacontenttype: 'application/json',
    kind,
    apiversion: apiVersion,
    name,
    namespace,
  };
  // corev1.ObjectReference's field order, empty fields omitted.
  const ref = { kind, ...(namespace ? { namespace } : {}), name, apiVersion };
  return { attrs, data: Buffer.from(JSON.stringify(mode === 'Resource' ? obj : ref)) };
}

/** The owner filter: a controller ownerReference matching apiVersion and kind (empty = any). */
export function ownerMatches(owner: { apiVersion?: string; kind?: string } | undefined, obj: KubeObject): boolean {
  if (!owner || (!owner.apiVersion && !owner.kind)) return true;
  const ctl = (obj.metadata.ownerReferences ?? []).find((r: OwnerReference) => r.controller);
  if (!ctl) return false;
  return (!owner.apiVersion || owner.apiVersion === ctl.apiVersion) && (!owner.kind || owner.kind === ctl.kind);
}

/** status.ceAttributes: the three types of the mode, each with the API server URL as source. */
export function apiServerCeAttributes(src: ApiServerSource, source: string): { type: string; source: string }[] {
  const t = APISERVER_TYPES[src.spec?.mode ?? 'Reference'];
  return [t.add, t.delete, t.update].map((type) => ({ type, source }));
}

/** The configuration the controller hands to an adapter (env K_SOURCE_CONFIG). */
export interface AdapterConfig {
  namespaces: string[];
  resources: { apiVersion: string; kind: string; plural: string; labelSelector?: string }[];
  owner?: { apiVersion?: string; kind?: string };
  mode: ApiServerMode;
  failFast?: boolean;
}

/** The event source: the API server URL as client-go's in-cluster config has it (https://HOST:PORT). */
export function apiServerUrl(env: Record<string, string | undefined>, fallback: string): string {
  const h = env.KUBERNETES_SERVICE_HOST;
  const p = env.KUBERNETES_SERVICE_PORT;
  if (!h || !p) return fallback;
  return `https://${h.includes(':') ? `[${h}]` : h}:${p}`;
}

/** group and version of an apiVersion ("v1" → core). */
export const groupVersion = (apiVersion: string): { group: string; version: string } => (apiVersion.includes('/') ? { group: apiVersion.split('/')[0]!, version: apiVersion.split('/')[1]! } : { group: '', version: apiVersion });
