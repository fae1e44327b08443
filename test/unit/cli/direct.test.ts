// The direct runner's parser (src/cli/direct.ts) against oclif itself: for every argv it accepts,
// the flags and arguments must be exactly what the oclif command (KnCommand's init included)
// parses; everything unusual must be handed to oclif.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Config } from '@oclif/core';
import { DIRECT_COMMANDS, parseDirect } from '../../../src/cli/direct.ts';
import { loadManifest, type ManifestCommand } from '../../../src/cli/manifest.ts';

// A kn config file that exists (kn refuses a --config file it cannot read).
const KN_CONFIG = join(mkdtempSync(join(tmpdir(), 'kn-direct-')), 'kn.yaml');
writeFileSync(KN_CONFIG, 'plugins:\n  directory: /tmp/p\n');

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

type Parsed = { flags: Record<string, unknown>; argv: unknown[] };
type CommandClass = { new (argv: string[], config: Config): { run(): Promise<void> }; flags: Record<string, { default?: unknown }>; baseFlags: Record<string, { default?: unknown }> };

/** Parses argv as the oclif command does (init with base.ts's rules, then this.parse). */
async function oclifParse(id: string, argv: string[], config: Config): Promise<Parsed | Error> {
  const mod = (await import(join(root, 'src/commands', `${id.replace(/:/g, '/')}.ts`))) as { default: CommandClass };
  const Cmd = mod.default;
  let out: Parsed | undefined;
  const Probe = class extends (Cmd as unknown as new (argv: string[], config: Config) => { parse(c: unknown): Promise<Parsed>; init(): Promise<void> }) {
    async run(): Promise<void> {
      out = await this.parse(Cmd);
    }
  };
  Object.defineProperty(Probe, 'id', { value: id });
  const p = new Probe(argv, config) as unknown as { init(): Promise<void>; run(): Promise<void> };
  try {
    await p.init();
    await p.run();
  } catch (e) {
    return e as Error;
  }
  // Flags oclif fills from a default the manifest does not carry (booleans): the bodies treat
  // undefined as that default, so compare without them.
  const flags: Record<string, unknown> = {};
  const decl = { ...Cmd.baseFlags, ...Cmd.flags };
  for (const [k, v] of Object.entries(out!.flags)) if (v !== undefined) flags[k] = v;
  return { flags, argv: out!.argv, decl } as Parsed & { decl: typeof decl };
}

const accepted: string[][] = [
  [],
  ['-n', 'bench'],
  ['--namespace', 'bench'],
  ['--namespace=bench'],
  ['-A'],
  ['--all-namespaces', '--no-headers'],
  ['--no-headers=true', '-n', 'x'],
  ['web'],
  ['web', '-n', 'x'],
  ['-n', 'a', '-n', 'b'],
  ['-o', 'json'],
  ['--output=yaml', '--show-managed-fields'],
  ['-o', 'jsonpath', '--template', '{.items[*].metadata.name}'],
  ['--no-allow-missing-template-keys', '-o', 'go-template', '--template={{.kind}}'],
  ['--kubeconfig', '/tmp/kc', '--context', 'c1', '--cluster', 'k'],
  ['--as', 'jane', '--as-group', 'g1', '--as-group', 'g2', '--as-uid', '7'],
  ['--log-http'],
  ['--no-log-http'],
  ['--log-http=true'],
  ['--config', KN_CONFIG, '--plugins-dir', '/tmp/p'],
];
const handedToOclif: string[][] = [
  ['--foo'],
  ['-n'],
  ['--namespace'],
  ['-nbench'],
  ['-n=bench'],
  ['-An', 'x'],
  ['--', 'x'],
  ['-'],
  ['--log-http', '--no-log-http'],
  ['--log-http=false'],
  ['--no-headers', '--no-headers'],
  ['-n', '-A'],
  ['--all-namespaces=yes'],
];

describe('parseDirect', () => {
  const m = loadManifest();

  it('covers the list commands, whose flags are all strings and booleans', () => {
    assert.deepEqual(Object.keys(DIRECT_COMMANDS).sort(), ['domain:list', 'revision:list', 'route:list', 'service:list']);
    for (const id of Object.keys(DIRECT_COMMANDS)) {
      const cmd = m.commands[id]!;
      assert.ok(cmd, id);
      assert.ok(parseDirect(cmd, []), `${id}: no argv must parse directly`);
    }
  });

  it('gives what oclif gives for every argv it accepts, and hands the rest to oclif', async () => {
    const config = await Config.load(root);
    for (const id of Object.keys(DIRECT_COMMANDS)) {
      const cmd = m.commands[id]!;
      const extra: string[][] = id === 'revision:list' ? [['-s', 'svc'], ['--service=svc', 'r1']] : [];
      for (const argv of [...accepted, ...extra]) {
        if (id === 'domain:list' && argv.includes('web')) continue; // strict: no arguments
        const direct = parseDirect(cmd, argv);
        assert.ok(direct, `${id} ${argv.join(' ')}: expected a direct parse`);
        const o = await oclifParse(id, argv, config);
        assert.ok(!(o instanceof Error), `${id} ${argv.join(' ')}: oclif failed: ${(o as Error).message}`);
        const { decl, ...want } = o as Parsed & { decl: Record<string, { default?: unknown }> };
        for (const [k, v] of Object.entries(want.flags)) {
          if (direct.flags[k] === undefined && decl[k]?.default === v) delete want.flags[k];
        }
        assert.deepEqual({ flags: direct.flags, argv: direct.argv }, want, `${id} ${argv.join(' ')}`);
      }
      for (const argv of handedToOclif) assert.equal(parseDirect(cmd, argv), undefined, `${id} ${argv.join(' ')}`);
    }
  });

  it('hands a strict command extra arguments, and odd flag kinds, to oclif', () => {
    assert.equal(parseDirect(m.commands['domain:list']!, ['x']), undefined);
    const base: ManifestCommand = { id: 'x', aliases: [], args: {}, flags: {}, strict: false };
    const withFlag = (f: object) => ({ ...base, flags: { f: { name: 'f', type: 'option', ...f } } }) as ManifestCommand;
    assert.ok(parseDirect(withFlag({ helpValue: 'string' }), ['--f', 'v']));
    assert.equal(parseDirect(withFlag({ helpValue: 'int' }), ['--f', '1']), undefined);
    assert.equal(parseDirect(withFlag({ required: true }), []), undefined);
    assert.equal(parseDirect(withFlag({ hasDynamicHelp: true }), []), undefined);
    assert.equal(parseDirect(withFlag({ options: ['a', 'b'] }), ['--f', 'c']), undefined);
    assert.deepEqual(parseDirect(withFlag({ options: ['a', 'b'] }), ['--f', 'b'])?.flags, { f: 'b' });
    assert.deepEqual(parseDirect(withFlag({ default: 'd' }), [])?.flags, { f: 'd' });
    assert.equal(parseDirect({ ...base, args: { name: { name: 'name', required: true } } }, []), undefined);
  });
});
