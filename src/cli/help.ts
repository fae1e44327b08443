// kn-style help (root, group and command), rendered from oclif.manifest.json alone, so that
// `--help` never loads oclif or any command module.
import { availableGroups, GROUPS, SECTIONS } from './groups.ts';
import { GLOBAL_FLAG_NAMES, GLOBAL_FLAGS } from './global-flags.ts';
import { childrenOf, type Manifest, type ManifestCommand, type ManifestFlag } from './manifest.ts';
import type { Plugin } from './plugins.ts';

const FOOTER_CMD = 'Use "kn <command> --help" for more information about a given command.';
const FOOTER_OPTIONS = 'Use "kn options" for a list of global command-line options (applies to all commands).';

// The layout is upstream kn's help template (cobra + pflag): sections separated by a blank line,
// a second blank line where upstream's (empty) plugin section sits, command names padded to
// cobra's minimum of 11, flags in pflag's columns with `--no-X` listed as flags of their own.

function pad(rows: [string, string][], indent = '  '): string[] {
  const w = Math.max(...rows.map((r) => r[0].length), 0);
  // pflag indents the continuation lines of a multi-line usage to the usage column.
  return rows.map(([a, b]) => `${indent}${a.padEnd(w)}   ${b.replace(/\n/g, `\n${' '.repeat(indent.length + w + 3)}`)}`.trimEnd());
}

/** cobra's command list: names padded to the longest (at least 11), one space, the summary. */
function commandRows(rows: [string, string][], width = 0): string[] {
  const w = Math.max(11, width, ...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `  ${a.padEnd(w)} ${b}`);
}

export function rootHelp(m: Manifest, plugins: Plugin[]): string {
  const out = [
    'kn is the command line interface for managing Knative Serving and Eventing resources',
    '',
    'Find more information about Knative at: https://knative.dev',
    '',
  ];
  // Only the groups this build has commands for: a listed group works. The names are padded as
  // upstream pads them, over all of kn's groups.
  const groups = availableGroups(childrenOf(m, ''));
  const width = Math.max(...GROUPS.map((g) => g.name.length));
  for (const section of SECTIONS) {
    const rows: [string, string][] = groups.filter((g) => g.section === section).map((g) => [g.name, g.summary]);
    if (!rows.length) continue;
    out.push(`${section}:`, ...commandRows(rows, width), '');
  }
  out.push('');
  if (plugins.length) {
    out.push('Plugins:', ...pad(plugins.map((p) => [p.words.join(' '), p.path])), '', '');
  }
  out.push(FOOTER_CMD, FOOTER_OPTIONS);
  return out.join('\n') + '\n';
}

export function groupHelp(m: Manifest, topic: string): string {
  const words = topic.split(':');
  const group = GROUPS.find((g) => g.name === words[0]);
  const own = m.commands[topic];
  const summary = (words.length === 1 ? group?.summary : undefined) ?? own?.summary ?? topicSummary(m, topic);
  const out = [words.length === 1 && group?.description ? group.description : summary, '', 'Usage:', `  kn ${words.length === 1 && group?.use ? group.use : words.join(' ')} [options]`, ''];
  // cobra's template writes "Aliases: " with a trailing space.
  if (words.length === 1 && group?.aliases.length) out.push('Aliases: ', `  ${[group.name, ...group.aliases].join(', ')}`, '');
  const rows: [string, string][] = childrenOf(m, topic).map((c) => {
    const id = `${topic}:${c}`;
    return [c, m.commands[id]?.summary ?? topicSummary(m, id)];
  });
  out.push('Available Commands:', ...commandRows(rows), '', '', FOOTER_CMD, FOOTER_OPTIONS);
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

/** Flags whose `--no-X` is kn-ts's own addition (upstream has only `--X`): not listed. */
const UNLISTED_NEGATIONS = new Set(['allow-missing-template-keys', 'log-http']);

const withDefault = (desc: string, def: unknown): string =>
  def !== undefined && def !== false && def !== '' && !(Array.isArray(def) && !def.length) ? `${desc} (default ${typeof def === 'string' ? `"${def}"` : JSON.stringify(def)})` : desc;

export function flagRows(flags: ManifestFlag[]): string[] {
  // upstream's --X/--no-X pairs are two pflag flags: `--no-X` says "Do not …" and defaults to !X.
  const all: { name: string; char?: string; type: string; desc: string }[] = [];
  for (const f of flags) {
    const summary = f.summary ?? f.description ?? '';
    all.push({ name: f.name, char: f.char, type: flagType(f), desc: withDefault(summary, f.default) });
    if (f.type === 'boolean' && f.allowNo && !UNLISTED_NEGATIONS.has(f.name)) {
      all.push({ name: `no-${f.name}`, type: '', desc: withDefault(`Do not ${summary.charAt(0).toLowerCase()}${summary.slice(1)}`, f.default !== true) });
    }
  }
  const rows: [string, string][] = all
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => [`${f.char ? `-${f.char}, ` : '    '}--${f.name}${f.type ? ` ${f.type}` : ''}`, f.desc]);
  return pad(rows);
}

export function commandHelp(c: ManifestCommand): string {
  const words = c.id.split(':');
  const usage = Array.isArray(c.usage) ? c.usage : c.usage ? [c.usage] : [defaultUsage(c)];
  // cobra's useLine: every kn command has flags, so "[options]" is appended when missing.
  const out = [(c.description ?? c.summary ?? '').trim(), '', 'Usage:', ...usage.map((u) => `  kn ${u.includes('[options]') ? u : `${u} [options]`}`), ''];
  const aliases = (c.aliases ?? []).map((a) => a.split(':').pop());
  if (aliases.length) out.push('Aliases: ', `  ${[words.at(-1), ...aliases].join(', ')}`, '');
  if (c.examples?.length) {
    out.push('Examples:', '');
    for (const e of c.examples) {
      const text = typeof e === 'string' ? e : `${e.description}\n${e.command}`;
      for (const l of text.replace(/<%= config.bin %>/g, 'kn').split('\n')) {
        // Examples are separated by a blank line: before a comment that follows a command.
        const prev = out.at(-1) ?? '';
        if (l.startsWith('#') && prev !== '' && !prev.trimStart().startsWith('#')) out.push('');
        out.push(l ? `  ${l}` : '');
      }
    }
    out.push('');
  }
  out.push('');
  const flags = Object.values(c.flags ?? {}).filter((f) => !f.hidden && !GLOBAL_FLAG_NAMES.has(f.name));
  if (flags.length) out.push('Options:', ...flagRows(flags), '');
  out.push(FOOTER_OPTIONS);
  return out.join('\n') + '\n';
}

function defaultUsage(c: ManifestCommand): string {
  // upstream's Use names required arguments only.
  const args = Object.values(c.args ?? {})
    .filter((a) => a.required)
    .map((a) => a.name.toUpperCase())
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
