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

/** The most telling line of a failed command's output: the last ERROR line, else the last line of stderr. */
export function lastLine(r: Pick<RunResult, 'stdout' | 'stderr'>): string {
  const lines = `${r.stderr}\n${r.stdout}`
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const err = [...lines].reverse().find((l) => /^(ERROR|Error|error)[: ]/.test(l));
  const pick = err ?? r.stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).pop() ?? lines.pop() ?? 'no output';
  return pick.replace(/^(ERROR|Error|error):\s*/, '');
}

// --- docker -------------------------------------------------------------------------------------

export const docker = {
  info: (): Invocation => inv('docker', ['info', '--format', '{{.ServerVersion}}']),
  build: (o: Pick<QuickstartOptions, 'root' | 'version' | 'image'>): Invocation =>
    inv('docker', ['build', '-t', controlPlaneImage({ version: o.version }), '-f', `${o.root}/Dockerfile`, o.root]),
};

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
