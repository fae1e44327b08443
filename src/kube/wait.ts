// Waiting for an object to reach a condition, bounded by a timeout, driven by a watch.
import type { KubeObject, ResourceType } from '../api/meta.ts';
import type { KubeClient } from './client.ts';
import { KubeError } from './errors.ts';

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

/**
 * Resolves with the object once check(obj) returns 'done'; rejects when it returns an Error or
 * when timeoutMs passes. check also sees undefined while the object does not exist.
 */
export async function waitFor<T extends KubeObject>(
  client: KubeClient,
  r: ResourceType,
  name: string,
  namespace: string | undefined,
  check: (obj: T | undefined) => 'done' | 'wait' | Error,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    const current = await client.find<T>(r, name, namespace);
    last = current;
    const v = check(current);
    if (v instanceof Error) throw v;
    if (v === 'done') return current as T;
    const left = deadline - Date.now();
    if (left <= 0) break;
    const outcome = await new Promise<{ obj?: T; err?: Error }>((resolve) => {
      const timer = setTimeout(() => {
        w.stop();
        resolve({});
      }, left);
      const w = client.watch<T>(
        r,
        { namespace, fieldSelector: `metadata.name=${name}`, resourceVersion: current?.metadata.resourceVersion, timeoutSeconds: Math.max(1, Math.ceil(left / 1000)) },
        (e) => {
          if (e.type === 'ERROR' || e.type === 'BOOKMARK') return;
          const obj = e.type === 'DELETED' ? undefined : e.object;
          last = obj;
          const res = check(obj);
          if (res instanceof Error) {
            clearTimeout(timer);
            w.stop();
            resolve({ err: res });
          } else if (res === 'done') {
            clearTimeout(timer);
            w.stop();
            resolve({ obj });
          }
        },
      );
      void w.done.then(async (err) => {
        clearTimeout(timer);
        // 410: the resourceVersion is too old; 429: the API server asks to come back (a new CRD's
        // storage initialising), as client-go retries it. Both: read again and watch again.
        if (err instanceof KubeError && err.code === 429) await new Promise((r) => setTimeout(r, 1000));
        resolve(err instanceof KubeError && err.code !== 410 && err.code !== 429 ? { err } : {});
      });
    });
    if (outcome.err) throw outcome.err;
    if (outcome.obj) return outcome.obj;
    if (Date.now() >= deadline) break;
  }
  void last;
  throw new WaitTimeoutError(`timeout: ${r.kind.toLowerCase()} '${name}' not ready after ${Math.round(timeoutMs / 1000)} seconds`);
}
