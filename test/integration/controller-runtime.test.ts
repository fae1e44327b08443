// The controller runtime's Manager on the shared API server:
// - /metrics exposes the names community dashboards read (workqueue_*, controller_runtime_reconcile_*,
//   rest_client_requests_total, leader_election_master_status) after reconciles, and a failed
//   reconcile is logged through pino with its stack;
// - when the lease is lost mid-reconcile (another replica takes it over), the reconcile in flight
//   stops at its next write (the write never reaches the server), queued keys are dropped, and
//   nothing is reconciled until this replica leads again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import { MemoryEventRecorder } from '../../src/controller/runtime/events.ts';
import { Manager } from '../../src/controller/runtime/manager.ts';
import { ControllerMetrics } from '../../src/controller/runtime/metrics.ts';
import type { Reconciler } from '../../src/controller/runtime/types.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import type { Lease } from '../../src/kube/lease.ts';
import { freshNamespace, kube } from '../harness/env.ts';

const cm = (ns: string, name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: {} }) as KubeObject;

async function until(f: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('controller runtime: metrics, error logs, leadership loss', () => {
  let c: KubeClient;
  let ns: string;
  let mgr: Manager | undefined;
  const lines: string[] = [];
  const gate: { entered: boolean; open?: () => void; error?: unknown } = { entered: false };
  const reconciled: string[] = [];
  let failedOnce = false;

  before(async () => {
    c = await kube();
    ns = await freshNamespace('runtime');
    // ConfigMaps of this namespace: `fail` fails once; `block` waits for the test, then creates a child.
    const rec: Reconciler = {
      name: 'probe',
      resource: R.ConfigMap,
      statusless: true,
      async reconcile(obj, ctx) {
        if (obj.metadata.namespace !== ns) return;
        const name = obj.metadata.name ?? '';
        reconciled.push(name);
        if (name === 'fail' && !failedOnce) {
          failedOnce = true;
          throw new Error('induced failure');
        }
        if (name === 'block') {
          gate.entered = true;
          await new Promise<void>((r) => (gate.open = r));
          try {
            await ctx.client.create(R.ConfigMap, cm(ns, 'block-child'));
          } catch (e) {
            gate.error = e;
            throw e;
          }
        }
      },
    };
    const log = pino({ level: 'info', base: {} }, { write: (s: string) => void lines.push(s) });
    mgr = new Manager({
      client: c,
      reconcilers: [rec],
      log,
      leaderElection: { name: 'runtime-test', namespace: ns, identity: 'me', leaseDurationSeconds: 3, renewDeadlineMs: 1_500, retryPeriodMs: 200 },
      recorder: new MemoryEventRecorder(),
      metrics: new ControllerMetrics(false),
      httpPort: 0,
      httpHost: '127.0.0.1',
    });
    await mgr.start();
    await until(() => mgr!.isLeader, 'the manager leads');
  });
  after(async () => {
    gate.open?.();
    await mgr?.stop();
  });

  it('exposes workqueue_*, controller_runtime_reconcile_*, rest_client_requests_total; logs a failure with its stack', async () => {
    await c.create(R.ConfigMap, cm(ns, 'ok'));
    await c.create(R.ConfigMap, cm(ns, 'fail'));
    await until(() => reconciled.filter((n) => n === 'fail').length >= 2 && reconciled.includes('ok'), 'ok reconciled, fail retried');
    const text = await fetch(`http://127.0.0.1:${mgr!.port}/metrics`).then((r) => r.text());
    const host = new URL(c.server).host;
    for (const re of [
      /^workqueue_depth\{name="probe"\} \d+$/m,
      /^workqueue_adds_total\{name="probe"\} [1-9]\d*$/m,
      /^workqueue_retries_total\{name="probe"\} [1-9]\d*$/m,
      /^workqueue_queue_duration_seconds_count\{name="probe"\} [1-9]\d*$/m,
      /^workqueue_work_duration_seconds_count\{name="probe"\} [1-9]\d*$/m,
      /^controller_runtime_reconcile_total\{controller="probe",result="success"\} [1-9]\d*$/m,
      /^controller_runtime_reconcile_total\{controller="probe",result="error"\} 1$/m,
      /^controller_runtime_reconcile_errors_total\{controller="probe"\} 1$/m,
      /^controller_runtime_reconcile_time_seconds_count\{controller="probe"\} [1-9]\d*$/m,
      new RegExp(`^rest_client_requests_total\\{code="200",method="(GET|PUT)",host="${host.replace(/\./g, '\\.')}"\\} [1-9]\\d*$`, 'm'),
      /^leader_election_master_status\{name="runtime-test"\} 1$/m,
    ]) {
      assert.match(text, re);
    }
    const failure = lines.map((l) => JSON.parse(l) as { msg?: string; err?: { message?: string; stack?: string } }).find((l) => l.msg === 'reconcile failed; retrying');
    assert.equal(failure?.err?.message, 'induced failure');
    assert.match(failure?.err?.stack ?? '', /induced failure\n\s+at /, 'the stack is logged');
  });

  it('stops the reconcile in flight and the queue when another replica takes the lease', async () => {
    await c.create(R.ConfigMap, cm(ns, 'block'));
    await until(() => gate.entered, 'the reconcile of block started');
    // Another replica takes the lease over (as after a partition): a new holder and a fresh renewTime.
    // The leader renews meanwhile: a conflict means read again and retry, as a real contender does.
    for (let attempt = 0; ; attempt++) {
      const lease = await c.get<Lease>(R.Lease, 'runtime-test', ns);
      const now = new Date().toISOString().replace(/Z$/, '000Z');
      try {
        await c.replace(R.Lease, { ...lease, spec: { ...lease.spec, holderIdentity: 'thief', renewTime: now, acquireTime: now, leaseDurationSeconds: 60 } });
        break;
      } catch (e) {
        if ((e as { code?: number }).code !== 409 || attempt >= 10) throw e;
      }
    }
    await until(() => !mgr!.isLeader, 'the manager stops leading', 5_000);
    const before = reconciled.length;
    await c.create(R.ConfigMap, cm(ns, 'while-follower'));
    gate.open!();
    await until(() => gate.error !== undefined, 'the blocked reconcile ends');
    assert.equal((gate.error as Error).name, 'LeadershipLostError', 'its write was refused');
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(await c.find(R.ConfigMap, 'block-child', ns), undefined, 'the write never reached the server');
    assert.deepEqual(reconciled.slice(before), [], 'nothing reconciled while following');
    const text = await fetch(`http://127.0.0.1:${mgr!.port}/metrics`).then((r) => r.text());
    assert.match(text, /^leader_election_master_status\{name="runtime-test"\} 0$/m);
    assert.ok(lines.some((l) => l.includes('lost leadership')), 'the loss is logged');
  });
});
