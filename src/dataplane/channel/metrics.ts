// The InMemoryChannel dispatcher's counters on the broker's /metrics, beside the broker's own:
// kn_ts_channel_events_<stat>_total, kn_ts_channel_pending_deliveries, kn_ts_channel_held_bytes.
import type { Engine } from '../broker/dispatcher.ts';

export function channelMetricLines(engine: Engine): string[] {
  const lines = Object.entries(engine.stats).map(([k, v]) => `kn_ts_channel_events_${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_total ${v}`);
  lines.push(`kn_ts_channel_pending_deliveries ${engine.pending}`, `kn_ts_channel_held_bytes ${engine.bytes}`);
  return lines;
}
