// The bad-input suites (test/integration/bad-input-*.test.ts): invalid kn invocations against the
// real API server, each asserted to fail cleanly — a non-zero exit, exactly one `Error: …` line
// (and at most kn's usage hint), no stack trace or internal text — and to leave everything as it
// was: every Serving object of the namespace (full JSON, so resourceVersion and generation too)
// and every byte of the --target folder. Invocations run in-process in a pool of long-lived kn
// workers (KnPool), so hundreds of them take seconds.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/api/meta.ts';
import { R } from '../../src/api/resources.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import { installServingCRDs } from './crds.ts';
import { freshNamespace, KnPool, kube, type KnResult } from './env.ts';

/** The classes of issue 13: what used to go wrong with the input. */
export type BadClass = 'destructive' | 'hangs' | 'half-done' | 'wrongly-succeeds' | 'broken-flag' | 'misleading';

export interface BadCase {
  class: BadClass;
  /** argv after `kn`; the string NS is replaced by the suite's namespace. */
  args: string[];
  /** What the `Error: ` line must say (a string must be contained in it). */
  want: RegExp | string;
  /** Output written before the error is allowed (kn service wait prints its header first). */
  stdoutAllowed?: boolean;
  /** An invocation still running after this long is a hang (default 20 s). */
  timeoutMs?: number;
}

/** Text that must never reach a user: stack frames, Node and oclif internals, raw parser output. */
const INTERNAL = [
  /\n\s+at \S/,
  /node:internal/,
  /\bTypeError\b|\bReferenceError\b|\bSyntaxError\b/,
  /Cannot read properties/,
  /\bundefined\b/,
  /\[object Object\]/,
  /command [a-z-]+(:[\w-]+)+ not found/,
  /\bE[A-Z]{3,}\b: /,
  /Invalid URL/,
  /<nil>/,
  /is not a function/,
  /UNCAUGHT/,
];

const KINDS = [R.Service, R.Configuration, R.Revision, R.Route, R.DomainMapping];

/** Every Serving object of the namespace, as the server stores it. */
export async function namespaceState(c: KubeClient, ns: string): Promise<string> {
  const all: string[] = [];
  for (const r of KINDS) {
    const items = (await c.list<KubeObject>(r, { namespace: ns })).items;
    for (const o of items.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) all.push(JSON.stringify(o));
  }
  return all.join('\n');
}

/** Every file under dir with its bytes (base64), for a byte-for-byte comparison. */
export function folderState(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) {
        out.push(`${p}/`);
        walk(p);
      } else out.push(`${p} ${readFileSync(p).toString('base64')}`);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.join('\n');
}

/** The assertions every bad invocation must pass. */
export function assertCleanFailure(r: KnResult, c: BadCase, label: string): void {
  assert.notEqual(r.code, 0, `${label}: exit code 0; stdout was:\n${r.stdout}\nstderr:\n${r.stderr}`);
  const lines = r.stderr.replace(/\n$/, '').split('\n');
  const errors = lines.filter((l) => l.startsWith('Error: '));
  assert.equal(errors.length, 1, `${label}: exactly one Error line; stderr was:\n${r.stderr}`);
  assert.ok(lines[0]!.startsWith('Error: '), `${label}: the Error line comes first; stderr was:\n${r.stderr}`);
  assert.ok(lines.length <= 2, `${label}: one Error line and at most the usage hint; stderr was:\n${r.stderr}`);
  if (lines.length === 2) assert.match(lines[1]!, /^Run 'kn( [a-z-]+)* --help' for usage$/, `${label}: the second line is the usage hint`);
  const msg = lines[0]!.slice('Error: '.length);
  if (typeof c.want === 'string') assert.ok(msg.includes(c.want), `${label}: the message names the problem\nwant: ${c.want}\ngot:  ${msg}`);
  else assert.match(msg, c.want, `${label}: the message names the problem`);
  assert.ok(msg.length <= 400, `${label}: a one-line message, not a dump (${msg.length} characters)`);
  for (const re of INTERNAL) assert.doesNotMatch(r.stderr, re, `${label}: no internal text (${re}); stderr was:\n${r.stderr}`);
  // Upstream's own warnings (say, `Warning: No revision found to update image digest`) may come first.
  const stdout = r.stdout.split('\n').filter((l) => l && !l.startsWith('Warning: ')).join('\n');
  if (!c.stdoutAllowed) assert.equal(stdout, '', `${label}: nothing on stdout but warnings`);
}

export interface SuiteOptions {
  /** Objects the cases work against, created before the first case. */
  setup?: (c: KubeClient, ns: string) => Promise<void>;
  /** A --target folder whose bytes must not change. */
  target?: string;
  /** Workers run side by side (default 1: each case's state check is then its own). */
  workers?: number;
}

/** Declares one describe() with an it() per case. */
export function badInputSuite(title: string, cases: BadCase[], o: SuiteOptions = {}): void {
  describe(title, () => {
    let c: KubeClient;
    let ns: string;
    let pool: KnPool;
    let server: string;
    let folder: string;
    before(async () => {
      c = await kube();
      await installServingCRDs(c);
      ns = await freshNamespace('bad', c);
      await o.setup?.(c, ns);
      pool = await KnPool.start(o.workers ?? 1);
      server = await namespaceState(c, ns);
      folder = o.target ? folderState(o.target) : '';
    });
    after(() => pool?.close());

    for (const bc of cases) {
      const label = `[${bc.class}] kn ${bc.args.map((a) => (a === '' ? "''" : /\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`;
      it(label, async () => {
        const r = await pool.run(bc.args.map((a) => (a === 'NS' ? ns : a)), { timeoutMs: bc.timeoutMs ?? 20_000 });
        const [now, files] = [await namespaceState(c, ns), o.target ? folderState(o.target) : ''];
        const [was, filesWere] = [server, folder];
        // A case that changed something is reported against itself only: later cases compare with what is there now.
        [server, folder] = [now, files];
        assert.equal(now, was, `${label}: the server's objects are unchanged; stderr was:\n${r.stderr}`);
        if (o.target) assert.equal(files, filesWere, `${label}: the --target folder is unchanged; stderr was:\n${r.stderr}`);
        assertCleanFailure(r, bc, label);
      });
    }
  });
}
