// Leader election (src/kube/lease.ts) on the shared API server, with two replicas whose wall clocks
// are hours apart: one writes renewTimes three hours in the future, the other three hours in the
// past. Expiry must come from each replica's own observation of the lease changing, so at no
// sampled instant do both lead; when the leader is cut off from the API server (its requests hang,
// as in a network partition), it steps down within its renew deadline and the other takes over
// after the lease duration — seconds, not hours.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { R } from '../../src/api/resources.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { LeaderElector, type Lease } from '../../src/kube/lease.ts';
import { freshNamespace, kube } from '../harness/env.ts';

const HOUR = 3_600_000;
// Shorter than the defaults (15 s / 10 s / 2 s) with the same safety margin in kind: a leader gives
// up 3 s before a peer may take over, which absorbs slow answers on a loaded machine.
const TIMING = { leaseDurationSeconds: 5, renewDeadlineMs: 2_000, retryPeriodMs: 300 };

/** The client, or (while `cut` is set) one whose every request hangs, as on a dead network. */
function partitionable(c: KubeClient): { client: KubeClient; cut: boolean } {
  const p = { cut: false, client: undefined as unknown as KubeClient };
  p.client = new Proxy(c, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => (p.cut ? new Promise(() => {}) : (v as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return p;
}

describe('leader election with skewed clocks', () => {
  let c: KubeClient;
  let ns: string;
  const electors: LeaderElector[] = [];
  before(async () => {
    c = await kube();
    ns = await freshNamespace('lease');
  });
  after(async () => {
    for (const e of electors) await e.stop();
  });

  it('never lets two replicas lead, and hands over in lease-duration time when the leader is cut off', async () => {
    const replicas = [
      { id: 'ahead', skew: +3 * HOUR, net: partitionable(c) },
      { id: 'behind', skew: -3 * HOUR, net: partitionable(c) },
    ].map((r) => {
      const e = new LeaderElector(r.net.client, {
        name: 'skewed',
        namespace: ns,
        identity: r.id,
        ...TIMING,
        now: () => Date.now() + r.skew,
        onStartedLeading: () => {},
        onStoppedLeading: () => {},
      });
      electors.push(e);
      return { ...r, e };
    });
    let both = 0;
    const sample = setInterval(() => {
      if (replicas.every((r) => r.e.isLeader)) both++;
    }, 10);
    try {
      for (const r of replicas) r.e.start();
      const until = async (f: () => boolean, what: string, ms: number) => {
        const end = Date.now() + ms;
        while (!f()) {
          if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`);
          await new Promise((res) => setTimeout(res, 10));
        }
      };
      await until(() => replicas.some((r) => r.e.isLeader), 'someone leads', 20_000);
      // Two lease durations with both alive: the follower must not take over.
      await new Promise((res) => setTimeout(res, 2 * TIMING.leaseDurationSeconds * 1000));
      const leader = replicas.find((r) => r.e.isLeader);
      const follower = replicas.find((r) => !r.e.isLeader);
      assert.ok(leader && follower, 'exactly one leads while both are alive');
      const lease = await c.get<Lease>(R.Lease, 'skewed', ns);
      assert.equal(lease.spec.holderIdentity, leader.id);

      leader.net.cut = true;
      const t0 = performance.now();
      await until(() => !leader.e.isLeader, 'the cut-off leader steps down', 10_000);
      const steppedDown = performance.now() - t0;
      await until(() => follower.e.isLeader, `${follower.id} takes over`, 20_000);
      const takeover = performance.now() - t0;
      process.stderr.write(`lease test: ${leader.id} stepped down after ${Math.round(steppedDown)} ms, ${follower.id} led after ${Math.round(takeover)} ms\n`);
      assert.ok(steppedDown <= TIMING.renewDeadlineMs + 2_000, `stepped down within the renew deadline (${Math.round(steppedDown)} ms)`);
      assert.ok(takeover >= TIMING.leaseDurationSeconds * 1000 - 2 * TIMING.retryPeriodMs, `the follower waited for the lease to expire on its own clock (${Math.round(takeover)} ms)`);

      // The partition heals: the old leader sees a live lease and stays a follower.
      leader.net.cut = false;
      await new Promise((res) => setTimeout(res, 2 * TIMING.leaseDurationSeconds * 1000));
      assert.equal(leader.e.isLeader, false);
      assert.equal(follower.e.isLeader, true);
      assert.equal((await c.get<Lease>(R.Lease, 'skewed', ns)).spec.holderIdentity, follower.id);
    } finally {
      clearInterval(sample);
    }
    assert.equal(both, 0, 'no sampled instant at which both replicas led');
  });
});
