// Turns oclif's parser errors into kn's (cobra's) wording: one line, ending in " for 'kn …'".
import type { ManifestCommand } from './manifest.ts';

export function translateOclifError(err: unknown, path: string, cmd: ManifestCommand): Error {
  const e = err as Error & { name?: string };
  const msg = String(e?.message ?? err);
  let m: RegExpExecArray | null;
  if ((m = /Nonexistent flags?: (.+?)(\n|$)/.exec(msg))) {
    return new Error(`unknown flag: ${m[1]!.split(',')[0]!.trim()} for '${path}'`);
  }
  if ((m = /Unexpected arguments?: (.+?)(\n|$)/.exec(msg))) {
    return new Error(`unexpected argument${m[1]!.includes(',') ? 's' : ''} ${m[1]!.trim()} for '${path}'`);
  }
  if ((m = /Missing required flag:?\s*\n?\s*-*([\w-]+)/.exec(msg)) || (m = /Missing required flag ([\w-]+)/.exec(msg))) {
    // cobra checks required flags after parsing: its error carries no command path.
    return new Error(`required flag(s) "${m[1]}" not set`);
  }
  if ((m = /Missing (\d+ )?required args?:?\s*\n?\s*([\w-]+)/.exec(msg))) {
    const arg = cmd.args[m[2]!];
    return new Error(`'${path}' requires the ${(arg?.name ?? m[2]!).toLowerCase()} as single argument`);
  }
  if ((m = /Flag --([\w-]+) expects a value/.exec(msg))) {
    return new Error(`flag needs an argument: --${m[1]} for '${path}'`);
  }
  if ((m = /Expected --([\w-]+)=(.*) to be one of: (.+?)(\n|$)/.exec(msg))) {
    return new Error(`invalid argument "${m[2]}" for "--${m[1]}" flag: must be one of ${m[3]} for '${path}'`);
  }
  // pflag's wording for an int flag given a non-number.
  if ((m = /Parsing --([\w-]+)\s*\n\s*Expected an integer but received: (.+?)(\n|$)/.exec(msg))) {
    // Upstream prints Go's `strconv.ParseInt: parsing "x": invalid syntax`; kn-ts says what is wanted (docs/compatibility.md).
    return new Error(`invalid argument "${m[2]}" for "--${m[1]}" flag: not a whole number; give an integer, e.g. --${m[1]} 1`);
  }
  if ((m = /Expected an integer but received: (.+?)(\n|$)/.exec(msg))) {
    return new Error(`invalid argument "${m[1]}": expected an integer for '${path}'`);
  }
  if ((m = /--([\w-]+)=(\S+) cannot also be provided when using --([\w-]+)/.exec(msg))) {
    return new Error(`only one of --${m[1]} and --${m[3]} may be specified for '${path}'`);
  }
  // oclif reads extra words after a command without arguments as a longer command id.
  if ((m = /command ([\w-]+(?::[^\s:]+)+) not found/.exec(msg))) {
    const extra = m[1]!.split(':').slice(path.split(' ').length - 1);
    return new Error(`'${path}' takes no arguments, got ${extra.map((x) => JSON.stringify(x)).join(' ')}; see '${path} --help'`);
  }
  // Library and API errors are already user-grade; keep their first line.
  const first = msg.split('\n').find((l) => l.trim()) ?? msg;
  const out = new Error(first.replace(/^\s*›?\s*Error:\s*/i, ''));
  if (err instanceof Error && err.stack) out.stack = err.stack;
  return out;
}
