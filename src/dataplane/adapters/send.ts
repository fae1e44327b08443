// How the source adapters send an event (knative's adapter client on cloudevents/sdk-go): binary
// content mode, a fresh UUIDv4 id and the time set at send time, and sdk-go's retries — exponential
// backoff from 50 ms, 5 retries, on transport errors and 404/425/429/503/504 only. The encoding is
// the broker's (encodeBinary) and the schedule is the delivery code's (retryConfig, waitBefore).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { type RetryConfig, retryConfig, waitBefore } from '../../api/eventing/delivery.ts';
import { encodeBinary } from '../broker/event.ts';

/** ContextWithRetriesExponentialBackoff(ctx, 50*time.Millisecond, 5). */
export const ADAPTER_RETRY: RetryConfig = retryConfig({ retry: 5, backoffPolicy: 'exponential', backoffDelay: 'PT0.05S' });

/** sdk-go's isRetriable: a transport error (0), 404, 425, 429, 503, 504. */
export const sdkRetryable = (status: number): boolean => status <= 0 || status === 404 || status === 425 || status === 429 || status === 503 || status === 504;

export interface SendResult {
  /** The last status (0 for a transport error). */
  status: number;
  attempts: number;
  id: string;
  error?: string;
}

export interface SendOptions {
  retry?: RetryConfig;
  dispatcher?: Agent;
  /** Per-attempt timeout (ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const shared = new Agent({ keepAliveTimeout: 30_000, connections: 256 });

/** Sends one event; resolves with the outcome (never throws). */
export async function sendEvent(url: string, attrs: Record<string, string>, data: Buffer | undefined, o: SendOptions = {}): Promise<SendResult> {
  const retry = o.retry ?? ADAPTER_RETRY;
  const id = attrs.id ?? randomUUID();
  const { headers, body } = encodeBinary({ ...attrs, id, time: attrs.time ?? new Date().toISOString() }, data);
  let status: number;
  let error: string | undefined;
  let attempt = 0;
  for (;;) {
    attempt++;
    let retryAfter: string | undefined;
    try {
      const res = await request(url, {
        method: 'POST',
        headers,
        body: body ?? '',
        dispatcher: o.dispatcher ?? shared,
        headersTimeout: o.timeoutMs ?? 30_000,
        bodyTimeout: o.timeoutMs ?? 30_000,
        ...(o.signal ? { signal: o.signal } : {}),
      });
      status = res.statusCode;
      const ra = res.headers['retry-after'];
      retryAfter = Array.isArray(ra) ? ra[0] : ra;
      await res.body.dump();
      error = undefined;
    } catch (e) {
      status = 0;
      error = (e as Error).message;
    }
    if (status >= 200 && status < 300) return { status, attempts: attempt, id };
    if (attempt > retry.retry || !sdkRetryable(status) || o.signal?.aborted) return { status, attempts: attempt, id, ...(error ? { error } : {}) };
    await sleep(waitBefore(retry, attempt, status, retryAfter));
  }
}
