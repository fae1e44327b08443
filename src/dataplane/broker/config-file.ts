// The objects of a --config FILE (tests, benchmarks): a `.json` file is read with JSON.parse (one
// object, a List, or an array); anything else is YAML, through the `yaml` library, loaded only
// then: it costs the broker process about 13 MiB of RSS (docs/benchmarks.md "## Broker"), which a
// broker reading the cluster never needs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { KubeObject } from '../../api/meta.ts';

export function loadObjects(file: string): KubeObject[] {
  const text = readFileSync(file, 'utf8');
  let docs: unknown[];
  if (file.endsWith('.json')) {
    const v = JSON.parse(text) as unknown;
    docs = Array.isArray(v) ? v : [v];
  } else {
    const yaml = createRequire(import.meta.url)('yaml') as typeof Yaml;
    docs = yaml.parseAllDocuments(text).map((d) => d.toJSON() as unknown);
  }
  const objs = docs.filter((o): o is KubeObject => !!o && typeof o === 'object');
  return objs.flatMap((d) => (d.kind === 'List' ? ((d as { items?: KubeObject[] }).items ?? []) : [d]));
}
