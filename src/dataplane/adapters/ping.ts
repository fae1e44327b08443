// The one PingSource adapter for every PingSource (upstream's pingsource-mt-adapter). It runs inside
// the controller and only on the replica holding the controller's lease: the PingSource reconciler
// schedules each source here, and the end of a leadership term stops every schedule (ADR
// 0020-sources), so two replicas never fire the same tick. One croner job per source, keyed
// namespace/name; a spec or sink change replaces it. Each tick waits a random 0–499 ms (upstream's
// jitter), builds the event from the source as the informer has it now, and sends it with the
// adapters' retries. A failed send is logged and the event is lost, as upstream.
import { Cron } from 'croner';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseSchedule, pingEvent } from '../../api/sources/ping.ts';
import type { PingSource } from '../../api/sources/types.ts';
import { type SendResult, sendEvent } from './send.ts';

export interface PingLogger {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
  error(o: object, msg: string): void;
}

export interface PingSchedulerOptions {
  /** The source as the cache has it now (undefined once deleted); the reconciler sets it if left out. */
  lookup?: (namespace: string, name: string) => PingSource | undefined;
  log: PingLogger;
  /** Upper bound of the random delay before each send (500 ms upstream; tests and benchmarks pass 0 or more). */
  jitterMs?: number;
  /** Called after each send (tests, benchmarks, metrics). */
  onSent?(key: string, r: SendResult, firedAt: Date): void;
  send?: typeof sendEvent;
}

interface Job {
  cron: Cron;
  hash: string;
}

const keyOf = (s: PingSource) => `${s.metadata.namespace}/${s.metadata.name}`;
const hashOf = (s: PingSource) => JSON.stringify([s.spec?.schedule, s.spec?.timezone, s.status?.sinkUri]);

export class PingScheduler {
  private readonly jobs = new Map<string, Job>();
  private readonly o: PingSchedulerOptions;
  lookup: (namespace: string, name: string) => PingSource | undefined;
  constructor(o: PingSchedulerOptions) {
    this.o = o;
    this.lookup = o.lookup ?? (() => undefined);
  }

  get size(): number {
    return this.jobs.size;
  }

  has(key: string): boolean {
    return this.jobs.has(key);
  }

  /** Schedules (or reschedules) a source with a resolved sink; throws Error for a bad schedule. */
  ensure(src: PingSource): void {
    const key = keyOf(src);
    const hash = hashOf(src);
    const have = this.jobs.get(key);
    if (have && have.hash === hash) return;
    if (!src.status?.sinkUri) return this.remove(key);
    const { pattern, timezone } = parseSchedule(src.spec?.schedule, src.spec?.timezone);
    have?.cron.stop();
    const [ns, name] = [src.metadata.namespace ?? '', src.metadata.name ?? ''];
    const cron = new Cron(pattern, { ...(timezone ? { timezone } : {}), catch: (e) => this.o.log.error({ err: String(e), source: key }, 'ping tick failed') }, () => this.tick(key, ns, name));
    this.jobs.set(key, { cron, hash });
  }

  remove(key: string): void {
    this.jobs.get(key)?.cron.stop();
    this.jobs.delete(key);
  }

  /** Stops every schedule (leadership lost, shutdown). */
  stopAll(): void {
    for (const j of this.jobs.values()) j.cron.stop();
    this.jobs.clear();
  }

  /** One tick of a scheduled source, now (the cron job calls this; tests call it directly). */
  async fire(namespace: string, name: string): Promise<void> {
    return this.tick(`${namespace}/${name}`, namespace, name);
  }

  private async tick(key: string, ns: string, name: string): Promise<void> {
    const firedAt = new Date();
    const src = this.lookup(ns, name);
    const url = src?.status?.sinkUri;
    if (!src || !url) return this.remove(key);
    const { attrs, data } = pingEvent(src);
    const jitter = this.o.jitterMs ?? 500;
    if (jitter > 0) await sleep(Math.floor(Math.random() * jitter));
    if (!this.jobs.has(key)) return;
    const r = await (this.o.send ?? sendEvent)(url, attrs, data);
    if (r.status < 200 || r.status > 299) this.o.log.error({ source: key, target: url, id: r.id, status: r.status, attempts: r.attempts, err: r.error }, 'failed to send cloudevent: exhausted number of retries, event is lost');
    this.o.onSent?.(key, r, firedAt);
  }
}
