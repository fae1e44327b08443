// Small wrappers of the kind, docker and minikube command lines: each call is an Invocation (a
// plain value, so --dry-run prints exactly what a real run executes) plus helpers that run one
// and turn failures into one-line QuickstartErrors.
import { QuickstartError } from './errors.ts';
import { controlPlaneImage, kindConfig, kindNodeImage, minikubeKubernetesVersion, type QuickstartOptions } from './options.ts';
import { type RunResult, type Runner, shellLine } from './runner.ts';

export interface Invocation {
  cmd: string;
  args: string[];
  /** stdin */
  input?: string;
  cwd?: string;
}

export const inv = (cmd: string, args: string[], extra: Partial<Invocation> = {}): Invocation => ({ cmd, args, ...extra });

export function describeInvocation(i: Invocation): string {
  return `$ ${shellLine(i.cmd, i.args)}${i.input !== undefined ? ' <<EOF' : ''}`;
}

/** Runs i; a non-zero exit becomes a QuickstartError: `<what> failed (<cmd> exited N): <last stderr line>; <fix>`. */
export async function runOrFail(runner: Runner, i: Invocation, what: string, fix: string, onLine?: (l: string) => void): Promise<RunResult> {
  let r: RunResult;
  try {
    r = await runner.run(i.cmd, i.args, { input: i.input, cwd: i.cwd, onLine });
  } catch (e) {
    throw new QuickstartError(`${what} failed: ${(e as Error).message}; ${fix}`);
  }
  if (r.exitCode !== 0) throw new QuickstartError(`${what} failed (${i.cmd} exited with ${r.exitCode}): ${lastLine(r)}; ${fix}`);
  return r;
}

/**
 * Lines a Go CLI prints when it crashes or its --format template fails (panics, goroutine dumps,
 * `template: :1:2: executing …`): never the explanation a user needs, so never quoted in a message.
 */
const NOISE = /^(panic:|goroutine \d+ \[|\[recovered\]|created by |exit status \d+$|\/\S*\.go:\d+|[\w./*()-]+\(.*\)$)|^(template parsing error|template:)|executing "[^"]*" at <|can't evaluate field/i;

/** The most telling line of a failed command's output: the last ERROR line, else the last line of stderr (crash and template noise skipped). */
export function lastLine(r: Pick<RunResult, 'stdout' | 'stderr'>): string {
  const clean = (t: string) =>
    t
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !NOISE.test(l));
  const lines = clean(`${r.stderr}\n${r.stdout}`);
  const err = [...lines].reverse().find((l) => /^(ERROR|Error|error)[: ]/.test(l));
  const quiet = `${r.stderr}${r.stdout}`.trim() ? 'no readable message (only a Go template error or crash dump, not shown)' : 'no output';
  const pick = err ?? clean(r.stderr).pop() ?? lines.pop() ?? quiet;
  return pick.replace(/^(ERROR|Error|error):\s*/, '');
}

// --- docker -------------------------------------------------------------------------------------

export const docker = {
  /**
   * The engine probe. `{{json .}}` is the one --format template every docker CLI since 1.8 (and
   * podman's) evaluates without error whatever the engine's state; field templates such as
   * `{{.ServerVersion}}` make older clients (Debian's docker.io 20.10) fail or panic when the
   * engine is down, and their template errors are no help to a user.
   */
  probe: (): Invocation => inv('docker', ['version', '--format', '{{json .}}']),
  build: (o: Pick<QuickstartOptions, 'root' | 'version' | 'image'>): Invocation =>
    inv('docker', ['build', '-t', controlPlaneImage({ version: o.version }), '-f', `${o.root}/Dockerfile`, o.root]),
};

export type EngineState = { ok: true; version: string } | { ok: false; problem: string; fix: string };

/** What `docker version --format '{{json .}}'` says about the engine, as a problem and its fix. */
export function engineState(r: RunResult): EngineState {
  const json = r.stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.startsWith('{'));
  let server: string | undefined;
  try {
    server = (JSON.parse(json ?? 'null') as { Server?: { Version?: string } | null } | null)?.Server?.Version;
  } catch {
    /* an unexpected answer: judged by the exit code alone */
  }
  if (r.exitCode === 0) return { ok: true, version: server ?? 'unknown version' };
  const text = `${r.stderr}\n${r.stdout}`;
  if (/permission denied/i.test(text)) {
    return {
      ok: false,
      problem: 'your user may not use the Docker engine (permission denied on its socket)',
      fix: "add yourself to the docker group ('sudo usermod -aG docker $USER', then log in again) or use rootless Docker",
    };
  }
  const why = lastLine(r);
  if (/cannot connect to the docker daemon|is the docker daemon running|docker\.sock|connection refused|daemon is not running/i.test(text)) {
    return { ok: false, problem: `the Docker engine is not running (docker: ${why})`, fix: "start Docker Desktop or 'sudo systemctl start docker'" };
  }
  return { ok: false, problem: `the Docker engine does not answer ('docker version' exited with ${r.exitCode}: ${why})`, fix: "check 'docker version' and 'docker info'" };
}

export interface Dependency {
  tool: string;
  /** How to install it: "install kind v0.30 or newer (…)". */
  install: string;
}

const joinAnd = (xs: string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

/**
 * Checks every dependency before anything runs, and reports ALL that is wrong in one line: each
 * missing tool with how to install it and, when docker is needed and present, a stopped or
 * unreachable engine. Returns the engine's version when it was probed.
 */
export async function checkDependencies(runner: Runner, needs: Dependency[], again: string, o: { probeDocker?: boolean } = {}): Promise<{ docker?: string }> {
  const missing = needs.filter((n) => !runner.which(n.tool));
  const problems: string[] = [];
  const fixes: string[] = [];
  if (missing.length) {
    problems.push(`${joinAnd(missing.map((m) => m.tool))} ${missing.length > 1 ? 'are' : 'is'} not installed`);
    fixes.push(...missing.map((m) => m.install));
  }
  let version: string | undefined;
  if (o.probeDocker && !missing.some((m) => m.tool === 'docker')) {
    const p = docker.probe();
    let state: EngineState;
    try {
      state = engineState(await runner.run(p.cmd, p.args));
    } catch (e) {
      state = { ok: false, problem: `docker cannot be run (${(e as Error).message})`, fix: 'reinstall Docker' };
    }
    if (state.ok) version = state.version;
    else {
      problems.push(state.problem);
      fixes.push(state.fix);
    }
  }
  if (problems.length) throw new QuickstartError(`${problems.join(', and ')}: ${fixes.join('; ')}; ${again}`);
  return { docker: version };
}

// --- kind ---------------------------------------------------------------------------------------

export const kind = {
  version: (): Invocation => inv('kind', ['version', '-q']),
  getClusters: (): Invocation => inv('kind', ['get', 'clusters']),
  create: (o: Pick<QuickstartOptions, 'name' | 'kubernetesVersion' | 'port' | 'extraMountHostPath' | 'extraMountContainerPath'>): Invocation =>
    inv('kind', ['create', 'cluster', '--name', o.name, '--image', kindNodeImage(o.kubernetesVersion), '--config', '-'], { input: kindConfig(o) }),
  getKubeconfig: (name: string): Invocation => inv('kind', ['get', 'kubeconfig', '--name', name]),
  load: (image: string, name: string): Invocation => inv('kind', ['load', 'docker-image', image, '--name', name]),
  delete: (name: string): Invocation => inv('kind', ['delete', 'cluster', '--name', name]),
};

/** Cluster names from `kind get clusters` ("No kind clusters found." goes to stderr). */
export function parseKindClusters(stdout: string): string[] {
  return stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^No kind clusters found/.test(l));
}

// --- minikube -----------------------------------------------------------------------------------

export const minikube = {
  version: (): Invocation => inv('minikube', ['version', '--short']),
  profiles: (): Invocation => inv('minikube', ['profile', 'list', '--output', 'json']),
  start: (o: Pick<QuickstartOptions, 'name' | 'kubernetesVersion'>): Invocation =>
    inv('minikube', ['start', '--profile', o.name, '--kubernetes-version', minikubeKubernetesVersion(o.kubernetesVersion), '--cpus', '2', '--memory', '2048']),
  /** Builds the image inside minikube's container runtime: no local Docker needed. */
  imageBuild: (o: Pick<QuickstartOptions, 'name' | 'root' | 'version'>): Invocation =>
    inv('minikube', ['image', 'build', '--profile', o.name, '-t', controlPlaneImage({ version: o.version }), '-f', 'Dockerfile', o.root]),
  imageLoad: (image: string, name: string): Invocation => inv('minikube', ['image', 'load', '--profile', name, image]),
};

/** Profile names from `minikube profile list -o json` ({valid:[{Name}], invalid:[{Name}]}). */
export function parseMinikubeProfiles(stdout: string): { valid: string[]; invalid: string[] } {
  try {
    const j = JSON.parse(stdout) as { valid?: { Name?: string }[]; invalid?: { Name?: string }[] };
    return {
      valid: (j.valid ?? []).map((p) => p.Name ?? '').filter(Boolean),
      invalid: (j.invalid ?? []).map((p) => p.Name ?? '').filter(Boolean),
    };
  } catch {
    return { valid: [], invalid: [] };
  }
}
