// Kubernetes Events (core/v1 Event) as client-go's record.EventRecorder writes them: one Event per
// (object, type, reason, message); a repeat bumps count and lastTimestamp on the same Event.
// Writes are fire-and-forget and stay off the reconcilers' critical path, as client-go's
// broadcaster keeps them: events wait in a bounded queue (repeats of a waiting event merge into it),
// at most `concurrency` are written at once, and when the queue is full new ones are dropped.
// An event that cannot be written is logged, never retried.
import { createHash, randomBytes } from 'node:crypto';
import type { KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import type { KubeClient } from '../../kube/client.ts';
import { KubeError } from '../../kube/errors.ts';
import type { EventRecorder, Logger } from './types.ts';

interface Seen {
  name: string;
  namespace: string;
  count: number;
}

interface Pending {
  obj: KubeObject;
  type: string;
  reason: string;
  message: string;
  times: number;
}

const MAX_CACHE = 4096;
const ts = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class KubeEventRecorder implements EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private readonly client: KubeClient;
  private readonly component: string;
  private readonly instance: string;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly queue = new Map<string, Pending>();
  private readonly concurrency: number;
  private readonly maxQueued: number;
  private inFlight = 0;
  private idle: (() => void)[] = [];
  /** Events dropped because the queue was full. */
  dropped = 0;

  constructor(client: KubeClient, o: { component?: string; instance?: string; log: Logger; now?: () => Date; concurrency?: number; maxQueued?: number }) {
    this.client = client;
    this.component = o.component ?? 'controller';
    this.instance = o.instance ?? '';
    this.log = o.log;
    this.now = o.now ?? (() => new Date());
    this.concurrency = o.concurrency ?? 4;
    this.maxQueued = o.maxQueued ?? 1000;
  }

  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const key = keyOf(obj, type, reason, message);
    const waiting = this.queue.get(key);
    if (waiting) {
      waiting.times++;
      return;
    }
    if (this.queue.size >= this.maxQueued) {
      if (this.dropped++ === 0) this.log.warn({ reason, object: obj.metadata.name }, 'event queue full; dropping events');
      return;
    }
    // Keep only what the Event refers to, not the whole object.
    const m = obj.metadata;
    const ref: KubeObject = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion } };
    this.queue.set(key, { obj: ref, type, reason, message, times: 1 });
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.size) {
      const [key, p] = this.queue.entries().next().value as [string, Pending];
      this.queue.delete(key);
      this.inFlight++;
      void this.write(key, p)
        .catch((e: unknown) => this.log.warn({ err: e, reason: p.reason, object: p.obj.metadata.name }, 'could not write event'))
        .finally(() => {
          this.inFlight--;
          this.pump();
          if (!this.inFlight && !this.queue.size) for (const r of this.idle.splice(0)) r();
        });
    }
  }

  /** Waits until every queued event is written (graceful shutdown). */
  async flush(): Promise<void> {
    if (!this.inFlight && !this.queue.size) return;
    await new Promise<void>((r) => this.idle.push(r));
  }

  private async write(key: string, p: Pending): Promise<void> {
    const { obj, type, reason, message } = p;
    const namespace = obj.metadata.namespace ?? 'default';
    const now = ts(this.now());
    const prev = this.seen.get(key);
    if (prev) {
      prev.count += p.times;
      try {
        await this.client.patch(R.Event, prev.name, prev.namespace, { count: prev.count, lastTimestamp: now }, 'merge');
        return;
      } catch (e) {
        if (!(e instanceof KubeError && e.notFound)) throw e;
        this.seen.delete(key);
      }
    }
    const name = `${obj.metadata.name}.${Date.now().toString(16)}${randomBytes(3).toString('hex')}`;
    await this.client.create(R.Event, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      type,
      reason,
      message,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.instance,
      firstTimestamp: now,
      lastTimestamp: now,
      count: p.times,
    });
    if (this.seen.size >= MAX_CACHE) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.seen.set(key, { name, namespace, count: p.times });
  }
}

/**
 * The identity of an event: a digest of (object, type, reason, message), so that the 4096 remembered
 * events cost a short key each, not their messages (≈ 1 MiB at 500 Services before).
 */
function keyOf(obj: KubeObject, type: string, reason: string, message: string): string {
  const namespace = obj.metadata.namespace ?? 'default';
  return createHash('sha1').update(`${obj.metadata.uid ?? `${namespace}/${obj.metadata.name}`}\u0000${type}\u0000${reason}\u0000${message}`).digest('base64');
}

/** Records events in memory (unit tests, dry runs). */
export class MemoryEventRecorder implements EventRecorder {
  readonly events: string[] = [];
  event(_obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push(`${type} ${reason} ${message}`);
  }
}
