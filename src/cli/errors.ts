// Upstream kn's error convention: `Error: <msg>` on stderr, then `Run '<cmd> --help' for usage`,
// exit code 1, and no stack trace unless KN_TS_DEBUG is set.

/** An error whose message is already what the user should read. */
export class UserError extends Error {
  override name = 'UserError';
  /** The command whose help the hint points at, e.g. "kn service create". */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/**
 * The hint names a command only when the message quotes one (`'kn service create'`, as in
 * `unknown flag: --foo for 'kn service create'`); otherwise it is `Run 'kn --help' for usage`,
 * as upstream kn's printError.
 */
export function formatError(err: unknown, hint = true): string {
  const e = err as { message?: string; oclif?: { exit?: number } };
  let msg = String(e?.message ?? err).trim();
  msg = cleanApiNoise(msg.replace(/^error:\s*/i, ''));
  // Keep it to one line: the first line of multi-line messages from libraries.
  const lines = [`Error: ${msg}`];
  if (hint) {
    const quoted = /'(kn\s.+?)'/.exec(msg)?.[1];
    lines.push(`Run '${quoted ?? 'kn'} --help' for usage`);
  }
  if (process.env.KN_TS_DEBUG && err instanceof Error && err.stack) lines.push(err.stack);
  return lines.join('\n') + '\n';
}

/** Levenshtein distance, for "Did you mean this?". */
export function distance(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

/** Names within distance 2, or that start with the typed word (cobra's rule). */
export function suggest(word: string, names: string[]): string[] {
  return names.filter((n) => distance(word.toLowerCase(), n) <= 2 || (word.length > 1 && n.startsWith(word.toLowerCase())));
}

/**
 * The API server appends a note to CEL-validated objects that fail other checks first
 * (`<nil>: Invalid value: "null": some validation rules were not checked because the object was
 * invalid; correct the existing errors to complete validation`). It says nothing about the input:
 * drop it, and the brackets around a list left with one error.
 */
export function cleanApiNoise(msg: string): string {
  const out = msg.replace(/,?\s*<nil>: Invalid value: "?null"?: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation/g, '');
  if (out === msg) return msg;
  const m = /^(.*?): \[(.*)\]$/s.exec(out);
  if (!m) return out;
  const items = m[2]!.split(/, (?=[\w.[\]<>-]+: )/).filter((x) => x.trim());
  return items.length === 0 ? m[1]! : items.length === 1 ? `${m[1]}: ${items[0]}` : out;
}
