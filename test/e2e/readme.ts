// The README's runnable examples: every fenced block whose info string is `console tested` (or
// `console tested exit=N`) holds `$ command` lines, each followed by what it printed. This module
// finds those blocks, runs their commands in order as a user types them (bash, stdout and stderr
// interleaved as a terminal shows them), compares the output with the transcript after
// normalising what changes from run to run, and can write the real output back into the README
// (KN_README_WRITE=1, scripts/readme-transcripts.sh). One parser for both, so the README and
// test/e2e/readme.test.ts cannot drift apart.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KN } from './env.ts';

export interface Step {
  command: string;
  /** The transcript's output, without trailing blank lines. */
  expected: string;
}

export interface Block {
  /** Offsets of the block's body (between the fences) in the README. */
  start: number;
  end: number;
  /** The exit code every command of the block must have (`exit=N`; 0 when not given). */
  exit: number;
  steps: Step[];
}

const FENCE = /^```console tested(?: exit=(\d+))?\n([\s\S]*?)^```$/gm;

export function parseReadme(text: string): Block[] {
  const blocks: Block[] = [];
  for (const m of text.matchAll(FENCE)) {
    const body = m[2]!;
    const start = m.index + m[0].indexOf('\n') + 1;
    const steps: Step[] = [];
    for (const line of body.replace(/\n$/, '').split('\n')) {
      if (line.startsWith('$ ')) steps.push({ command: line.slice(2), expected: '' });
      else if (steps.length === 0) throw new Error(`README: a tested block must start with a '$ ' command line, not '${line}'`);
      else steps[steps.length - 1]!.expected += `${line}\n`;
    }
    for (const s of steps) s.expected = s.expected.replace(/\n+$/, '');
    blocks.push({ start, end: start + body.length, exit: Number(m[1] ?? 0), steps });
  }
  return blocks;
}

/** The block's body as a transcript: each command, its output, a blank line between steps. */
export function formatBlock(steps: Step[]): string {
  return `${steps.map((s) => (s.expected ? `$ ${s.command}\n${s.expected}` : `$ ${s.command}`)).join('\n\n')}\n`;
}

/** The README with each tested block's transcript replaced by outputs[i] (one per block, in order). */
export function rewriteReadme(text: string, blocks: Block[], outputs: string[][]): string {
  let out = text;
  for (let i = blocks.length - 1; i >= 0; i--) {
    const b = blocks[i]!;
    const steps = b.steps.map((s, j) => ({ command: s.command, expected: outputs[i]![j]! }));
    out = out.slice(0, b.start) + formatBlock(steps) + out.slice(b.end);
  }
  return out;
}

/**
 * What may differ between two runs of the same commands: ages and durations (`3s`, `2m10s`,
 * `0.412s`), the column padding that follows their width, image digests and pod-name hashes, and
 * the progress lines of a wait (their number and wording follow the timing of the reconcilers;
 * the last one, "Ready to serve.", is kept).
 */
export function normalise(s: string): string {
  const lines: string[] = [];
  for (const raw of s.split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const progress = /^\s+\d+\.\d+s (.*)$/.exec(line);
    if (progress) {
      if (lines.at(-1)?.startsWith('<progress> ')) lines.pop();
      lines.push(`<progress> ${progress[1]}`);
      continue;
    }
    lines.push(
      line
        .replace(/sha256:[0-9a-f]{64}/g, '<digest>')
        .replace(/\b(\d+d)?(\d+h)?(\d+m)?(\d+(\.\d+)?s)?\b/g, (m) => (m && /[dhms]$/.test(m) ? '<age>' : m))
        .replace(/-[0-9a-f]{8,10}-[0-9a-z]{5}\b/g, '-<pod>')
        .replace(/ {2,}/g, ' '),
    );
  }
  return lines.join('\n').replace(/\n+$/, '');
}

export interface Shell {
  /** The working directory the commands run in (a fresh, empty folder). */
  cwd: string;
  /** The folder of the kn and curl shims (first on PATH). */
  bin: string;
  /** Runs one command line with bash: its exit code and interleaved stdout+stderr. */
  run(command: string, timeoutMs?: number): Promise<{ code: number; output: string }>;
}

/**
 * A shell as a user has it after `kn quickstart kind`: `kn` is this checkout's bin/run.js, and
 * `curl` is the real curl run as `curl -sS --resolve <host>:80:127.0.0.1 …` for each http:// URL
 * (the test namespace has no DNS, and *.127.0.0.1.sslip.io resolves to 127.0.0.1 anyway).
 */
export function userShell(): Shell {
  const cwd = mkdtempSync(join(tmpdir(), 'kn-readme-'));
  const bin = mkdtempSync(join(tmpdir(), 'kn-readme-bin-'));
  const shim = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  shim('kn', `exec ${JSON.stringify(process.execPath)} -- ${JSON.stringify(KN)} "$@"`);
  shim(
    'curl',
    [
      'PATH=${PATH#*:}; args=()',
      'for a in "$@"; do case "$a" in http://*) h=${a#http://}; h=${h%%/*}; args+=(--resolve "${h%%:*}:80:127.0.0.1") ;; esac; done',
      'exec curl -sS "${args[@]}" "$@"',
    ].join('\n'),
  );
  return {
    cwd,
    bin,
    run(command, timeoutMs = 240_000) {
      return new Promise((resolve, reject) => {
        // One pipe for both streams: the order a terminal shows them in.
        const child = spawn('bash', ['-c', `exec 2>&1\n${command}`], {
          cwd,
          env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let output = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.on('error', reject);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          if (signal) reject(new Error(`'${command}' did not finish in ${timeoutMs / 1000}s:\n${output}`));
          else resolve({ code: code ?? 1, output });
        });
      });
    },
  };
}
