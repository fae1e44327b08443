// Waiting for a Service the way upstream kn does (pkg/wait/wait_for_ready.go): a watch from the
// resourceVersion kn just wrote, only MODIFIED events whose generation is observed count, the
// server's own Ready message printed as a progress line, Ready=True ends the wait, Ready=False
// fails it unless Ready turns Unknown or True within the wait window, and a hard timeout.
import { getCondition, type KubeObject } from '../../api/meta.ts';
import type { ResourceType } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import type { Service } from '../../api/serving/types.ts';
import type { KubeClient, Watcher } from '../../kube/client.ts';
import { KubeError } from '../../kube/errors.ts';
import { progressLine, READY_TO_SERVE, waitTimeout } from './messages.ts';

export interface WaitOptions {
  /** --wait-timeout, seconds (600). */
  timeoutSeconds: number;
  /** --wait-window, seconds (2): how long a Ready=False may last before the wait fails. */
  windowSeconds: number;
}

export type MessageCallback = (elapsedMs: number, message: string) => void;

/** Upstream SimpleMessageCallback: `%7.3fs <message>`, a repeat of the last message as `...`. */
export function simpleMessageCallback(write: (line: string) => void): MessageCallback {
  let old = '';
  return (ms, message) => {
    write(progressLine(ms, message === old ? '...' : message));
    old = message;
  };
}

/** metadata.generation == status.observedGeneration (upstream generationCheck). */
export function inSync(obj: KubeObject): boolean {
  const status = obj.status as { observedGeneration?: number } | undefined;
  return status?.observedGeneration !== undefined && status.observedGeneration === obj.metadata.generation;
}

/** Knative's IsReady on a Service: generation observed and Ready=True. */
export function serviceIsReady(obj: KubeObject): boolean {
  return inSync(obj) && getCondition(obj.status as never, 'Ready')?.status === 'True';
}

/**
 * The decision part of the wait, without I/O: feed it each observed object; it reports progress,
 * arms the error window on Ready=False and disarms it on Unknown.
 */
export class ReadyTracker {
  private errorTimer: ReturnType<typeof setTimeout> | undefined;
  private lastError: Error | undefined;
  private readonly windowMs: number;
  private readonly onMessage: MessageCallback;
  private readonly onFailure: (err: Error) => void;

  constructor(windowMs: number, onMessage: MessageCallback, onFailure: (err: Error) => void) {
    this.windowMs = windowMs;
    this.onMessage = onMessage;
    this.onFailure = onFailure;
  }

  /** Returns true when the object is ready. */
  observe(obj: KubeObject, elapsedMs: number): boolean {
    if (!inSync(obj)) return false;
    const ready = getCondition(obj.status as never, 'Ready');
    if (!ready) return false;
    if (ready.status === 'True') {
      this.stop();
      return true;
    }
    if (ready.status === 'False') {
      // The first reason is reported (as upstream), unless the Revision's own failure shows up
      // within the window: it carries Kubernetes' message.
      if (!this.lastError || (ready.reason === 'RevisionFailed' && !this.lastError.message.startsWith('RevisionFailed'))) {
        this.lastError = new Error(`${ready.reason ?? ''}: ${ready.message ?? ''}`);
      }
      if (!this.errorTimer) this.errorTimer = setTimeout(() => this.onFailure(this.lastError!), this.windowMs);
    } else if (this.errorTimer) {
      clearTimeout(this.errorTimer);
      this.errorTimer = undefined;
      this.lastError = undefined;
    }
    if (ready.message) this.onMessage(elapsedMs, ready.message);
    return false;
  }

  stop(): void {
    if (this.errorTimer) clearTimeout(this.errorTimer);
    this.errorTimer = undefined;
  }
}

const now = () => performance.now();

/**
 * Waits until the Service is ready; resolves with the milliseconds waited (0 when it already was).
 * Rejects with `timeout: service 'x' not ready after N seconds`, or `<Reason>: <Message>` of a
 * Ready=False that outlived the window.
 */
export async function waitForServiceReady(
  client: KubeClient,
  name: string,
  namespace: string,
  o: WaitOptions,
  onMessage: MessageCallback,
): Promise<number> {
  const start = now();
  const initial = await client.find<Service>(R.Service, name, namespace);
  if (initial && serviceIsReady(initial)) return 0;
  let rv = initial?.metadata.resourceVersion;
  const timeoutMs = Math.max(0, o.timeoutSeconds) * 1000;

  return new Promise<number>((resolve, reject) => {
    let finished = false;
    let watcher: Watcher | undefined;
    const tracker = new ReadyTracker(Math.max(0, o.windowSeconds) * 1000, onMessage, (err) => void explain(err).then(finish));
    const deadline = setTimeout(() => finish(new Error(waitTimeout('service', name, o.timeoutSeconds))), timeoutMs);
    /**
     * The Service says only that no Revision is ready (the Route's reason): the Configuration says
     * why, with the Revision's message (Kubernetes' own, when it refused the Deployment).
     */
    async function explain(err: Error): Promise<Error> {
      if (!err.message.startsWith('RevisionMissing')) return err;
      try {
        const cfg = await client.find<KubeObject>(R.Configuration, name, namespace);
        const c = cfg && getCondition(cfg.status as never, 'Ready');
        return c?.status === 'False' && c.message ? new Error(`${c.reason ?? ''}: ${c.message}`) : err;
      } catch {
        return err;
      }
    }
    function finish(err?: Error): void {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      tracker.stop();
      watcher?.stop();
      if (err) reject(err);
      else resolve(now() - start);
    }
    const open = (): void => {
      if (finished) return;
      const left = timeoutMs - (now() - start);
      watcher = client.watch<Service>(
        R.Service,
        { namespace, fieldSelector: `metadata.name=${name}`, resourceVersion: rv, timeoutSeconds: Math.max(1, Math.ceil(left / 1000)) },
        (e) => {
          if (finished) return;
          if (e.type === 'ERROR') {
            rv = undefined; // e.g. 410 Expired: start again from a fresh read
            return;
          }
          rv = e.object.metadata?.resourceVersion ?? rv;
          // Only MODIFIED counts: the ADDED events a watch starts with are old state.
          if (e.type !== 'MODIFIED') return;
          if (tracker.observe(e.object, now() - start)) finish();
        },
      );
      void watcher.done.then(async (err) => {
        if (finished) return;
        if (err && !(err instanceof KubeError && err.code === 410)) return finish(err);
        // The stream ended (server timeout, 410): re-read, then watch again.
        await new Promise((r) => setTimeout(r, 200));
        if (finished) return;
        try {
          const cur = await client.find<Service>(R.Service, name, namespace);
          if (cur) {
            rv = cur.metadata.resourceVersion;
            if (tracker.observe(cur, now() - start)) return finish();
          } else rv = undefined;
          open();
        } catch (e) {
          finish(e as Error);
        }
      });
    };
    open();
  });
}

/** Waits for the Service and prints the progress lines and `Ready to serve.` as kn does. */
export async function waitAndReport(client: KubeClient, name: string, namespace: string, o: WaitOptions, write: (line: string) => void): Promise<void> {
  const ms = await waitForServiceReady(client, name, namespace, o, simpleMessageCallback(write));
  write(progressLine(ms, READY_TO_SERVE));
}

/** Waits until a DELETED event for the object arrives (upstream WaitForEvent for delete --wait). */
export function waitForDeletion(
  client: KubeClient,
  resource: ResourceType,
  noun: string,
  name: string,
  namespace: string,
  resourceVersion: string | undefined,
  timeoutSeconds: number,
): { ready: Promise<void>; done: Promise<void>; stop: () => void } {
  let ready!: () => void;
  let stop: () => void = () => undefined;
  const readyP = new Promise<void>((r) => (ready = r));
  const done = new Promise<void>((resolve, reject) => {
    let finished = false;
    let watcher: Watcher | undefined;
    const finish = (err?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      watcher?.stop();
      if (err) reject(err);
      else resolve();
    };
    const deadline = setTimeout(() => finish(new Error(waitTimeout(noun, name, timeoutSeconds))), Math.max(0, timeoutSeconds) * 1000);
    stop = () => finish();
    let rv = resourceVersion;
    const open = (): void => {
      if (finished) return;
      watcher = client.watch(resource, { namespace, fieldSelector: `metadata.name=${name}`, resourceVersion: rv }, (e) => {
        if (e.type === 'DELETED') finish();
        else if (e.type !== 'ERROR') rv = e.object.metadata?.resourceVersion ?? rv;
      });
      ready();
      void watcher.done.then(async (err) => {
        if (finished) return;
        if (err && !(err instanceof KubeError && err.code === 410)) return finish(err);
        await new Promise((r) => setTimeout(r, 200));
        try {
          const cur = await client.find(resource, name, namespace);
          if (!cur) return finish();
          rv = cur.metadata.resourceVersion;
          open();
        } catch (e) {
          finish(e as Error);
        }
      });
    };
    open();
  });
  return { ready: readyP, done, stop: () => stop() };
}
