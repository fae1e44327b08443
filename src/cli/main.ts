// The kn entry point. Everything that can be answered from oclif.manifest.json (help, aliases,
// typos, plugin dispatch, `version --client`) is answered here without loading oclif or any
// Kubernetes code; everything else goes to oclif, which loads just the one command module.
import type * as OclifNS from '@oclif/core';
import type * as ChildProcessNS from 'node:child_process';
import { createRequire } from 'node:module';
import { runDirect } from './direct.ts';
import { formatError, suggest, UserError } from './errors.ts';
import { GLOBAL_FLAGS } from './global-flags.ts';
import { availableGroups, canonicalGroup } from './groups.ts';
import { commandHelp, groupHelp, optionsHelp, rootHelp } from './help.ts';
import { childrenOf, commandIndex, isTopic, loadManifest, ROOT } from './manifest.ts';
import { defaultPluginsDir, findPlugin, listPlugins } from './plugins.ts';

type OclifCore = typeof OclifNS;

const write = (s: string) => process.stdout.write(s);
const fail = (msg: string, hint = true): number => {
  process.stderr.write(formatError(new UserError(msg), hint));
  return 1;
};

export interface Normalized {
  words: string[]; // command words, aliases resolved
  rest: string[]; // everything after the command words
  globals: string[]; // global flags found before the command words
  help: boolean;
  pluginsDir?: string;
  /** A global flag that needs a value was the last word (`kn --kubeconfig`). */
  missingValue?: string;
}

const globalSpec = new Map(GLOBAL_FLAGS.map((f) => [f.name, f]));

/** Moves global flags typed before the command to the end and resolves group aliases. */
export function normalize(argv: string[]): Normalized {
  const globals: string[] = [];
  const words: string[] = [];
  let i = 0;
  let help = false;
  let pluginsDir: string | undefined;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      help = true;
      continue;
    }
    if (a.startsWith('--')) {
      const [n, v] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const spec = globalSpec.get(n.replace(/^no-/, ''));
      if (!spec) break;
      if (spec.type === 'bool' || v !== undefined) {
        globals.push(a);
        if (n === 'plugins-dir') pluginsDir = v;
      } else {
        if (argv[i + 1] === undefined) return { words: [], rest: [], globals, help, pluginsDir, missingValue: n };
        globals.push(a, argv[i + 1]!);
        if (n === 'plugins-dir') pluginsDir = argv[i + 1];
        i++;
      }
      continue;
    }
    if (a.startsWith('-')) break;
    if (!words.length) words.push(canonicalGroup(a));
    else break;
  }
  // Further command words: everything up to the first flag.
  let rest = argv.slice(i);
  while (rest.length && !rest[0]!.startsWith('-') && words.length) {
    words.push(rest[0]!);
    rest = rest.slice(1);
  }
  if (rest.includes('--help') || rest.includes('-h')) help = true;
  return { words, rest, globals, help, pluginsDir };
}

/** How the last main() ran: bin/run.js exits at once after a direct run (nothing is left to wait for). */
export const runState = { direct: false };

export async function main(argv: string[]): Promise<number> {
  const m = loadManifest();
  if (argv[0] === '__complete') {
    const { complete } = await import('./completion.ts');
    write(complete(m, argv.slice(1)).join('\n') + '\n');
    return 0;
  }
  const idx = commandIndex(m);
  const n = normalize(argv);
  const pluginsDir = n.pluginsDir ?? defaultPluginsDir();

  if (n.missingValue) return fail(`flag needs an argument: --${n.missingValue}; give it a value (e.g. kn --${n.missingValue} VALUE service list)`);
  if (!n.words.length) {
    if (n.help || !argv.length) {
      write(rootHelp(m, listPlugins(pluginsDir)));
      return 0;
    }
    return fail(`unknown flag: ${argv[0]} for 'kn'`);
  }
  if (n.words[0] === 'help') {
    n.words.shift();
    n.help = true;
    if (!n.words.length) {
      write(rootHelp(m, listPlugins(pluginsDir)));
      return 0;
    }
    n.words[0] = canonicalGroup(n.words[0]!);
  }
  if (n.words[0] === 'options' && n.words.length === 1) {
    write(optionsHelp());
    return 0;
  }

  // Longest command id among the words; the words after it are positional arguments.
  let id: string | undefined;
  let used = 0;
  for (let k = n.words.length; k > 0; k--) {
    const found = idx.get(n.words.slice(0, k).join(':'));
    if (found) {
      id = found;
      used = k;
      break;
    }
  }
  // A deeper topic wins over a shorter command (kn source ping vs a plain `kn source`).
  let topic = '';
  for (let k = n.words.length; k > 0; k--) {
    const t = n.words.slice(0, k).join(':');
    if (isTopic(m, t)) {
      topic = t;
      break;
    }
  }
  if (topic && topic.split(':').length > used) {
    const depth = topic.split(':').length;
    const next = n.words[depth];
    if (next === undefined) {
      if (n.help) {
        write(groupHelp(m, topic));
        return 0;
      }
      const subs = childrenOf(m, topic).join(', ');
      return fail(`no sub-command given for 'kn ${topic.replace(/:/g, ' ')}'. Available sub-commands: ${subs}`);
    } else {
      const plugin = findPlugin(n.words, pluginsDir);
      if (plugin && plugin.consumed > depth) return runPlugin(plugin.plugin.path, [...n.words.slice(plugin.consumed), ...n.rest, ...n.globals]);
      const subs = childrenOf(m, topic);
      return fail(
        `unknown sub-command '${next}' for 'kn ${topic.replace(/:/g, ' ')}'. Available sub-commands: ${subs.join(', ')}`,
      );
    }
  }

  if (!id) {
    const plugin = findPlugin(n.words, pluginsDir);
    if (plugin) return runPlugin(plugin.plugin.path, [...n.words.slice(plugin.consumed), ...n.rest, ...n.globals]);
    const top = [...new Set([...childrenOf(m, ''), ...availableGroups(childrenOf(m, '')).flatMap((g) => g.aliases)])];
    const hints = [...new Set(suggest(n.words[0]!, top).map(canonicalGroup))];
    process.stderr.write(
      `Error: unknown command "${n.words[0]}" for "kn"` +
        (hints.length ? `\n\nDid you mean this?\n\t${hints.join('\n\t')}\n\n` : '\n') +
        `Run 'kn --help' for usage\n`,
    );
    return 1;
  }

  const cmd = m.commands[id]!;
  const path = `kn ${id.replace(/:/g, ' ')}`;
  if (n.help) {
    write(commandHelp(cmd));
    return 0;
  }
  const args = [...n.words.slice(used), ...n.rest, ...n.globals];

  // Fast path: the client version needs nothing but the build info.
  if (id === 'version' && (args.includes('--client') || args.includes('--client=true'))) {
    const { versionFastPath } = await import('./version.ts');
    const r = versionFastPath(args);
    if (r !== undefined) return r;
  }

  // The list commands run without oclif when their argv is plain (direct.ts).
  const direct = await runDirect(id, cmd, args, m.version);
  if (direct !== undefined) {
    runState.direct = true;
    return direct;
  }

  // Plugins may not shadow built-in leaf commands; they are dispatched only when nothing matched.
  // @oclif/core is CommonJS: bundled, its exports arrive as the default export.
  const oclif = (await import('@oclif/core')) as Partial<OclifCore> & { default?: OclifCore };
  const { run, flush } = (oclif.run ? oclif : oclif.default!) as OclifCore;
  try {
    await run([...id.split(':'), ...args], { root: ROOT } as never);
    await flush();
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const e = err as { oclif?: { exit?: number }; code?: string; message?: string };
    if (e?.code === 'EEXIT' || (e?.oclif?.exit !== undefined && !e.message?.trim())) return e.oclif?.exit ?? 0;
    const { translateOclifError } = await import('./oclif-errors.ts');
    process.stderr.write(formatError(translateOclifError(err, path, cmd), !(err as { noHint?: boolean }).noHint));
    return 1;
  }
}

function runPlugin(path: string, args: string[]): number {
  // Required here: loading child_process (with net and dgram) is a cost only plugins need.
  const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof ChildProcessNS;
  const r = spawnSync(path, args, { stdio: 'inherit' });
  if (r.error) return fail(String(r.error.message), false);
  return r.status ?? 1;
}
