// Flags that were broken for every input, and messages that misled (issue 13): --containers,
// --wait=maybe, `create -- -x`, `kn --kubeconfig` without a value, oclif's internal command ids,
// raw EISDIR/ENOENT/Invalid URL/YAML texts for the kubeconfig, binary files echoed into errors,
// Go's strconv texts for integer flags. Each gives one line naming the problem and the fix.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { badInputSuite, type BadCase } from '../harness/bad-input.ts';

const IMG = 'ghcr.io/knative/helloworld-go:latest';
const dir = mkdtempSync(join(tmpdir(), 'kn-bad-flags-'));
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const binary = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(4096, 0xa5), Buffer.from('SECRET-MARKER\n')]);
const bin = file('binary.bin', binary);
const subdir = join(dir, 'a-directory');
mkdirSync(subdir);
const missing = join(dir, 'missing.yaml');
const kcGarbage = file('kc-garbage', 'clusters: [unclosed\n  : :\n');
const kcBadUrl = file(
  'kc-bad-url',
  'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: "not a url at all"\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\nusers:\n- name: u\n  user:\n    token: t\n',
);

const cases: BadCase[] = [];
const b = (args: string[], want: string | RegExp) => cases.push({ class: 'broken-flag', args, want });
const m = (args: string[], want: string | RegExp) => cases.push({ class: 'misleading', args, want });
const create = (flags: string[]) => ['service', 'create', 'flagged', '--image', IMG, ...flags, '-n', 'NS', '--no-wait'];

// --containers: broken for every input before (YAML.parse is not a function)
const containers: [string, string][] = [
  [file('c-empty.yaml', ''), 'is empty'],
  [file('c-broken.yaml', 'containers: [unclosed\n'), 'is not valid YAML'],
  [file('c-list.yaml', '- image: x\n'), 'is not a mapping'],
  [file('c-none.yaml', 'image: x\n'), "has no 'containers' list"],
  [file('c-emptylist.yaml', 'containers: []\n'), "has a 'containers' entry that is not a non-empty list"],
  [file('c-scalar.yaml', 'containers: [1, 2]\n'), 'has containers[0] that is not a mapping'],
  [file('c-noimage.yaml', 'containers:\n- name: side\n'), 'has containers[0] without an image'],
  [file('c-badimage.yaml', 'containers:\n- image: "bad image!!"\n'), 'has containers[0] with the invalid image "bad image!!"'],
  [file('c-badname.yaml', 'containers:\n- name: Side_Car\n  image: a/b\n'), 'has containers[0] with the invalid name "Side_Car"'],
  [file('c-json-broken.json', '{"containers": [}'), 'is not valid YAML'],
  [bin, 'is not a text file'],
];
for (const [f, want] of containers) b(create(['--containers', f]), `the --containers file ${f} ${want}`);
b(create(['--containers', missing]), `open ${missing}: no such file or directory`);
b(create(['--containers', subdir]), `open ${subdir}: is a directory`);
b(create(['--containers', file('c-neg.yaml', 'containers:\n- name: side\n  image: a/b\n  resources:\n    requests:\n      cpu: "-1"\n')]), 'the cpu request "-1" must be greater than or equal to 0');
b(create(['--containers', file('c-env.yaml', 'containers:\n- name: side\n  image: a/b\n  env:\n  - name: "ÄRGER"\n')]), 'the environment variable name "ÄRGER" is not valid');
b(create(['--extra-containers', file('c-extra.yaml', 'nope: 1\n')]), "has no 'containers' list");
// Switches given a value
m(create(['--wait=maybe']), 'invalid value "maybe" for --wait: it is a switch; give --wait or --no-wait without a value');
m(create(['--wait=yes']), 'invalid value "yes" for --wait');
m(create(['--wait=1']), 'invalid value "1" for --wait');
m(create(['--cluster-local=maybe']), 'invalid value "maybe" for --cluster-local');
m(create(['--lock-to-digest=no']), 'invalid value "no" for --lock-to-digest');
m(['service', 'delete', 'x', '--all=yes', '-n', 'NS'], 'invalid value "yes" for --all');
m(['service', 'update', 'x', '--wait=later', '--env', 'A=1', '-n', 'NS'], 'invalid value "later" for --wait');
// Names after -- are names, and checked as such
m(['service', 'create', '--image', IMG, '-n', 'NS', '--', '-x'], 'invalid service name "-x"');
m(['service', 'create', '--', '-x', '--image', IMG, '-n', 'NS'], "'service create' requires the service name given as single argument");
m(['service', 'delete', '-n', 'NS', '--', '-x'], 'invalid service name "-x"');
// Global flags without their value
m(['--kubeconfig'], 'flag needs an argument: --kubeconfig');
m(['--context'], 'flag needs an argument: --context');
m(['--namespace'], /./);
m(['service', 'list', '--kubeconfig'], /flag needs an argument: --kubeconfig|--kubeconfig expects a value/);
// Extra words after a command without arguments: never oclif's internal ids
m(['domain', 'list', 'a', 'b', '-n', 'NS'], `'kn domain list' takes no arguments, got "a" "b"`);
m(['domain', 'list', 'x', '-n', 'NS'], `'kn domain list' takes no arguments, got "x"`);
m(['version', 'extra'], `'kn version' takes no arguments, got "extra"`);
m(['plugin', 'list', 'a', 'b', 'c'], `'kn plugin list' takes no arguments`);
m(['completion', 'bash', 'zsh'], /./);
// The kubeconfig: a directory, a missing file, garbage, binary, a bad server URL
for (const args of [['service', 'list'], ['service', 'describe', 'x'], ['service', 'create', 'kc', '--image', IMG, '--no-wait'], ['revision', 'list'], ['domain', 'delete', 'a.example.com']]) {
  m([...args, '-n', 'NS', '--kubeconfig', subdir], `cannot load the kubeconfig --kubeconfig ${subdir}: it is a directory; give the path of a kubeconfig file`);
  m([...args, '-n', 'NS', '--kubeconfig', missing], `cannot load kubeconfig ${missing}: no such file; check --kubeconfig`);
  m([...args, '-n', 'NS', '--kubeconfig', kcBadUrl], `the kubeconfig --kubeconfig ${kcBadUrl} has an invalid server URL; fix clusters[].cluster.server`);
}
m(['service', 'list', '-n', 'NS', '--kubeconfig', kcGarbage], `cannot load the kubeconfig --kubeconfig ${kcGarbage}: it is not valid YAML`);
m(['service', 'list', '-n', 'NS', '--kubeconfig', bin], `cannot load the kubeconfig --kubeconfig ${bin}`);
// Files never echoed: -f, --env-file with binary content; directories and missing files in plain words
m(create(['-f', bin]), `cannot parse ${bin}: the file is not a text file`);
m(['service', 'apply', 'x', '-f', bin, '-n', 'NS', '--no-wait'], 'is not a text file');
m(['service', 'import', bin, '-n', 'NS'], 'is not a text file');
m(create(['--env-file', bin]), `Invalid --env-file: ${bin} is not a text file`);
m(create(['--env-file', subdir]), `Invalid --env-file: open ${subdir}: is a directory`);
m(create(['-f', subdir]), `open ${subdir}: is a directory`);
m(['service', 'import', subdir, '-n', 'NS'], `open ${subdir}: is a directory`);
m(create(['-f', file('empty.yaml', '')]), 'empty file');
m(create(['-f', file('broken.yaml', 'spec: [unclosed\n')]), /^cannot parse .*broken\.yaml: /);
// Integer flags: what is wanted, not Go's strconv text
for (const f of ['--scale-min', '--scale-max', '--scale-init', '--scale-target', '--concurrency-limit', '--timeout', '--user', '--wait-timeout']) {
  m(create([f, 'abc']), `invalid argument "abc" for "${f}" flag: not a whole number; give an integer`);
}
m(create(['--timeout', '1.5']), 'invalid argument "1.5" for "--timeout" flag: not a whole number');
m(create(['--scale', '1..x']), 'invalid --scale 1..x: "x" is not a whole number');
m(create(['--scale', 'x..']), 'invalid --scale x..: "x" is not a whole number');

badInputSuite('bad input: flags that work and messages that say what to do', cases);
