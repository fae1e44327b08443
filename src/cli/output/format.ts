// Machine-readable output: `-o json|yaml|name|go-template…|jsonpath…` for one object or a list,
// as kn prints it through k8s.io/cli-runtime's printers:
// - JSON is indented with 4 spaces and escapes <, > and & (Go's encoding/json);
// - lists print as kn's unstructured list: `{"apiVersion": …, "items": […], "kind": "ServiceList"}`
//   with every key sorted (Go encodes maps sorted); a single object is kn's typed Go struct: keys
//   in the structs' field order, with the zero values Go always writes (field-order.ts);
// - YAML (sigs.k8s.io/yaml) sorts every key and does not indent list items under their key;
// - managedFields are dropped unless --show-managed-fields.
// `yaml` is imported only when YAML is asked for.
import { readFileSync } from 'node:fs';
import type * as YamlModule from 'yaml';
import type { KubeObject, ResourceType } from '../../api/meta.ts';
import { goObject } from './field-order.ts';
import { OUTPUT_FORMATS } from './formats.ts';
import { goJsonEscape } from './jsonpath.ts';

export { OUTPUT_FORMATS };

export interface OutputOptions {
  /** The raw -o value, e.g. `json` or `jsonpath={.metadata.name}`. */
  output: string;
  template?: string;
  allowMissingTemplateKeys?: boolean;
  showManagedFields?: boolean;
  /** Extra formats the command accepts besides the generic ones (describe: url). */
  extra?: string[];
}

export class OutputError extends Error {
  override name = 'OutputError';
}

interface ParsedFormat {
  format: string;
  template?: string;
}

/** Splits `-o jsonpath=…` and checks the format; throws kn/kubectl's messages. */
export function parseOutput(o: OutputOptions): ParsedFormat {
  const eq = o.output.indexOf('=');
  const format = (eq >= 0 ? o.output.slice(0, eq) : o.output).toLowerCase();
  let template = eq >= 0 ? o.output.slice(eq + 1) : o.template;
  const allowed = [...OUTPUT_FORMATS, ...(o.extra ?? [])];
  if (!allowed.includes(format)) {
    throw new OutputError(`unable to match a printer suitable for the output format "${o.output}", allowed formats are: ${[...allowed].sort().join(',')}`);
  }
  if (/template|jsonpath/.test(format)) {
    if (!template) throw new OutputError(`template format specified but no template given`);
    if (format.endsWith('-file') || format === 'templatefile') {
      try {
        template = readFileSync(template, 'utf8');
      } catch (e) {
        throw new OutputError(`error reading --template ${template}, ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
      }
    }
  }
  return { format, template };
}

/** Checks an -o value before any API call (so a bad template fails before anything is read). */
export async function validateOutput(o: OutputOptions): Promise<void> {
  const p = parseOutput(o);
  if (p.format.startsWith('jsonpath')) {
    const { parseJsonPath } = await import('./jsonpath.ts');
    try {
      parseJsonPath(p.template!);
    } catch (e) {
      throw new OutputError(`error parsing jsonpath ${p.template}, ${(e as Error).message}`);
    }
  } else if (p.format.includes('template')) {
    const { parseGoTemplate } = await import('./gotemplate.ts');
    try {
      parseGoTemplate(p.template!);
    } catch (e) {
      throw new OutputError(`error parsing template ${p.template}, ${(e as Error).message}`);
    }
  }
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) out[k] = sortDeep(o[k]);
    return out;
  }
  return v;
}

/** One object as kn's typed printers see it: GVK set, managedFields dropped unless asked, keys in
 * the Go structs' order with the zero values Go always writes (field-order.ts). */
export function prepareObject(obj: KubeObject, r: ResourceType, showManagedFields = false): KubeObject {
  const { managedFields: _mf, ...meta } = obj.metadata as Record<string, unknown>;
  const typed = { ...obj, kind: r.kind, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, metadata: showManagedFields ? obj.metadata : meta };
  return goObject(typed, r.kind) as KubeObject;
}

/** A list as kn prints it: unstructured, keys sorted, kind `<Kind>List`. */
export function prepareList(items: KubeObject[], r: ResourceType, showManagedFields = false): Record<string, unknown> {
  return sortDeep({
    apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
    items: items.map((i) => prepareObject(i, r, showManagedFields)),
    kind: `${r.kind}List`,
  }) as Record<string, unknown>;
}

export function toJson(v: unknown): string {
  return goJsonEscape(JSON.stringify(v, null, 4)) + '\n';
}

export async function toYaml(v: unknown): Promise<string> {
  // Depending on the loader, yaml's functions sit on the namespace or on its default export.
  const m = (await import('yaml')) as typeof YamlModule & { default?: typeof YamlModule };
  const stringify = m.stringify ?? m.default!.stringify;
  return stringify(sortDeep(v), { indentSeq: false, lineWidth: 0, minContentWidth: 0, version: '1.1', aliasDuplicateObjects: false });
}

/** `service.serving.knative.dev/hello` */
export function nameOf(obj: KubeObject, r: ResourceType): string {
  return `${r.kind.toLowerCase()}${r.group ? `.${r.group}` : ''}/${obj.metadata.name ?? ''}`;
}

/** Prints a single object or a list (items) in the requested machine-readable format. */
export async function formatOutput(data: { object: KubeObject } | { items: KubeObject[] }, r: ResourceType, o: OutputOptions): Promise<string> {
  const p = parseOutput(o);
  const value = 'object' in data ? prepareObject(data.object, r, o.showManagedFields) : prepareList(data.items, r, o.showManagedFields);
  const allowMissingKeys = o.allowMissingTemplateKeys ?? true;
  switch (p.format) {
    case 'json':
      return toJson(value);
    case 'yaml':
      return toYaml(value);
    case 'name': {
      const objs = 'object' in data ? [data.object] : data.items;
      return objs.map((x) => nameOf(x, r) + '\n').join('');
    }
    case 'jsonpath':
    case 'jsonpath-file':
    case 'jsonpath-as-json': {
      const jp = await import('./jsonpath.ts');
      let nodes;
      try {
        nodes = jp.parseJsonPath(p.template!);
      } catch (e) {
        throw new OutputError(`error parsing jsonpath ${p.template}, ${(e as Error).message}`);
      }
      try {
        return p.format === 'jsonpath-as-json' ? jp.executeJsonPathAsJson(nodes, value, { allowMissingKeys }) : jp.executeJsonPath(nodes, value, { allowMissingKeys });
      } catch (e) {
        throw new OutputError(`error executing jsonpath "${p.template}": Error executing template: ${(e as Error).message}`);
      }
    }
    default: {
      const gt = await import('./gotemplate.ts');
      let nodes;
      try {
        nodes = gt.parseGoTemplate(p.template!);
      } catch (e) {
        throw new OutputError(`error parsing template ${p.template}, ${(e as Error).message}`);
      }
      try {
        return gt.executeGoTemplate(nodes, value, { allowMissingKeys });
      } catch (e) {
        throw new OutputError(`error executing template "${p.template}": ${(e as Error).message}`);
      }
    }
  }
}
