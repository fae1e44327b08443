// Which gateway replica runs the per-pod breaker of a revision with containerConcurrency > 0.
//
// Upstream enforces containerConcurrency in queue-proxy, inside each pod; kn-ts has no queue-proxy
// (ADR 0005) and the gateway's breaker (activator.ts) counts only its own requests. With several
// gateway replicas each would let containerConcurrency requests through to a pod, so a pod of a
// `containerConcurrency: 1` revision could see two at once. Instead one replica owns each such
// revision, chosen by rendezvous hashing of the revision key over the ready replicas (the
// kourier-internal EndpointSlices): the others forward its requests to the owner's internal
// listener, marked with BREAKER_HOP so the owner serves them itself (no loop, even while two
// replicas briefly disagree on the replica set during a rollout). Every replica computes the same
// owner from the same set; a replica that knows no peers, or not its own address, serves locally.
import type { Upstream } from './table.ts';

/** Request header of a request forwarded to the breaker's owner (removed before the pod). */
export const BREAKER_HOP = 'k-kn-ts-breaker-hop';

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The peer with the highest hash of (peer, key): the same on every replica; moves only the keys of a peer that comes or goes. */
export function rendezvous(key: string, peers: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestH = -1;
  for (const p of peers) {
    const h = fnv1a(`${p}\n${key}`);
    if (h > bestH || (h === bestH && best !== undefined && p < best)) {
      best = p;
      bestH = h;
    }
  }
  return best;
}

export class BreakerOwners {
  private self: string | undefined;
  private peers: string[] = [];
  private readonly upstreams = new Map<string, Upstream>();
  private readonly owners = new Map<string, Upstream | null>();

  /** This replica's internal listener address ("ip:port") and every ready replica's (this one included); whether that changed anything. */
  set(self: string | undefined, peers: readonly string[]): boolean {
    const next = [...new Set(peers)].sort();
    if (self === this.self && next.length === this.peers.length && next.every((p, i) => p === this.peers[i])) return false;
    this.self = self;
    this.peers = next;
    this.owners.clear();
    this.upstreams.clear();
    for (const p of next) {
      const i = p.lastIndexOf(':');
      const host = p.slice(0, i).replace(/^\[|\]$/g, '');
      this.upstreams.set(p, { host, port: Number(p.slice(i + 1)) });
    }
    return true;
  }

  /** The other replicas' addresses as the pools key them ("host:port"). */
  addresses(): string[] {
    return [...this.upstreams.values()].map((u) => `${u.host}:${u.port}`);
  }

  /** The replica to forward key's requests to, or undefined when this replica runs its breaker. */
  ownerOf(key: string): Upstream | undefined {
    if (this.self === undefined || this.peers.length === 0) return undefined;
    let o = this.owners.get(key);
    if (o === undefined) {
      const p = rendezvous(key, this.peers);
      o = p === undefined || p === this.self ? null : (this.upstreams.get(p) ?? null);
      if (this.owners.size >= 4096) this.owners.clear();
      this.owners.set(key, o);
    }
    return o ?? undefined;
  }
}
