// YAML inside ConfigMap values (config-domain selectors, config-br-defaults, default-ch-config), for
// the model's config parsers. The yaml library is loaded on the first value that needs it, not when
// these modules are imported: a controller whose ConfigMaps hold none never pays its ≈ 1 MiB of
// heap (docs/adr/0029-controller-memory.md).
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let lib: typeof Yaml | undefined;

/** yaml's parse(); throws on bad YAML as it does. */
export function parseYaml(text: string): unknown {
  lib ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return lib.parse(text);
}
