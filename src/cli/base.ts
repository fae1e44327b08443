// The base of every kn command: global flags, the connection to the cluster (made lazily, so a
// command that fails validation never loads the Kubernetes client), namespace resolution and
// upstream's --X / --no-X rules.
import { Command } from '@oclif/core';
import type { KubeClient } from '../kube/client.ts';
import { type CommandContext, type GlobalFlagValues, type NamespaceFlagValues, Session } from './context.ts';
import type { UserError } from './errors.ts';
import { globalFlags } from './flags.ts';

export type { GlobalFlagValues } from './context.ts';

export abstract class KnCommand extends Command implements CommandContext {
  static override baseFlags = globalFlags;
  private sessionCache: Session | undefined;

  private get session(): Session {
    this.sessionCache ??= new Session(this.commandPath, this.config.version);
    return this.sessionCache;
  }

  /** "kn service create" */
  get commandPath(): string {
    return `kn ${this.id?.replace(/:/g, ' ') ?? ''}`.trim();
  }

  /** A one-line user error, printed as `Error: …` with the usage hint for this command. */
  userError(message: string): UserError {
    return this.session.userError(message);
  }

  override async init(): Promise<void> {
    this.checkBoolPairs();
    const { checkKnConfigFile, configFlagValue } = await import('./kn-config.ts');
    await checkKnConfigFile(configFlagValue(this.argv));
    await super.init();
  }

  /** Upstream's rules for --X / --no-X pairs. */
  private checkBoolPairs(): void {
    const ctor = this.constructor as typeof KnCommand;
    const flags = { ...ctor.baseFlags, ...ctor.flags } as Record<string, { type: string; allowNo?: boolean }>;
    for (const [name, f] of Object.entries(flags)) {
      if (f.type !== 'boolean') continue;
      const given = this.argv.find((a) => a.startsWith(`--${name}=`) || a.startsWith(`--no-${name}=`));
      const value = given?.slice(given.indexOf('=') + 1);
      if (given && value !== 'true' && !(value === 'false' && given.startsWith(`--${name}=`))) {
        throw this.userError(`invalid value ${JSON.stringify(value)} for --${name}: it is a switch; give --${name}${f.allowNo ? ` or --no-${name}` : ''} without a value`);
      }
    }
    for (const [name, f] of Object.entries(flags)) {
      if (f.type !== 'boolean' || !f.allowNo) continue;
      const pos = this.argv.includes(`--${name}`) || this.argv.some((a) => a.startsWith(`--${name}=`));
      const neg = this.argv.includes(`--no-${name}`);
      if (pos && neg) throw this.userError(`only one of --no-${name} and --${name} may be specified`);
      if (this.argv.some((a) => a === `--${name}=false`)) throw this.userError(`use --no-${name} instead of providing "false" to --${name}`);
    }
    // Accept --X=true as --X.
    this.argv = this.argv.map((a) => {
      const m = /^--([\w-]+)=true$/.exec(a);
      return m && flags[m[1]!]?.type === 'boolean' ? `--${m[1]}` : a;
    });
    this.argv = lastValueWins(this.argv, flags as Record<string, { type: string; multiple?: boolean; char?: string }>);
  }

  /** The cluster connection, made on first use. */
  async client(flags: GlobalFlagValues): Promise<KubeClient> {
    return this.session.client(flags);
  }

  /** -A gives '' (all namespaces); else -n; else the kubeconfig context's namespace. */
  async namespace(flags: NamespaceFlagValues): Promise<string> {
    return this.session.namespace(flags);
  }

  protected override async finally(err: Error | undefined): Promise<void> {
    this.sessionCache?.close();
    await super.finally(err);
  }
}

/**
 * pflag keeps the last value of a single-value flag given twice (`--image a --image b` → b);
 * oclif refuses. Drop the earlier occurrences so kn behaves like upstream.
 */
export function lastValueWins(argv: string[], flags: Record<string, { type: string; multiple?: boolean; char?: string }>): string[] {
  const single = new Map<string, string>(); // spelling → flag name
  for (const [name, f] of Object.entries(flags)) {
    if (f.type !== 'option' || f.multiple) continue;
    single.set(`--${name}`, name);
    if (f.char) single.set(`-${f.char}`, name);
  }
  // Positions of each occurrence: [index, width] (2 for "--x v", 1 for "--x=v").
  const seen = new Map<string, [number, number][]>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    const eq = a.indexOf('=');
    const spelling = eq > 0 ? a.slice(0, eq) : a;
    const name = single.get(spelling);
    if (!name) continue;
    const width = eq > 0 ? 1 : 2;
    seen.set(name, [...(seen.get(name) ?? []), [i, width]]);
    i += width - 1;
  }
  const drop = new Set<number>();
  for (const occ of seen.values()) {
    for (const [i, w] of occ.slice(0, -1)) for (let k = 0; k < w; k++) drop.add(i + k);
  }
  return drop.size ? argv.filter((_, i) => !drop.has(i)) : argv;
}
