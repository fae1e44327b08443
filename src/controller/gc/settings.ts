// The revision GC's view of config-gc, parsed by src/api/serving/config.ts.
import { GC_DISABLED, parseServingConfig } from '../../api/serving/config.ts';
import type { ConfigMaps } from '../networking/settings.ts';

/** config-gc; durations in ms, `undefined` = "disabled". */
export interface GCSettings {
  retainSinceCreateTimeMs: number | undefined;
  retainSinceLastActiveTimeMs: number | undefined;
  minNonActiveRevisions: number;
  maxNonActiveRevisions: number | undefined;
}

const orUndefined = (n: number): number | undefined => (n === GC_DISABLED ? undefined : n);

export function gcSettings(maps: ConfigMaps): GCSettings {
  const gc = parseServingConfig(maps).config.gc;
  return {
    retainSinceCreateTimeMs: orUndefined(gc.retainSinceCreateTimeMs),
    retainSinceLastActiveTimeMs: orUndefined(gc.retainSinceLastActiveTimeMs),
    minNonActiveRevisions: gc.minNonActiveRevisions,
    maxNonActiveRevisions: orUndefined(gc.maxNonActiveRevisions),
  };
}
