// What the messaging and flows reconcilers share: reading default-ch-webhook, the dispatcher's
// readiness, and creating or updating a child the reconciler owns. (Destinations resolve through
// the general AddressableResolver, src/controller/addressable.)
import { EVENTING_NAMESPACE } from '../../api/eventing/types.ts';
import { type ChannelDefaults, parseChannelDefaults } from '../../api/messaging/config.ts';
import { IMC_DISPATCHER_SERVICE } from '../../api/messaging/types.ts';
import { isControlledBy, type KubeObject, type ResourceType } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { deepEqualJSON } from '../runtime/stable.ts';
import type { ReconcileContext } from '../runtime/types.ts';

/** default-ch-webhook, read at most every 5 s. */
export class ChannelDefaultsCache {
  private at = 0;
  private data: ChannelDefaults | undefined;
  async get(ctx: ReconcileContext): Promise<ChannelDefaults> {
    if (this.data && Date.now() - this.at < 5000) return this.data;
    const cm = await ctx.client.find<KubeObject & { data?: Record<string, string> }>(R.ConfigMap, 'default-ch-webhook', EVENTING_NAMESPACE);
    try {
      this.data = parseChannelDefaults(cm?.data);
    } catch (e) {
      ctx.log.warn({ err: String((e as Error).message) }, 'default-ch-webhook: default-ch-config is not valid YAML; using the built-in default');
      this.data = parseChannelDefaults(undefined);
    }
    this.at = Date.now();
    return this.data;
  }
}

/** Whether the imc-dispatcher Service has a ready endpoint; a string is the error reading them. */
export async function dispatcherReady(ctx: ReconcileContext): Promise<boolean | string> {
  try {
    const slices = await ctx.client.list<KubeObject & { endpoints?: { conditions?: { ready?: boolean } }[] }>(R.EndpointSlice, {
      namespace: EVENTING_NAMESPACE,
      labelSelector: `kubernetes.io/service-name=${IMC_DISPATCHER_SERVICE}`,
    });
    return slices.items.some((s) => (s.endpoints ?? []).some((e) => e.conditions?.ready !== false));
  } catch (e) {
    return String((e as Error).message);
  }
}

export class NotOwned extends Error {}

/**
 * Creates `desired` if missing, or brings the fields in `compare` (top-level keys, e.g. spec) to
 * the desired values with a merge patch. A same-named object that another owner controls is
 * left alone (NotOwned). Returns the object as it now is.
 */
export async function ensureChild<T extends KubeObject>(ctx: ReconcileContext, r: ResourceType, desired: T, owner: KubeObject, compare: string[]): Promise<T> {
  const name = desired.metadata.name ?? '';
  const ns = desired.metadata.namespace;
  // Not in the cache: create (an AlreadyExists means the cache is behind; the retry finds it).
  const have = ctx.lister<T>(r).get(name, ns);
  if (!have) return ctx.client.create<T>(r, desired);
  if (!isControlledBy(have, owner)) throw new NotOwned(`${r.kind} "${name}" already exists and is not owned by ${owner.kind} "${owner.metadata.name}"`);
  // A JSON patch replacing each differing field whole (a merge patch would merge nested objects,
  // e.g. keep a ref beside a new uri), conditional on the version read.
  const ops: object[] = [{ op: 'test', path: '/metadata/resourceVersion', value: have.metadata.resourceVersion }];
  for (const k of compare) if (!deepEqualJSON(have[k], desired[k])) ops.push(desired[k] === undefined ? { op: 'remove', path: `/${k}` } : { op: 'add', path: `/${k}`, value: desired[k] });
  if (ops.length === 1) return have;
  return ctx.client.patch<T>(r, name, ns, ops, 'json');
}
