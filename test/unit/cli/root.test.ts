// The kn root: argv normalisation, manifest-driven help, errors, suggestions, plugins, completion.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { complete, script } from '../../../src/cli/completion.ts';
import { formatError, suggest, UserError } from '../../../src/cli/errors.ts';
import { canonicalGroup } from '../../../src/cli/groups.ts';
import { commandHelp, groupHelp, optionsHelp, rootHelp } from '../../../src/cli/help.ts';
import { normalize } from '../../../src/cli/main.ts';
import type { Manifest } from '../../../src/cli/manifest.ts';
import { findPlugin, listPlugins } from '../../../src/cli/plugins.ts';
import { renderVersion, SERVED_APIS, versionInfo } from '../../../src/cli/version.ts';

const flag = (name: string, extra: object = {}) => ({ name, type: 'option' as const, summary: `the ${name}`, ...extra });
const manifest: Manifest = {
  version: '0.0.0',
  commands: {
    'service:create': {
      id: 'service:create',
      summary: 'Create a service',
      usage: 'service create NAME --image IMAGE',
      aliases: [],
      flags: { image: flag('image', { helpValue: 'string' }), env: flag('env', { char: 'e', multiple: true, helpValue: 'stringArray' }), wait: { name: 'wait', type: 'boolean', allowNo: true, summary: 'Wait' }, kubeconfig: flag('kubeconfig') },
      args: { name: { name: 'name', required: true } },
      examples: ['# Create a service', 'kn service create mysvc --image img'],
    },
    'service:list': { id: 'service:list', summary: 'List services', aliases: ['service:ls'], flags: {}, args: {} },
    'revision:list': { id: 'revision:list', summary: 'List revisions', aliases: ['revision:ls'], flags: {}, args: {} },
    'source:ping:create': { id: 'source:ping:create', summary: 'Create a ping source', aliases: [], flags: {}, args: {} },
    version: { id: 'version', summary: 'Show the version of this client', aliases: [], flags: {}, args: {} },
  },
};

describe('normalize', () => {
  it('resolves group aliases and keeps the rest', () => {
    assert.deepEqual(normalize(['ksvc', 'ls', '-n', 'x']), { words: ['service', 'ls'], rest: ['-n', 'x'], globals: [], help: false, pluginsDir: undefined });
    assert.equal(normalize(['revisions', 'list']).words[0], 'revision');
    assert.equal(normalize(['domains', 'list']).words[0], 'domain');
  });
  it('moves global flags typed before the command to the end', () => {
    const n = normalize(['--kubeconfig', '/k', '--log-http', '--context=c', 'service', 'list', '-A']);
    assert.deepEqual(n.words, ['service', 'list']);
    assert.deepEqual(n.globals, ['--kubeconfig', '/k', '--log-http', '--context=c']);
    assert.deepEqual(n.rest, ['-A']);
  });
  it('notices --help anywhere', () => {
    assert.equal(normalize(['service', 'create', '--help']).help, true);
    assert.equal(normalize(['-h']).help, true);
    assert.equal(normalize(['service', 'create', 'x']).help, false);
  });
  it('takes --plugins-dir', () => {
    assert.equal(normalize(['--plugins-dir', '/p', 'foo']).pluginsDir, '/p');
  });
});

describe('help', () => {
  it('groups the root help like upstream with its footer', () => {
    const h = rootHelp(manifest, []);
    assert.match(h, /^kn is the command line interface for managing Knative Serving and Eventing resources\n\nFind more information about Knative at: https:\/\/knative.dev\n/);
    // cobra's layout: names padded over all of kn's groups (subscription: 12), then one space.
    assert.match(h, /Serving Commands:\n  service      Manage Knative services\n  revision     Manage service revisions\n/);
    // Only groups with commands in this build are listed (issue 13: no stub groups).
    const listed = [...h.matchAll(/^ {2}([a-z]+) +/gm)].map((x) => x[1]!);
    const top = new Set(Object.keys(manifest.commands).map((id) => id.split(':')[0]));
    for (const g of listed) assert.ok(top.has(g), `listed group ${g} has commands`);
    assert.doesNotMatch(h, /\n {2}(secret|container) /);
    assert.match(h, /Other Commands:\n  version +Show the version of this client\n/);
    assert.ok(h.endsWith('\n\n\nUse "kn <command> --help" for more information about a given command.\nUse "kn options" for a list of global command-line options (applies to all commands).\n'));
    assert.doesNotMatch(h, /Plugins:/);
  });
  it('lists plugins in the root help', () => {
    const h = rootHelp(manifest, [{ name: 'hello', path: '/bin/kn-hello', words: ['hello'] }]);
    assert.match(h, /Plugins:\n  hello +\/bin\/kn-hello\n/);
  });
  it('shows a group with its aliases and commands', () => {
    const h = groupHelp(manifest, 'service');
    assert.match(h, /^Manage Knative services\n\nUsage:\n  kn service \[options\]\n\nAliases: \n  service, ksvc, services\n/);
    // cobra pads command names to at least 11.
    assert.match(h, /Available Commands:\n  create      Create a service\n  list        List services\n\n\nUse "kn <command>/);
  });
  it('shows a command with usage, examples and options, hiding global flags', () => {
    const h = commandHelp(manifest.commands['service:create']!);
    assert.match(h, /Usage:\n  kn service create NAME --image IMAGE \[options\]\n/);
    assert.match(h, /Examples:\n\n  # Create a service\n  kn service create mysvc --image img\n\n\nOptions:/);
    // upstream's pairs are two flags, sorted by name: --no-wait says "Do not …" and defaults to the
    // opposite of --wait (unset here: false).
    assert.match(h, /Options:\n  -e, --env stringArray   the env\n      --image string      the image\n      --no-wait           Do not wait \(default true\)\n      --wait              Wait\n/);
    assert.doesNotMatch(h, /kubeconfig/);
    assert.match(h, /Use "kn options" for a list of global command-line options/);
  });
  it('lists the global options', () => {
    const h = optionsHelp();
    assert.match(h, /^The following options can be passed to any command:/);
    for (const f of ['--as string', '--as-group stringArray', '--as-uid string', '--cluster string', '--config string', '--context string', '--kubeconfig string', '--log-http']) {
      assert.ok(h.includes(f), f);
    }
    assert.doesNotMatch(h, /plugins-dir/);
  });
});

describe('errors', () => {
  it('prints Error: and the usage hint of the quoted command', () => {
    assert.equal(formatError(new UserError("no sub-command given for 'kn service'")), "Error: no sub-command given for 'kn service'\nRun 'kn service --help' for usage\n");
    // As upstream: without a quoted 'kn …' the hint is kn's own help.
    assert.equal(formatError(new Error('error: boom')), "Error: boom\nRun 'kn --help' for usage\n");
    assert.equal(formatError(new Error("'service create' requires the service name given as single argument")), "Error: 'service create' requires the service name given as single argument\nRun 'kn --help' for usage\n");
    assert.equal(formatError(new Error("unknown flag: --foo for 'kn service create'")), "Error: unknown flag: --foo for 'kn service create'\nRun 'kn service create --help' for usage\n");
    assert.equal(formatError(new Error('x'), false), 'Error: x\n');
  });
  it('suggests close names', () => {
    assert.deepEqual(suggest('servce', ['service', 'revision', 'route']), ['service']);
    assert.deepEqual(suggest('rev', ['service', 'revision', 'route']), ['revision']);
    assert.deepEqual(suggest('zzzz', ['service']), []);
  });
  it('resolves aliases once, from the group table', () => {
    assert.equal(canonicalGroup('ksvc'), 'service');
    assert.equal(canonicalGroup('service'), 'service');
    assert.equal(canonicalGroup('nope'), 'nope');
  });
});

describe('plugins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kn-plugins-'));
  const mk = (name: string, exec = true) => {
    const p = join(dir, name);
    writeFileSync(p, '#!/bin/sh\necho hi\n');
    chmodSync(p, exec ? 0o755 : 0o644);
    return p;
  };
  mk('kn-hello');
  mk('kn-source-kafka');
  mk('kn-log_all');
  mk('kn-notexec', false);
  mkdirSync(join(dir, 'kn-dir'));
  it('finds executables named kn-*', () => {
    assert.deepEqual(listPlugins(dir).map((p) => p.name).filter((n) => ['hello', 'source-kafka', 'log_all', 'notexec', 'dir'].includes(n)), ['hello', 'log_all', 'source-kafka']);
  });
  it('matches the most specific plugin first, with - as _ inside words', () => {
    assert.equal(findPlugin(['source', 'kafka', 'create'], dir)?.plugin.name, 'source-kafka');
    assert.equal(findPlugin(['source', 'kafka', 'create'], dir)?.consumed, 2);
    assert.equal(findPlugin(['log-all'], dir)?.plugin.name, 'log_all');
    assert.equal(findPlugin(['nothing'], dir), undefined);
  });
});

describe('completion', () => {
  it('completes commands, sub-commands and flags from the manifest', () => {
    assert.ok(complete(manifest, ['se']).includes('service'));
    assert.deepEqual(complete(manifest, ['service', '']), ['create', 'list']);
    assert.deepEqual(complete(manifest, ['ksvc', 'l']), ['list']);
    assert.deepEqual(complete(manifest, ['source', 'ping', '']), ['create']);
    assert.ok(complete(manifest, ['service', 'create', '--w']).includes('--wait'));
    assert.ok(complete(manifest, ['service', 'create', '--no-']).includes('--no-wait'));
  });
  it('has a script per shell that calls kn __complete', () => {
    for (const s of ['bash', 'zsh', 'fish'] as const) assert.match(script(s), /kn __complete/);
  });
});

describe('version', () => {
  it('renders text, JSON and YAML', () => {
    const info = versionInfo('v1.36.3');
    const text = renderVersion(info, undefined);
    assert.match(text, /^Version: {6}v\d+\.\d+\.\d+\nBuild Date: {3}.*\nGit Revision: .*\nSupported APIs:\n\* Serving\n {2}- serving.knative.dev\/v1 \(knative-serving v1\.\d+\.\d+\)\n/);
    // Only what this build serves, from the one list (SERVED_APIS).
    assert.deepEqual(Object.keys(info.SupportedAPIs), Object.keys(SERVED_APIS));
    assert.match(text, /Kubernetes: {3}v1\.36\.3/);
    const json = JSON.parse(renderVersion(info, 'json'));
    assert.deepEqual(Object.keys(json), ['Version', 'BuildDate', 'GitRevision', 'SupportedAPIs', 'KubernetesVersion']);
    assert.match(renderVersion(info, 'json'), /^{\n\t"Version"/);
    assert.match(renderVersion(info, 'yaml'), /^Version: v.*\nBuildDate: ".*"\n/);
  });
});

describe('repeated single-value flags', async () => {
  const { lastValueWins } = await import('../../../src/cli/base.ts');
  const flags = { image: { type: 'option' }, env: { type: 'option', multiple: true, char: 'e' }, port: { type: 'option', char: 'p' }, wait: { type: 'boolean' } };
  it('keeps the last value, as pflag does', () => {
    assert.deepEqual(lastValueWins(['x', '--image', 'a', '--image', 'b'], flags), ['x', '--image', 'b']);
    assert.deepEqual(lastValueWins(['--image=a', '-p', '1', '--port=2', '--image', 'b'], flags), ['--port=2', '--image', 'b']);
    assert.deepEqual(lastValueWins(['-e', 'A=1', '-e', 'B=2', '--wait', '--wait'], flags), ['-e', 'A=1', '-e', 'B=2', '--wait', '--wait']);
    assert.deepEqual(lastValueWins(['--image', 'a', '--', '--image', 'b'], flags), ['--image', 'a', '--', '--image', 'b']);
  });
});
