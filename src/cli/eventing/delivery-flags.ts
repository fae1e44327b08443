// The delivery flags of `kn broker create|update` (upstream's pkg/commands/flags/delivery.go):
// --dl-sink, --retry, --timeout, --backoff-policy, --backoff-delay, --retry-after-max. Pure.
import { parseIsoDuration } from '../../api/eventing/delivery.ts';
import { type ParsedSink, parseSink, sinkDestination } from '../../api/eventing/sink.ts';
import type { DeliverySpec } from '../../api/eventing/types.ts';

export interface DeliveryFlagValues {
  'dl-sink'?: string;
  retry?: number;
  timeout?: string;
  'backoff-policy'?: string;
  'backoff-delay'?: string;
  'retry-after-max'?: string;
}

export const DELIVERY_FLAG_NAMES = ['dl-sink', 'retry', 'timeout', 'backoff-policy', 'backoff-delay', 'retry-after-max'] as const;

export const anyDeliveryFlag = (f: DeliveryFlagValues): boolean => DELIVERY_FLAG_NAMES.some((n) => f[n] !== undefined);

/** The DeliverySpec the flags describe, merged over `base`; throws Error with a one-line message. */
export function deliveryFromFlags(f: DeliveryFlagValues, namespace: string, base: DeliverySpec = {}): { delivery: DeliverySpec; dlSink?: ParsedSink } {
  const d: DeliverySpec = { ...base };
  let dlSink: ParsedSink | undefined;
  if (f['dl-sink'] !== undefined) {
    dlSink = parseSink(f['dl-sink'], namespace);
    d.deadLetterSink = sinkDestination(dlSink, namespace);
  }
  if (f.retry !== undefined) {
    if (f.retry < 0) throw new Error(`invalid value for --retry: ${f.retry}: must not be negative`);
    d.retry = f.retry;
  }
  const iso = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (parseIsoDuration(v) === undefined) throw new Error(`invalid value for --${name}: ${JSON.stringify(v)} is not an ISO 8601 duration (e.g. PT10S, PT0.2S)`);
    return v;
  };
  const timeout = iso('timeout', f.timeout);
  if (timeout !== undefined) d.timeout = timeout;
  if (f['backoff-policy'] !== undefined) {
    if (f['backoff-policy'] !== 'linear' && f['backoff-policy'] !== 'exponential') throw new Error(`invalid value for --backoff-policy: ${JSON.stringify(f['backoff-policy'])}: must be linear or exponential`);
    d.backoffPolicy = f['backoff-policy'];
  }
  const delay = iso('backoff-delay', f['backoff-delay']);
  if (delay !== undefined) d.backoffDelay = delay;
  const ram = iso('retry-after-max', f['retry-after-max']);
  if (ram !== undefined) d.retryAfterMax = ram;
  return { delivery: d, ...(dlSink ? { dlSink } : {}) };
}
