// Printing a list or one object with the output flags (-o, --template, --no-headers, …), without
// oclif. Only the table code is loaded for the default output; format.ts (and yaml) load only when
// -o is given.
import type { KubeObject, ResourceType } from '../../api/meta.ts';
import type { Column } from './table.ts';

export interface OutputFlagValues {
  output?: string;
  template?: string;
  'allow-missing-template-keys'?: boolean;
  'show-managed-fields'?: boolean;
}

const options = (f: OutputFlagValues, extra?: string[]) => ({
  output: f.output ?? '',
  template: f.template,
  allowMissingTemplateKeys: f['allow-missing-template-keys'] ?? true,
  showManagedFields: f['show-managed-fields'] ?? false,
  extra,
});

/** Validates -o before anything is read from the cluster; a UserError-ready message on failure. */
export async function checkOutput(f: OutputFlagValues, extra?: string[]): Promise<string | undefined> {
  if (f.output === undefined) return undefined;
  const { validateOutput } = await import('./format.ts');
  try {
    await validateOutput(options(f, extra));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export async function printObject(obj: KubeObject, r: ResourceType, f: OutputFlagValues, extra?: string[]): Promise<void> {
  const { formatOutput } = await import('./format.ts');
  process.stdout.write(await formatOutput({ object: obj }, r, options(f, extra)));
}

export interface ListPrint<T extends KubeObject> {
  items: T[];
  resource: ResourceType;
  columns: Column<T>[];
  /** Printed instead of an empty table when no -o is given. */
  empty: string;
  withNamespace: boolean;
  namespaceCell?: (ns: string) => string;
  flags: OutputFlagValues & { 'no-headers'?: boolean };
}

export async function printList<T extends KubeObject>(p: ListPrint<T>): Promise<void> {
  if (p.flags.output !== undefined) {
    const { formatOutput } = await import('./format.ts');
    process.stdout.write(await formatOutput({ items: p.items }, p.resource, options(p.flags)));
    return;
  }
  if (!p.items.length) {
    process.stdout.write(`${p.empty}\n`);
    return;
  }
  const { renderTable } = await import('./table.ts');
  process.stdout.write(renderTable(p.columns, p.items, { noHeaders: p.flags['no-headers'], withNamespace: p.withNamespace, namespaceCell: p.namespaceCell }));
}
