// The node flags the broker Deployment (manifests/420-broker.yaml) runs with: those in its
// container command before bin/control-plane.js (V8 flags NODE_OPTIONS may not carry) and those in
// NODE_OPTIONS. The benchmarks run the broker with them, so they measure what is deployed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export function brokerNodeFlags(repo) {
  for (const d of parseAllDocuments(readFileSync(join(repo, 'manifests/420-broker.yaml'), 'utf8'))) {
    const o = d.toJSON();
    if (o?.kind !== 'Deployment') continue;
    const c = o.spec.template.spec.containers[0];
    const cmd = c.command ?? [];
    const script = cmd.findIndex((a) => a.endsWith('control-plane.js'));
    const fromCommand = script > 0 ? cmd.slice(1, script) : [];
    const fromEnv = (c.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '').split(/\s+/).filter(Boolean);
    return [...fromCommand, ...fromEnv];
  }
  return [];
}
