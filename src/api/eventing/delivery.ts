// Delivery semantics of upstream's dispatcher (pkg/kncloudevents/retries.go, event_dispatcher.go):
// ISO-8601 durations, the retry schedule, which answers are retried, and the dead-letter
// extensions. Pure.
import type { DeliverySpec } from './types.ts';

const NUM = '(\\d+(?:[.,]\\d+)?)';
const PERIOD = new RegExp(`^([-+]?)P(?:${NUM}Y)?(?:${NUM}M)?(?:${NUM}W)?(?:${NUM}D)?(?:T(?:${NUM}H)?(?:${NUM}M)?(?:${NUM}S)?)?$`);
const MS = [365.2425 * 86_400_000, 30.436875 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000];

/** Milliseconds of an ISO-8601 duration ("PT0.2S", "P1D", "-PT1S"); undefined when it is not one. */
export function parseIsoDuration(s: string): number | undefined {
  const m = PERIOD.exec(s.trim());
  if (!m || s.trim().endsWith('T')) return undefined;
  const parts = m.slice(2);
  if (parts.every((p) => p === undefined)) return undefined;
  let ms = 0;
  parts.forEach((p, i) => {
    if (p !== undefined) ms += Number(p.replace(',', '.')) * MS[i]!;
  });
  return m[1] === '-' ? -ms : ms;
}

/** The validation errors of a DeliverySpec (delivery_types.go Validate), as field → message. */
export function deliveryErrors(d: DeliverySpec | undefined, features: { retryAfter?: boolean; timeout?: boolean } = {}): string[] {
  if (!d) return [];
  const errs: string[] = [];
  if (d.retry !== undefined && d.retry < 0) errs.push(`invalid value: ${d.retry}: retry`);
  if (d.backoffPolicy !== undefined && d.backoffPolicy !== 'linear' && d.backoffPolicy !== 'exponential') errs.push(`invalid value: ${String(d.backoffPolicy)}: backoffPolicy`);
  if (d.backoffDelay !== undefined && parseIsoDuration(d.backoffDelay) === undefined) errs.push(`invalid value: ${d.backoffDelay}: backoffDelay`);
  if (d.timeout !== undefined) {
    const t = parseIsoDuration(d.timeout);
    if (features.timeout === false) errs.push('disallowed field: timeout');
    else if (t === undefined || t <= 0) errs.push(`invalid value: ${d.timeout}: timeout`);
  }
  if (d.retryAfterMax !== undefined) {
    const t = parseIsoDuration(d.retryAfterMax);
    if (features.retryAfter === false) errs.push('disallowed field: retryAfterMax');
    else if (t === undefined || t < 0) errs.push(`invalid value: ${d.retryAfterMax}: retryAfterMax`);
  }
  return errs;
}

export interface RetryConfig {
  /** Additional attempts after the first. */
  retry: number;
  /** Wait before retry k (1-based). */
  backoff(k: number): number;
  /** Per-attempt timeout in ms, 0 for none. */
  timeoutMs: number;
  /** Cap on a Retry-After wait (0: Retry-After ignored). */
  retryAfterMaxMs: number;
}

/**
 * The retry config of a DeliverySpec, as upstream's runtime computes it (RetryConfigFromDeliverySpec
 * through go-retryablehttp, 0-based attempt index): exponential waits delay·2^(k-1), linear waits
 * delay·(k-1) (the first linear retry is immediate). Without both policy and delay the retries do
 * not wait. No spec: one attempt.
 */
export function retryConfig(d: DeliverySpec | undefined): RetryConfig {
  const delay = d?.backoffDelay !== undefined ? (parseIsoDuration(d.backoffDelay) ?? 0) : undefined;
  const policy = d?.backoffPolicy;
  const backoff = (k: number): number => {
    if (delay === undefined || policy === undefined) return 0;
    return policy === 'exponential' ? delay * 2 ** (k - 1) : delay * (k - 1);
  };
  return {
    retry: Math.max(0, d?.retry ?? 0),
    backoff,
    timeoutMs: d?.timeout ? Math.max(0, parseIsoDuration(d.timeout) ?? 0) : 0,
    retryAfterMaxMs: d?.retryAfterMax ? Math.max(0, parseIsoDuration(d.retryAfterMax) ?? 0) : 0,
  };
}

/** The waits before each retry of a config, in order (for tests and `kn trigger describe`). */
export function schedule(c: RetryConfig): number[] {
  return Array.from({ length: c.retry }, (_, i) => c.backoff(i + 1));
}

/** SelectiveRetry: transport errors (status 0 or -1), 5xx, 404, 408, 409 and 429 are retried. */
export function retryable(status: number): boolean {
  return status <= 0 || status >= 500 || status === 404 || status === 408 || status === 409 || status === 429;
}

/** Milliseconds of a Retry-After header (delta-seconds or an HTTP date), undefined when absent or bad. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** The wait before retry k given the answer: Retry-After (429/503, when enabled) lifts the backoff up to its cap. */
export function waitBefore(c: RetryConfig, k: number, status: number, retryAfter: string | undefined, now = Date.now()): number {
  const b = c.backoff(k);
  if (c.retryAfterMaxMs > 0 && (status === 429 || status === 503)) {
    const ra = retryAfterMs(retryAfter, now);
    if (ra !== undefined) return Math.max(b, Math.min(ra, c.retryAfterMaxMs));
  }
  return b;
}

/** knativeerrordata: base64 of the failing answer's body, cut to 1024 characters. */
export function errorData(body: Uint8Array | string): string {
  return Buffer.from(body).toString('base64').slice(0, 1024);
}

/** The dead-letter extensions upstream adds (attributes/knative_error.go). */
export function deadLetterExtensions(dest: string, code: number, body: Uint8Array | string): Record<string, string | number> {
  return { knativeerrordest: dest, knativeerrorcode: code, knativeerrordata: errorData(body) };
}

/** The effective delivery of a trigger: its own spec fully overrides the broker's. */
export function effectiveDelivery(trigger: DeliverySpec | undefined, broker: DeliverySpec | undefined): DeliverySpec | undefined {
  return trigger ?? broker;
}
