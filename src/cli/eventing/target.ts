// Offline --target for `kn broker` and `kn trigger` (upstream has it for services only): the
// objects kept as files, <dir>/<namespace>/<broker|trigger>/<name>.yaml, or one .yaml/.json file.
// No cluster is contacted in this mode.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { KubeObject } from '../../api/meta.ts';
import { dirMissing, TargetNotFound, targetMode } from '../serving/target.ts';

export class EventingTarget<T extends KubeObject> {
  private readonly fileMode: boolean;
  private readonly json: boolean;
  readonly target: string;
  readonly namespace: string;
  readonly kind: 'Broker' | 'Trigger';
  constructor(target: string, namespace: string, kind: 'Broker' | 'Trigger') {
    this.target = target;
    this.namespace = namespace;
    this.kind = kind;
    const m = targetMode(target);
    this.fileMode = m.fileMode;
    this.json = m.format === 'json';
  }
  private path(name: string, ns = this.namespace): string {
    return this.fileMode ? this.target : join(this.target, ns, this.kind.toLowerCase(), `${name}.yaml`);
  }
  find(name: string): T | undefined {
    const p = this.path(name);
    if (!existsSync(p)) return undefined;
    const o = parse(readFileSync(p, 'utf8')) as T | null;
    if (!o || o.kind !== this.kind) throw new Error(`cannot parse ${p}: expected a ${this.kind} object`);
    return o;
  }
  get(name: string): T {
    const o = this.find(name);
    if (!o || (this.fileMode && o.metadata.name !== name)) throw new TargetNotFound(`${this.kind.toLowerCase()}s.eventing.knative.dev "${name}" not found`);
    return o;
  }
  write(o: T): void {
    if (!this.fileMode && !existsSync(this.target)) throw new Error(dirMissing(this.target));
    const p = this.path(o.metadata.name ?? '', o.metadata.namespace);
    mkdirSync(dirname(p), { recursive: true, mode: 0o755 });
    writeFileSync(p, this.json ? `${JSON.stringify(o, null, 2)}\n` : stringify(o));
  }
  delete(name: string): void {
    this.get(name);
    unlinkSync(this.path(name));
  }
  list(allNamespaces: boolean): T[] {
    if (this.fileMode) {
      const o = existsSync(this.target) ? (parse(readFileSync(this.target, 'utf8')) as T | null) : null;
      return o && o.kind === this.kind ? [o] : [];
    }
    const root = allNamespaces ? this.target : join(this.target, this.namespace);
    if (!existsSync(root)) return [];
    const out: T[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir).sort()) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (e.endsWith('.yaml') && dirname(p).endsWith(this.kind.toLowerCase())) out.push(parse(readFileSync(p, 'utf8')) as T);
      }
    };
    walk(root);
    return out;
  }
}
