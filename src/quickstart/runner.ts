// The process runner the quickstart uses for kind, docker and minikube. It is injected everywhere,
// so tests and --dry-run can replace it; every call builds a fresh subprocess (never a reused
// handle: upstream's retry loop reused a spent exec.Cmd and could never succeed).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RunOptions {
  /** Written to the process's stdin. */
  input?: string;
  /** Each line of stdout/stderr as it arrives (for progress output). */
  onLine?: (line: string) => void;
  cwd?: string;
  env?: Record<string, string>;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Runner {
  /** Runs cmd with args; never throws for a non-zero exit (check exitCode), throws if it cannot start. */
  run(cmd: string, args: string[], o?: RunOptions): Promise<RunResult>;
  /** The full path of an executable on PATH, or undefined. */
  which(cmd: string): string | undefined;
}

/** A command line as a user would type it (for --dry-run and messages). */
export function shellLine(cmd: string, args: string[]): string {
  const q = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [cmd, ...args].map(q).join(' ');
}

export function whichOnPath(cmd: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** The real runner, on execa. */
export function execaRunner(): Runner {
  return {
    which: (cmd) => whichOnPath(cmd),
    async run(cmd, args, o = {}) {
      const { execa } = await import('execa');
      const child = execa(cmd, args, {
        reject: false,
        input: o.input,
        stdin: o.input === undefined ? 'ignore' : undefined,
        cwd: o.cwd,
        env: o.env,
        stripFinalNewline: true,
        lines: false,
      });
      if (o.onLine) {
        const each = (chunk: unknown) => {
          for (const l of String(chunk).split(/\r?\n/)) if (l.trim()) o.onLine!(l);
        };
        child.stdout?.on('data', each);
        child.stderr?.on('data', each);
      }
      const r = await child;
      if (r.failed && r.exitCode === undefined) {
        // It did not start (ENOENT, EACCES…).
        throw new Error(`cannot run ${cmd}: ${r.shortMessage ?? r.message}`);
      }
      return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
    },
  };
}
