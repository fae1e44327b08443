// Destination resolution as knative.dev/pkg's resolver (AddressableFromDestinationV1): a Kubernetes
// Service ref is its cluster hostname without a status read; any other ref is duck-Addressable
// (status.addresses[name] → status.addresses[0] → status.address); a ref plus a relative uri is
// resolved against the ref's URL (RFC 3986); a uri alone must be absolute. Pure: the caller hands
// in a lookup of the referenced object.
import type { KubeObject } from '../meta.ts';
import { CLUSTER_DOMAIN, type Destination, type KReference } from './types.ts';

export interface Resolved {
  url?: string;
  CACerts?: string;
  audience?: string;
  /** Why it could not be resolved (one line, as upstream's resolver). */
  error?: string;
  /** The referenced object does not exist (upstream's reasons differ for this case). */
  notFound?: boolean;
}

export type Lookup = (ref: KReference & { namespace: string }) => KubeObject | undefined | 'unknown-kind';

const isAbsolute = (u: string): boolean => {
  try {
    const x = new URL(u);
    return !!x.protocol && !!x.host;
  } catch {
    return false;
  }
};

function addressOf(o: KubeObject, name?: string): { url?: string; CACerts?: string; audience?: string } | undefined {
  const st = (o.status ?? {}) as { address?: { url?: string; name?: string; CACerts?: string; audience?: string }; addresses?: { url?: string; name?: string; CACerts?: string; audience?: string }[] };
  if (name) return st.addresses?.find((a) => a.name === name);
  return st.addresses?.[0] ?? st.address;
}

export function resolveDestination(d: Destination | undefined, parentNamespace: string, lookup: Lookup): Resolved {
  if (!d || (!d.ref && !d.uri)) return { error: 'expected at least one, got none' };
  if (!d.ref) {
    if (!isAbsolute(d.uri!)) return { error: `URI is not absolute (both scheme and host should be non-empty): "${d.uri}"` };
    return { url: d.uri!, ...(d.CACerts ? { CACerts: d.CACerts } : {}), ...(d.audience ? { audience: d.audience } : {}) };
  }
  const ref = { ...d.ref, namespace: d.ref.namespace || parentNamespace };
  let base: string;
  let CACerts = d.CACerts;
  let audience = d.audience;
  if ((ref.apiVersion ?? 'v1') === 'v1' && ref.kind === 'Service') {
    base = `${d.CACerts ? 'https' : 'http'}://${ref.name}.${ref.namespace}.svc.${CLUSTER_DOMAIN}`;
  } else {
    const o = lookup(ref);
    const what = `${ref.kind.toLowerCase()}s${ref.apiVersion?.includes('/') ? `.${ref.apiVersion.split('/')[0]}` : ''} "${ref.name}"`;
    if (o === 'unknown-kind') return { error: `failed to get lister for ${ref.apiVersion ?? ''}, Kind=${ref.kind}` };
    if (!o) return { error: `failed to get object ${ref.namespace}/${ref.name}: ${what} not found`, notFound: true };
    const a = addressOf(o, ref.address);
    if (!a) return { error: ref.address ? `address with name "${ref.address}" not found for ${JSON.stringify(ref)}` : `address not set for ${JSON.stringify(ref)}` };
    if (!a.url) return { error: `URL missing in address of ${JSON.stringify(ref)}` };
    let u: URL;
    try {
      u = new URL(a.url);
    } catch {
      return { error: `URL missing in address of ${JSON.stringify(ref)}` };
    }
    if (!u.host) return { error: `hostname missing in address of ${JSON.stringify(ref)}` };
    base = a.url;
    CACerts ??= a.CACerts;
    audience ??= a.audience;
  }
  let url = base;
  if (d.uri) {
    if (isAbsolute(d.uri)) return { error: `absolute URI is not allowed when Ref or [apiVersion, kind, name] exists: "${d.uri}"` };
    url = new URL(d.uri, base).toString();
  }
  return { url, ...(CACerts ? { CACerts } : {}), ...(audience ? { audience } : {}) };
}

/** Destination validation (duckv1.Destination.Validate): "" when fine. */
export function destinationError(d: Destination | undefined): string {
  if (!d || (!d.ref && !d.uri)) return 'expected at least one, got none';
  if (d.ref && d.uri && isAbsolute(d.uri)) return 'Absolute URI is not allowed when Ref or [apiVersion, kind, name] is present';
  if (!d.ref && d.uri && !isAbsolute(d.uri)) return 'URI is not absolute (both scheme and host should be non-empty)';
  return '';
}
