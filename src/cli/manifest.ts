// Reads oclif.manifest.json: the command tree, flags and help text of every command, without
// loading a single command module. The root help, group help, leaf help, alias resolution,
// "did you mean" and completion all work from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../kube/paths.ts';

export interface ManifestFlag {
  name: string;
  char?: string;
  type: 'boolean' | 'option';
  summary?: string;
  description?: string;
  helpValue?: string;
  hidden?: boolean;
  multiple?: boolean;
  allowNo?: boolean;
  default?: unknown;
  options?: string[];
  helpGroup?: string;
  deprecated?: unknown;
  aliases?: string[];
}

export interface ManifestCommand {
  id: string;
  summary?: string;
  description?: string;
  usage?: string | string[];
  examples?: (string | { command: string; description: string })[];
  aliases: string[];
  hidden?: boolean;
  flags: Record<string, ManifestFlag>;
  args: Record<string, { name: string; description?: string; required?: boolean }>;
  strict?: boolean;
}

export interface Manifest {
  version: string;
  commands: Record<string, ManifestCommand>;
}

export const ROOT = packageRoot();

let cached: Manifest | undefined;
export function loadManifest(): Manifest {
  cached ??= JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as Manifest;
  return cached;
}

/** id or alias (with ':' separators) → canonical id */
export function commandIndex(m: Manifest): Map<string, string> {
  const idx = new Map<string, string>();
  for (const c of Object.values(m.commands)) {
    idx.set(c.id, c.id);
    for (const a of c.aliases ?? []) if (!idx.has(a)) idx.set(a, c.id);
  }
  return idx;
}

/** Direct children of a topic ('' for the root): names of subtopics and commands. */
export function childrenOf(m: Manifest, topic: string): string[] {
  const prefix = topic ? `${topic}:` : '';
  const out = new Set<string>();
  for (const c of Object.values(m.commands)) {
    if (c.hidden || !c.id.startsWith(prefix)) continue;
    const rest = c.id.slice(prefix.length);
    if (rest) out.add(rest.split(':')[0]!);
  }
  return [...out].sort();
}

export function isTopic(m: Manifest, id: string): boolean {
  const prefix = `${id}:`;
  return Object.keys(m.commands).some((k) => k.startsWith(prefix));
}
