// Offline `--target` mode of `kn service create|update|delete|list|describe` (upstream
// pkg/serving/v1/gitops.go): Services kept as files instead of on a cluster.
//   file mode:      the value ends in .yaml, .yml or .json; that one file is read and written
//   directory mode: anything else; each Service at <dir>/<namespace>/ksvc/<name>.yaml
// No cluster is contacted in this mode.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Service } from '../../api/serving/types.ts';
import { goService, serialize, type OutputFormat } from './export.ts';
import { UserError } from '../errors.ts';
import { textFileProblem, yamlProblem } from '../files.ts';
import { notFound } from './messages.ts';

const KSVC = 'ksvc';

export interface TargetMode {
  fileMode: boolean;
  format: OutputFormat;
}

export function targetMode(target: string): TargetMode {
  if (target.endsWith('.yaml') || target.endsWith('.yml')) return { fileMode: true, format: 'yaml' };
  if (target.endsWith('.json')) return { fileMode: true, format: 'json' };
  return { fileMode: false, format: 'yaml' };
}

/** `--target ''` never means "the cluster": it is an error (an unset variable in a script). */
export function checkTargetFlag(target: string | undefined): void {
  if (target === '') {
    throw new UserError("--target needs a directory or a .yaml/.json file, got an empty string; leave --target out to work on the cluster");
  }
}

export const dirMissing = (dir: string) => `directory '${dir}' not present, please create the directory and try again`;

/** An error that reads like the API server's NotFound, so callers treat both alike. */
export class TargetNotFound extends Error {
  override name = 'TargetNotFound';
  readonly code = 404;
}

/** Parses a YAML or JSON Service document (the first document of a YAML stream). */
export function parseServiceDocument(text: string, source: string): Service {
  const notText = textFileProblem(text);
  if (notText) throw new UserError(`cannot parse ${source}: the file ${notText}; give a YAML or JSON Service`);
  let obj: unknown;
  const trimmed = text.trimStart();
  try {
    if (trimmed.startsWith('{')) obj = JSON.parse(text);
    else {
      const docs = parseAllDocuments(text);
      const first = Array.isArray(docs) ? docs.find((d) => d.contents !== null) : undefined;
      if (first?.errors.length) throw first.errors[0];
      obj = first?.toJS() ?? null;
    }
  } catch (e) {
    throw new Error(`cannot parse ${source}: ${yamlProblem(e)}`, { cause: e });
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw new Error(`cannot parse ${source}: expected a Service object`);
  }
  const svc = obj as Service;
  svc.metadata ??= {};
  return svc;
}

export class TargetStore {
  readonly target: string;
  readonly namespace: string;
  readonly mode: TargetMode;

  constructor(target: string, namespace: string) {
    this.target = target;
    this.namespace = namespace;
    this.mode = targetMode(target);
  }

  /** The file that holds the Service `name`. */
  path(name: string): string {
    return this.mode.fileMode ? this.target : join(this.target, this.namespace, KSVC, `${name}.yaml`);
  }

  find(name: string): Service | undefined {
    const p = this.path(name);
    if (!existsSync(p)) return undefined;
    return parseServiceDocument(readFileSync(p, 'utf8'), p);
  }

  get(name: string): Service {
    const svc = this.find(name);
    if (!svc) throw new TargetNotFound(notFound(name));
    return svc;
  }

  /** Writes the Service (create or replace); in directory mode the directory must exist. */
  write(svc: Service): void {
    const out: Service = { ...svc, apiVersion: 'serving.knative.dev/v1', kind: 'Service' };
    if (!this.mode.fileMode && !existsSync(this.target)) throw new Error(dirMissing(this.target));
    const p = this.path(out.metadata.name ?? '');
    mkdirSync(dirname(p), { recursive: true, mode: 0o755 });
    writeFileSync(p, serialize(goService(out), this.mode.format));
  }

  /** Replaces an existing file; NotFound when there is none. */
  update(svc: Service): void {
    this.get(svc.metadata.name ?? '');
    this.write(svc);
  }

  delete(name: string): void {
    const p = this.path(name);
    try {
      unlinkSync(p);
    } catch (e) {
      const code = (e as { code?: string }).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
      throw new Error(`remove ${p}: ${why}`, { cause: e });
    }
  }

  /** The Services under <dir>/<namespace> (all namespaces when allNamespaces), or the one file. */
  list(allNamespaces = false): Service[] {
    if (this.mode.fileMode) return [this.get('')];
    const root = allNamespaces ? this.target : join(this.target, this.namespace);
    if (!existsSync(root)) throw new Error(`stat ${root}: no such file or directory`);
    const out: Service[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir).sort()) {
        const p = join(dir, entry);
        if (statSync(p).isDirectory()) walk(p);
        else if (entry.endsWith('.yaml') && p.includes(KSVC)) out.push(parseServiceDocument(readFileSync(p, 'utf8'), p));
      }
    };
    walk(root);
    return out;
  }
}
