// kn plugins: executables named kn-<cmd>[-<sub>…] in the plugins dir and on PATH.
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface Plugin {
  name: string; // e.g. "source-kafka"
  path: string;
  words: string[]; // command words: ["source", "kafka"]
}

export function configDir(): string {
  const xdg = process.env.XDG_CONFIG_HOME;
  return join(xdg || join(homedir(), '.config'), 'kn');
}

export function defaultPluginsDir(): string {
  return join(configDir(), 'plugins');
}

function isExecutable(p: string): boolean {
  try {
    const s = statSync(p);
    if (!s.isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every plugin, the plugins dir first, then PATH in order; the first of a name wins. */
export function listPlugins(pluginsDir = defaultPluginsDir()): Plugin[] {
  const dirs = [pluginsDir, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
  const seen = new Map<string, Plugin>();
  for (const d of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      continue;
    }
    for (const f of entries) {
      if (!f.startsWith('kn-') || f.length <= 3) continue;
      const name = f.slice(3).replace(/\.(exe|bat|cmd)$/i, '');
      if (seen.has(name)) continue;
      const p = join(d, f);
      if (!isExecutable(p)) continue;
      seen.set(name, { name, path: p, words: name.split('-').map((w) => w.replace(/_/g, '-')) });
    }
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Most specific match first: kn source github create → kn-source-github-create, kn-source-github, kn-source. */
export function findPlugin(words: string[], pluginsDir?: string): { plugin: Plugin; consumed: number } | undefined {
  const candidates: string[] = [];
  for (const w of words) {
    if (w.startsWith('-') || w.includes('/') || w.includes('\\')) break;
    candidates.push(w.replace(/-/g, '_'));
  }
  if (!candidates.length) return undefined;
  const plugins = listPlugins(pluginsDir);
  const byName = new Map(plugins.map((p) => [p.name, p]));
  for (let n = candidates.length; n > 0; n--) {
    const p = byName.get(candidates.slice(0, n).join('-'));
    if (p) return { plugin: p, consumed: n };
  }
  return undefined;
}
