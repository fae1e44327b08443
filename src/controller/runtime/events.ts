// Kubernetes Events (core/v1 Event) as client-go's record.EventRecorder writes them: one Event per
// (object, type, reason, message); a repeat bumps count and lastTimestamp on the same Event.
// Writes are fire-and-forget: an event that cannot be written is logged, never retried.
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import type { KubeClient } from '../../kube/client.ts';
import { KubeError } from '../../kube/errors.ts';
import type { EventRecorder, Logger } from './types.ts';

interface Seen {
  name: string;
  namespace: string;
  count: number;
  first: string;
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
  private pending = new Set<Promise<void>>();

  constructor(client: KubeClient, o: { component?: string; instance?: string; log: Logger; now?: () => Date }) {
    this.client = client;
    this.component = o.component ?? 'controller';
    this.instance = o.instance ?? '';
    this.log = o.log;
    this.now = o.now ?? (() => new Date());
  }

  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const p = this.write(obj, type, reason, message).catch((e: unknown) =>
      this.log.warn({ err: String((e as Error)?.message ?? e), reason, object: obj.metadata.name }, 'could not write event'),
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Waits for the events in flight (graceful shutdown). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async write(obj: KubeObject, type: string, reason: string, message: string): Promise<void> {
    const namespace = obj.metadata.namespace ?? 'default';
    const key = `${obj.metadata.uid ?? `${namespace}/${obj.metadata.name}`}\u0000${type}\u0000${reason}\u0000${message}`;
    const now = ts(this.now());
    const prev = this.seen.get(key);
    if (prev) {
      prev.count++;
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
      count: 1,
    });
    if (this.seen.size >= MAX_CACHE) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.seen.set(key, { name, namespace, count: 1, first: now });
  }
}

/** Records events in memory (unit tests, dry runs). */
export class MemoryEventRecorder implements EventRecorder {
  readonly events: string[] = [];
  event(_obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push(`${type} ${reason} ${message}`);
  }
}
