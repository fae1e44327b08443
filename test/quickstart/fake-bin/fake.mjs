// The recording fakes of kind, docker and minikube for test/quickstart (no Docker engine and no
// kind on the machines the tests run on). `kind`, `docker` and `minikube` in this folder exec
// this script. Each call appends {tool, argv, stdin} as a JSON line to $FAKE_LOG and behaves per
// environment variables:
//   FAKE_STATE_DIR            where created clusters/profiles are remembered (a file per name)
//   FAKE_TARGET_KUBECONFIG    the kubeconfig of the real test API server the "cluster" points at
//   KUBECONFIG                where `kind create cluster` / `minikube start` write the context (as the real tools do)
//   FAKE_DOCKER_DOWN=1        `docker version`/`docker info` fail as with a stopped engine
//   FAKE_DOCKER_DENIED=1      `docker version` fails as for a user outside the docker group
//   FAKE_DOCKER_CLIENT=debian-20.10  Debian's docker.io client: any --format template but {{json .}} fails with a Go template error and a panic
//   FAKE_DOCKER_BUILD_FAIL=1  `docker build` fails
//   FAKE_KIND_CREATE_FAIL=msg `kind create cluster` fails with "ERROR: msg"
//   FAKE_KIND_VERSION         what `kind version -q` prints (default 0.30.0)
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';

const tool = process.argv[2];
const argv = process.argv.slice(3);
const env = process.env;
const readStdin = () => {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
};
const stdin = (tool === 'kind' && argv[0] === 'create') ? readStdin() : undefined;
if (env.FAKE_LOG) appendFileSync(env.FAKE_LOG, JSON.stringify({ tool, argv, t: Date.now(), ...(stdin !== undefined ? { stdin } : {}) }) + '\n');

const state = env.FAKE_STATE_DIR ?? '/tmp/kn-ts-fake-state';
mkdirSync(join(state, tool), { recursive: true });
const out = (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');
const err = (s) => process.stderr.write(s.endsWith('\n') ? s : s + '\n');
const flag = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

/** The test API server's kubeconfig with its context renamed (kind-<name> or <name>). */
function kubeconfigFor(context) {
  const src = env.FAKE_TARGET_KUBECONFIG;
  if (!src) {
    err('fake: FAKE_TARGET_KUBECONFIG is not set');
    process.exit(3);
  }
  const kc = parse(readFileSync(src, 'utf8'));
  kc.clusters = kc.clusters.map((c) => ({ ...c, name: context }));
  kc.users = kc.users.map((u) => ({ ...u, name: context }));
  kc.contexts = [{ name: context, context: { cluster: context, user: context } }];
  kc['current-context'] = context;
  return stringify(kc);
}

function writeKubeconfig(context) {
  if (env.KUBECONFIG) writeFileSync(env.KUBECONFIG.split(':')[0], kubeconfigFor(context));
}

const exists = (name) => existsSync(join(state, tool, name));

if (tool === 'docker') {
  const down = () => err('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
  const denied = () =>
    err('permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.41/version": dial unix /var/run/docker.sock: connect: permission denied');
  const format = flag('--format') ?? flag('-f');
  if ((argv[0] === 'info' || argv[0] === 'version') && env.FAKE_DOCKER_CLIENT === 'debian-20.10' && format !== undefined && format !== '{{json .}}') {
    // Debian's docker.io 20.10 client: a field template on a struct it lays out differently (or
    // that is nil while the engine is down) ends in a Go template error and a goroutine dump.
    err(`template: :1:2: executing "" at <${format.replace(/[{}]/g, '')}>: can't evaluate field ${format.replace(/[{}.]/g, '')} in type types.Info`);
    err('panic: reflect: indirection through nil pointer to embedded struct [recovered]');
    err('goroutine 1 [running]:');
    err('text/template.errRecover(0xc0007972e8)');
    err('\t/usr/lib/go-1.19/src/text/template/exec.go:169 +0x1c5');
    process.exit(2);
  }
  if (argv[0] === 'version') {
    const client = { Version: env.FAKE_DOCKER_CLIENT === 'debian-20.10' ? '20.10.24+dfsg1' : '27.3.1', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' };
    if (env.FAKE_DOCKER_DOWN || env.FAKE_DOCKER_DENIED) {
      out(JSON.stringify({ Client: client, Server: null }));
      if (env.FAKE_DOCKER_DENIED) denied();
      else down();
      process.exit(1);
    }
    out(JSON.stringify({ Client: client, Server: { Version: env.FAKE_DOCKER_CLIENT === 'debian-20.10' ? '20.10.24+dfsg1' : '27.3.1', ApiVersion: '1.41' } }));
  } else if (argv[0] === 'info') {
    if (env.FAKE_DOCKER_DOWN) {
      down();
      process.exit(1);
    }
    out('27.3.1');
  } else if (argv[0] === 'image' && argv[1] === 'inspect') {
    // The labels the last fake build gave the image (kept in the state folder).
    const f = join(state, 'docker-images', encodeURIComponent(argv.at(-1)));
    if (!existsSync(f)) {
      err(`Error response from daemon: No such image: ${argv.at(-1)}`);
      process.exit(1);
    }
    out(readFileSync(f, 'utf8'));
  } else if (argv[0] === 'build') {
    out('#1 [internal] load build definition from Dockerfile');
    if (env.FAKE_DOCKER_BUILD_FAIL) {
      out('#12 [build 7/7] RUN npm run build');
      err('ERROR: failed to solve: process "/bin/sh -c npm run build" did not complete successfully: exit code: 2');
      process.exit(1);
    }
    out(`#14 naming to ${flag('-t')} done`);
    const labels = Object.fromEntries(argv.flatMap((a, i) => (argv[i - 1] === '--label' ? [a.split(/=(.*)/s).slice(0, 2)] : [])));
    mkdirSync(join(state, 'docker-images'), { recursive: true });
    writeFileSync(join(state, 'docker-images', encodeURIComponent(flag('-t'))), JSON.stringify(labels));
  } else {
    err(`fake docker: unexpected ${argv.join(' ')}`);
    process.exit(2);
  }
} else if (tool === 'kind') {
  const sub = argv.slice(0, 2).join(' ');
  if (argv[0] === 'version') out(env.FAKE_KIND_VERSION ?? '0.30.0');
  else if (sub === 'get clusters') {
    const names = readdirSync(join(state, 'kind'));
    if (names.length) out(names.join('\n'));
    else err('No kind clusters found.');
  } else if (sub === 'create cluster') {
    const name = flag('--name') ?? 'kind';
    out(`Creating cluster "${name}" ...`);
    if (env.FAKE_KIND_CREATE_FAIL) {
      err(` ✗ Starting control-plane 🕹️`);
      err(`ERROR: ${env.FAKE_KIND_CREATE_FAIL}`);
      process.exit(1);
    }
    writeFileSync(join(state, 'kind', name), stdin ?? '');
    writeKubeconfig(`kind-${name}`);
    out(` ✓ Starting control-plane 🕹️`);
    out(`Set kubectl context to "kind-${name}"`);
  } else if (sub === 'get kubeconfig') {
    const name = flag('--name') ?? 'kind';
    if (!exists(name)) {
      err(`ERROR: could not locate any control plane nodes for cluster named '${name}'`);
      process.exit(1);
    }
    out(kubeconfigFor(`kind-${name}`));
  } else if (sub === 'load docker-image') {
    if (!exists(flag('--name') ?? 'kind')) {
      err(`ERROR: no nodes found for cluster "${flag('--name') ?? 'kind'}"`);
      process.exit(1);
    }
    out(`Image: "${argv[2]}" with ID "sha256:0123" not yet present on node "${flag('--name')}-control-plane", loading...`);
  } else if (sub === 'delete cluster') {
    rmSync(join(state, 'kind', flag('--name') ?? 'kind'), { force: true });
  } else {
    err(`fake kind: unexpected ${argv.join(' ')}`);
    process.exit(2);
  }
} else if (tool === 'minikube') {
  const sub = argv.slice(0, 2).join(' ');
  if (argv[0] === 'version') out('v1.37.0');
  else if (sub === 'profile list') {
    const names = readdirSync(join(state, 'minikube'));
    if (!names.length) {
      err('❌  Exiting due to MK_USAGE_NO_PROFILE: No minikube profile was found.');
      process.exit(14);
    }
    out(JSON.stringify({ invalid: [], valid: names.map((Name) => ({ Name, Status: 'OK' })) }));
  } else if (argv[0] === 'start') {
    const name = flag('--profile') ?? 'minikube';
    writeFileSync(join(state, 'minikube', name), '');
    writeKubeconfig(name);
    out(`🏄  Done! kubectl is now configured to use "${name}" cluster`);
  } else if (sub === 'image build' || sub === 'image load') {
    out('done');
  } else {
    err(`fake minikube: unexpected ${argv.join(' ')}`);
    process.exit(2);
  }
} else {
  err(`fake: unknown tool ${basename(tool ?? '')}`);
  process.exit(2);
}
