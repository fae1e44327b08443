// The direct runner: the hot read-only commands (the list commands) run without loading oclif.
// Loading @oclif/core, its Config (package.json reads, plugin scan) and the command class costs
// more than listing 500 objects itself (docs/adr/0010-cli-listing.md). oclif stays the command
// framework: the command classes in src/commands/ declare the flags, the manifest carries them,
// and every argv this parser does not find plainly valid — an unknown or repeated flag, a missing
// value, `--`, combined short flags — is handed to oclif unchanged, so the errors and edge cases
// stay exactly oclif's (and base.ts's). The command bodies are shared (CommandContext).
import type { CommandContext } from './context.ts';
import { formatError } from './errors.ts';
import type { ManifestCommand, ManifestFlag } from './manifest.ts';

type Body = (ctx: CommandContext, flags: never, argv: string[]) => Promise<void>;

/** Commands that may run directly, and where their bodies are. */
export const DIRECT_COMMANDS: Record<string, () => Promise<Body>> = {
  'service:list': async () => (await import('./serving/list-commands.ts')).serviceList,
  'revision:list': async () => (await import('./serving/list-commands.ts')).revisionList,
  'route:list': async () => (await import('./serving/list-commands.ts')).routeList,
  'domain:list': async () => (await import('./serving/list-commands.ts')).domainList,
};

export interface DirectParse {
  flags: Record<string, string | boolean | string[]>;
  argv: string[];
}

/**
 * Parses argv with the manifest's flag definitions (string and boolean flags), or returns
 * undefined when oclif should parse it instead. It accepts `--name value`, `--name=value`,
 * `-c value`, `-c`, `--flag`, `--flag=true`, `--no-flag` (allowNo), positional arguments; last
 * value wins for single-value flags as in base.ts.
 */
export function parseDirect(cmd: ManifestCommand, argv: string[]): DirectParse | undefined {
  const long = new Map<string, ManifestFlag>();
  const short = new Map<string, ManifestFlag>();
  for (const f of Object.values(cmd.flags)) {
    // Only plain string and boolean flags: anything with a parse function, a dependency rule or a
    // deprecation warning goes through oclif.
    const x = f as ManifestFlag & {
      required?: boolean;
      exclusive?: unknown[];
      dependsOn?: unknown[];
      relationships?: unknown[];
      env?: string;
      delimiter?: string;
      hasDynamicHelp?: boolean;
      noCacheDefault?: boolean;
    };
    if (x.required || x.exclusive?.length || x.dependsOn?.length || x.relationships?.length || x.env || x.deprecated) return undefined;
    // The manifest's default is not the value oclif would compute.
    if (x.delimiter || x.hasDynamicHelp || x.noCacheDefault) return undefined;
    if (f.type === 'option' && f.helpValue !== undefined && !/^(string|stringArray)$/.test(f.helpValue)) return undefined;
    long.set(f.name, f);
    if (f.char) short.set(f.char, f);
  }
  const flags: DirectParse['flags'] = {};
  const seenBool = new Set<string>();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) {
      args.push(a);
      continue;
    }
    let f: ManifestFlag | undefined;
    let value: string | undefined;
    let negated = false;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) value = a.slice(eq + 1);
      f = long.get(name);
      if (!f && name.startsWith('no-')) {
        const g = long.get(name.slice(3));
        if (g?.type === 'boolean' && g.allowNo) {
          f = g;
          negated = true;
        }
      }
    } else if (a.length === 2) {
      f = short.get(a[1]!);
    }
    if (!f) return undefined; // unknown flag, `--`, `-`, `-nvalue`, `-An`: oclif's parser decides
    if (f.type === 'boolean') {
      // Given twice (or --x with --no-x), or --x=false: base.ts and oclif have the words for it.
      if (seenBool.has(f.name)) return undefined;
      seenBool.add(f.name);
      if (value !== undefined && (negated || value !== 'true')) return undefined;
      flags[f.name] = !negated;
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('-')) return undefined;
    }
    if (f.options && !f.options.includes(value)) return undefined;
    if (f.multiple) ((flags[f.name] ??= []) as string[]).push(value);
    else flags[f.name] = value;
  }
  const declared = Object.values(cmd.args);
  if (cmd.strict !== false && args.length > declared.length) return undefined;
  if (declared.some((d, k) => d.required && args[k] === undefined)) return undefined;
  for (const f of long.values()) {
    if (flags[f.name] === undefined && f.default !== undefined) {
      if (typeof f.default !== 'string' && typeof f.default !== 'boolean') return undefined;
      flags[f.name] = f.default;
    }
  }
  return { flags, argv: args };
}

/**
 * Runs a command of DIRECT_COMMANDS without oclif; undefined when it is not one or its argv
 * needs oclif's parser. Errors are printed as the oclif path prints them (main.ts).
 */
let epipeHandled = false;

export async function runDirect(id: string, cmd: ManifestCommand, args: string[], version: string): Promise<number | undefined> {
  const load = DIRECT_COMMANDS[id];
  if (!load) return undefined;
  const parsed = parseDirect(cmd, args);
  if (!parsed) return undefined;
  // As oclif: a closed stdout (`kn service list | head -1`) is not an error.
  if (!epipeHandled) {
    epipeHandled = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  const path = `kn ${id.replace(/:/g, ' ')}`;
  const [body, { Session }] = await Promise.all([load(), import('./context.ts')]);
  const session = new Session(path, version);
  try {
    if (parsed.flags.config !== undefined) await (await import('./kn-config.ts')).checkKnConfigFile(String(parsed.flags.config));
    await body(session, parsed.flags as never, parsed.argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const { translateOclifError } = await import('./oclif-errors.ts');
    process.stderr.write(formatError(translateOclifError(err, path, cmd), !(err as { noHint?: boolean }).noHint));
    return 1;
  } finally {
    session.close();
  }
}
