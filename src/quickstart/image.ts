// The control-plane image, built with no network inside `docker build`: the build context is staged
// from the local install (the files the Dockerfile's runtime stage copies, with production
// node_modules only) and built with `--network=none` from that stage alone. The repository's
// Dockerfile stays the one description of the image: its runtime stage is used as it is, with each
// `COPY --from=<stage> /path/x dest` read as `COPY x dest` from the staged context. `docker build .`
// of the repository (which runs `npm ci` in its first stages) works unchanged for people who build
// it by hand with a registry in reach.
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { QuickstartError } from './errors.ts';
import { type Invocation, inv } from './tools.ts';

/** The comment line that starts the runtime stage in the Dockerfile. */
export const RUNTIME_MARKER = '# --- runtime';

export interface StagedDockerfile {
  /** The runtime stage, reading every COPY source from the staged context. */
  text: string;
  /** What the context must hold (top-level names), in COPY order. */
  sources: string[];
}

/**
 * The Dockerfile's runtime stage as a Dockerfile of its own: from the RUNTIME_MARKER line to the end,
 * `COPY --from=<stage> /abs/path/name dest` → `COPY name dest`. Throws when the stage is missing or
 * a COPY cannot be read from a staged context.
 */
export function runtimeDockerfile(dockerfile: string, file = 'Dockerfile'): StagedDockerfile {
  const lines = dockerfile.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith(RUNTIME_MARKER));
  if (start < 0) throw new QuickstartError(`${file} has no '${RUNTIME_MARKER}' stage to build the control-plane image from: restore it from the kn-ts repository`);
  const sources: string[] = [];
  const out = lines.slice(start).map((l) => {
    const m = /^COPY\s+(.*)$/i.exec(l.trim());
    if (!m) return l;
    const words = m[1]!.split(/\s+/);
    const from = words.find((w) => w.startsWith('--from='));
    const plain = words.filter((w) => !w.startsWith('--'));
    if (plain.length !== 2 || words.some((w) => w.startsWith('--') && !w.startsWith('--from='))) {
      throw new QuickstartError(`${file}: cannot stage '${l.trim()}' (the runtime stage's COPY lines must be 'COPY [--from=<stage>] <source> <dest>')`);
    }
    const src = from ? basename(plain[0]!) : plain[0]!;
    if (src.includes('/') || src === '.' || src === '..') throw new QuickstartError(`${file}: cannot stage '${l.trim()}': copy a top-level file or folder`);
    sources.push(src);
    return `COPY ${src} ${plain[1]}`;
  });
  return { text: out.join('\n'), sources };
}

interface LockEntry {
  dev?: boolean;
  link?: boolean;
}

/**
 * The installed package folders that `npm ci --omit=dev` keeps, from package-lock.json's "packages"
 * (paths like node_modules/a and node_modules/a/node_modules/b), or undefined without a lock file
 * (an `npm install -g` of kn-ts: its node_modules holds production dependencies only).
 */
export function productionPackages(lockText: string | undefined): string[] | undefined {
  if (lockText === undefined) return undefined;
  const lock = JSON.parse(lockText) as { packages?: Record<string, LockEntry> };
  return Object.entries(lock.packages ?? {})
    .filter(([path, e]) => path.startsWith('node_modules/') && !e.dev && !e.link)
    .map(([path]) => path)
    .sort();
}

/** What a package ships that Node never loads at run time: type declarations and source maps. */
export const NOT_RUNTIME = /\.(d\.[cm]?ts|map)$/;

/** Where stageTree puts what it walks: a real folder (stageInto) or a list of what would be there. */
interface Sink {
  dir(to: string): void;
  file(from: string, to: string): void;
  symlink(target: string, to: string): void;
}

/**
 * Files as hard links where the file system allows it (the context is only read, by docker, and is
 * removed after the build: nothing is written but folders), else as copies.
 */
const stageInto: Sink = {
  dir: (to) => mkdirSync(to, { recursive: true }),
  file: (from, to) => {
    mkdirSync(dirname(to), { recursive: true });
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  },
  symlink: (target, to) => symlinkSync(target, to),
};

/**
 * Puts the file or folder `from` at `to` through the sink. In node_modules, NOT_RUNTIME files are
 * left out (runtimeOnly), and with skipNested the nested node_modules folders of a package (the lock
 * file lists those packages on their own).
 */
export function stageTree(from: string, to: string, o: { runtimeOnly?: boolean; skipNested?: boolean } = {}, sink: Sink = stageInto): void {
  const st = statSync(from);
  if (!st.isDirectory()) {
    sink.file(from, to);
    return;
  }
  sink.dir(to);
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isDirectory()) {
      if (!(o.skipNested && e.name === 'node_modules')) stageTree(src, dst, o, sink);
    } else if (e.isSymbolicLink()) sink.symlink(readlinkSync(src), dst);
    else if (e.isFile() && !(o.runtimeOnly && NOT_RUNTIME.test(e.name))) stageTree(src, dst, {}, sink);
  }
}

/** Stages the production dependencies of root into dest/node_modules. */
function stageNodeModules(root: string, dest: string, sink: Sink): void {
  const lockFile = join(root, 'package-lock.json');
  const pkgs = productionPackages(existsSync(lockFile) ? readFileSync(lockFile, 'utf8') : undefined);
  if (!pkgs) {
    stageTree(join(root, 'node_modules'), join(dest, 'node_modules'), { runtimeOnly: true }, sink);
    return;
  }
  for (const p of pkgs) {
    const from = join(root, p);
    // Optional packages for other platforms are in the lock file but not installed.
    if (!existsSync(from)) continue;
    // Each package without its nested node_modules (nested packages are entries of their own) and
    // without what is never loaded at run time.
    stageTree(from, join(dest, p), { runtimeOnly: true, skipNested: true }, sink);
  }
}

/** The runtime stage of root's Dockerfile, with a clear error for each part of the install that is missing. */
function stagedDockerfile(root: string): StagedDockerfile {
  const dockerfile = join(root, 'Dockerfile');
  if (!existsSync(dockerfile)) {
    throw new QuickstartError(`there is no Dockerfile in ${root} to build the control-plane image from: run kn from a kn-ts source checkout, or pass --image <published image>`);
  }
  const staged = runtimeDockerfile(readFileSync(dockerfile, 'utf8'));
  for (const s of staged.sources) {
    if (!existsSync(join(root, s))) {
      const fix = s === 'dist' || s === 'oclif.manifest.json' ? "run 'npm run build' in it" : s === 'node_modules' ? "run 'npm ci' in it" : 'reinstall kn-ts';
      throw new QuickstartError(`the control-plane image needs ${s} from ${root}, which is missing: ${fix}, then run 'kn quickstart kind' again`);
    }
  }
  return staged;
}

function walkContext(root: string, staged: StagedDockerfile, dir: string, sink: Sink): void {
  for (const s of new Set(staged.sources)) {
    if (s === 'node_modules') stageNodeModules(root, dir, sink);
    else stageTree(join(root, s), join(dir, s), {}, sink);
  }
}

/** The label of the control-plane image that records which build context it was built from. */
export const CONTEXT_LABEL = 'dev.kn-ts.context';

/**
 * A fingerprint of the build context stageImageContext would stage, without staging it: the staged
 * Dockerfile and each file's path, size and modification time (a build or `npm ci` rewrites what it
 * changes). Equal fingerprints mean the image built from the earlier context is this one's.
 */
export function contextFingerprint(root: string): string {
  const staged = stagedDockerfile(root);
  const h = createHash('sha256').update(staged.text);
  const add = (kind: string, to: string, extra: string) => h.update(`\0${kind}\0${to}\0${extra}`);
  walkContext(root, staged, '', {
    dir: (to) => add('d', to, ''),
    file: (from, to) => {
      const st = statSync(from);
      add('f', to, `${st.size}:${st.mtimeMs}`);
    },
    symlink: (target, to) => add('l', to, target),
  });
  return h.digest('hex').slice(0, 32);
}

/**
 * Stages the control-plane image's build context in a new temporary folder: the runtime stage's
 * Dockerfile and every file it copies, from the local install at root. The caller removes it.
 */
export function stageImageContext(root: string): string {
  const staged = stagedDockerfile(root);
  const dir = mkdtempSync(join(tmpdir(), 'kn-ts-image-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), staged.text);
    walkContext(root, staged, dir, stageInto);
    return dir;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new QuickstartError(`staging the control-plane image's build context failed: ${(e as Error).message.split('\n')[0]}; check that ${root} is readable`);
  }
}

/** `docker build` of a staged context: nothing inside the build reaches a network. */
export function stagedBuild(image: string, context: string, fingerprint?: string): Invocation {
  return inv('docker', ['build', '--network=none', ...(fingerprint ? ['--label', `${CONTEXT_LABEL}=${fingerprint}`] : []), '-t', image, context]);
}

/** The context fingerprint the local image was built from (empty output when it has none or is not there). */
export function builtFingerprint(image: string): Invocation {
  return inv('docker', ['image', 'inspect', '--format', `{{json .Config.Labels}}`, image]);
}

/** The fingerprint in `docker image inspect --format '{{json .Config.Labels}}'` output, if any. */
export function parseBuiltFingerprint(stdout: string): string | undefined {
  try {
    const labels = JSON.parse(stdout.trim() || 'null') as Record<string, string> | null;
    return labels?.[CONTEXT_LABEL];
  } catch {
    return undefined;
  }
}

/** The --dry-run lines of the build. */
export function stagedBuildPlan(root: string, image: string): string[] {
  return [
    `stage a build context in a temporary folder: the runtime stage of ${join(root, 'Dockerfile')} and what it copies from ${root}`,
    '(dist/, bin/, manifests/, package.json, oclif.manifest.json; node_modules with production dependencies only)',
    `$ docker image inspect --format '{{json .Config.Labels}}' ${image}   (the build is skipped when its ${CONTEXT_LABEL} label is the context's fingerprint)`,
    `$ docker build --network=none --label ${CONTEXT_LABEL}=<fingerprint> -t ${image} <staged folder>   (started while kind creates the cluster)`,
  ];
}
