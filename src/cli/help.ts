// kn-style help (root, group and command), rendered from oclif.manifest.json alone, so that
// `--help` never loads oclif or any command module.
import { availableGroups, GROUPS, SECTIONS } from './groups.ts';
import { GLOBAL_FLAG_NAMES, GLOBAL_FLAGS } from './global-flags.ts';
import { childrenOf, type Manifest, type ManifestCommand, type ManifestFlag } from './manifest.ts';
import type { Plugin } from './plugins.ts';

const FOOTER_CMD = 'Use "kn <command> --help" for more information about a given command.';
const FOOTER_OPTIONS = 'Use "kn options" for a list of global command-line options (applies to all commands).';

function pad(rows: [string, string][], indent = '  '): string[] {
  const w = Math.max(...rows.map((r) => r[0].length), 0);
  return rows.map(([a, b]) => `${indent}${a.padEnd(w)}   ${b}`.trimEnd());
}

export function rootHelp(m: Manifest, plugins: Plugin[]): string {
  const out = [
    'kn is the command line interface for managing Knative Serving and Eventing resources',
    '',
    ' Find more information about Knative at: https://knative.dev',
    '',
  ];
  // Only the groups this build has commands for: a listed group works.
  const groups = availableGroups(childrenOf(m, ''));
  for (const section of SECTIONS) {
    const rows: [string, string][] = groups.filter((g) => g.section === section).map((g) => [g.name, g.summary]);
    if (!rows.length) continue;
    out.push(`${section}:`, ...pad(rows), '');
  }
  if (plugins.length) {
    out.push('Plugins:', ...pad(plugins.map((p) => [p.words.join(' '), p.path])), '');
  }
  out.push(FOOTER_CMD, FOOTER_OPTIONS);
  return out.join('\n') + '\n';
}

export function groupHelp(m: Manifest, topic: string): string {
  const words = topic.split(':');
  const group = GROUPS.find((g) => g.name === words[0]);
  const own = m.commands[topic];
  const summary = (words.length === 1 ? group?.summary : undefined) ?? own?.summary ?? topicSummary(m, topic);
  const out = [summary, '', 'Usage:', `  kn ${words.join(' ')} COMMAND`, ''];
  if (words.length === 1 && group?.aliases.length) out.push('Aliases:', `  ${[group.name, ...group.aliases].join(', ')}`, '');
  const rows: [string, string][] = childrenOf(m, topic).map((c) => {
    const id = `${topic}:${c}`;
    return [c, m.commands[id]?.summary ?? topicSummary(m, id)];
  });
  out.push('Available Commands:', ...pad(rows), '', FOOTER_CMD, FOOTER_OPTIONS);
  return out.join('\n') + '\n';
}

function topicSummary(m: Manifest, topic: string): string {
  const t = (m as Manifest & { topics?: Record<string, { description?: string }> }).topics?.[topic];
  return t?.description ?? '';
}

export function flagType(f: ManifestFlag): string {
  if (f.type === 'boolean') return '';
  if (f.helpValue) return f.helpValue;
  return f.multiple ? 'stringArray' : 'string';
}

export function flagRows(flags: ManifestFlag[]): string[] {
  const rows: [string, string][] = [];
  for (const f of flags.sort((a, b) => a.name.localeCompare(b.name))) {
    const short = f.char ? `-${f.char}, ` : '    ';
    const t = flagType(f);
    const left = `${short}--${f.name}${t ? ` ${t}` : ''}`;
    let desc = (f.summary ?? f.description ?? '').replace(/\n/g, ' ');
    if (f.default !== undefined && f.default !== false && f.default !== '' && !(Array.isArray(f.default) && !f.default.length)) {
      desc += ` (default ${typeof f.default === 'string' ? `"${f.default}"` : JSON.stringify(f.default)})`;
    }
    rows.push([left, desc]);
    if (f.type === 'boolean' && f.allowNo) rows.push([`    --no-${f.name}`, `Negates --${f.name}.`]);
  }
  return pad(rows);
}

export function commandHelp(c: ManifestCommand): string {
  const words = c.id.split(':');
  const usage = Array.isArray(c.usage) ? c.usage : c.usage ? [c.usage] : [defaultUsage(c)];
  const out = [c.description ?? c.summary ?? '', '', 'Usage:', ...usage.map((u) => `  kn ${u}`), ''];
  const aliases = (c.aliases ?? []).map((a) => a.split(':').pop());
  if (aliases.length) out.push('Aliases:', `  ${[words.at(-1), ...aliases].join(', ')}`, '');
  if (c.examples?.length) {
    out.push('Examples:');
    for (const e of c.examples) {
      const text = typeof e === 'string' ? e : `${e.description}\n${e.command}`;
      out.push(...text.replace(/<%= config.bin %>/g, 'kn').split('\n').map((l) => (l ? `  ${l}` : '')));
    }
    out.push('');
  }
  const flags = Object.values(c.flags ?? {}).filter((f) => !f.hidden && !GLOBAL_FLAG_NAMES.has(f.name));
  if (flags.length) out.push('Options:', ...flagRows(flags), '');
  out.push(FOOTER_OPTIONS);
  return out.join('\n') + '\n';
}

function defaultUsage(c: ManifestCommand): string {
  const args = Object.values(c.args ?? {})
    .map((a) => (a.required ? a.name.toUpperCase() : `[${a.name.toUpperCase()}]`))
    .join(' ');
  return `${c.id.replace(/:/g, ' ')}${args ? ` ${args}` : ''} [options]`;
}

export function optionsHelp(): string {
  const flags: ManifestFlag[] = GLOBAL_FLAGS.filter((f) => !f.hidden).map((f) => ({
    name: f.name,
    type: f.type === 'bool' ? 'boolean' : 'option',
    summary: f.description,
    helpValue: f.type === 'bool' ? undefined : f.type,
  }));
  flags.push({ name: 'help', char: 'h', type: 'boolean', summary: 'help for kn' });
  return ['The following options can be passed to any command:', '', ...flagRows(flags), ''].join('\n');
}
