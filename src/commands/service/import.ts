import { Args } from '@oclif/core';
import type { KubeObject } from '../../api/meta.ts';
import type { Revision, Service } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { checkName, SERVICE_NAME } from '../../cli/names.ts';
import { waitFlags } from '../../cli/serving/service.ts';

export default class ServiceImport extends KnCommand {
  static override summary = 'Import a service and its revisions (experimental)';
  static override description = 'Import a service and its revisions (experimental)';
  static override usage = 'service import FILENAME';
  static override examples = ['# Import a service from YAML file (Beta)', 'kn service import /path/to/file.yaml', '', '# Import a service from JSON file (Beta)', 'kn service import /path/to/file.json'];
  static override strict = false;
  static override args = { filename: Args.string({ description: 'export file' }) };
  static override flags = { ...namespaceFlag, ...waitFlags('import') };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ServiceImport);
    const m = await import('../../cli/serving/messages.ts');
    if (argv.length !== 1) throw this.userError(m.IMPORT_FILE_REQUIRED);
    const file = String(argv[0]);
    const s = await import('../../cli/serving/service.ts');
    const { parseServiceDocument } = await import('../../cli/serving/target.ts');
    const doc = parseServiceDocument(s.readFileGo(file), file) as unknown as { spec?: { service?: Service; revisions?: Revision[] | null } };
    const exported = doc.spec?.service;
    const svcName = exported?.metadata?.name ?? '';
    if (!exported || !svcName) throw this.userError(m.IMPORT_NO_NAME);
    checkName(SERVICE_NAME, svcName);

    const client = await this.client(flags);
    const namespace = await this.namespace(flags);
    const { R } = await import('../../api/resources.ts');
    if (await client.find(R.Service, svcName, namespace)) throw this.userError(m.importExists(svcName, namespace));
    const clean = <T extends KubeObject>(o: T): T => {
      const meta = { ...o.metadata, namespace } as Record<string, unknown>;
      if (meta.creationTimestamp === null) delete meta.creationTimestamp;
      const { status: _s, ...rest } = o as KubeObject & { status?: unknown };
      return { ...rest, metadata: meta } as unknown as T;
    };
    // Nothing half-done: every object is checked here and by the server (a dry run) before the first is written.
    const { checkImport } = await import('../../cli/serving/import-check.ts');
    checkImport(exported, doc.spec?.revisions ?? [], file);
    await client.create<Service>(R.Service, clean(exported), { dryRun: true });
    for (const r of doc.spec?.revisions ?? []) await client.create<Revision>(R.Revision, clean(r), { dryRun: true });
    await client.create<Service>(R.Service, clean(exported));

    // The Configuration is written by the Service controller; wait briefly for it (upstream retries
    // with client-go's DefaultBackoff: 4 steps from 10ms, factor 5).
    let conf: KubeObject | undefined;
    for (const delay of [0, 10, 50, 250, 1250]) {
      if (delay) await new Promise((r) => setTimeout(r, delay));
      conf = await client.find(R.Configuration, svcName, namespace);
      if (conf) break;
    }
    if (!conf) throw new Error(`configurations.serving.knative.dev "${svcName}" not found`);
    for (const r of doc.spec?.revisions ?? []) {
      const rev = clean(r);
      rev.metadata.ownerReferences = [
        { apiVersion: 'serving.knative.dev/v1', kind: 'Configuration', name: conf.metadata.name ?? '', uid: conf.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
      ];
      await client.create<Revision>(R.Revision, rev);
    }
    await s.waitIfRequested(client, s.clusterStore(client, namespace), flags, svcName, 'Importing', 'imported');
  }
}
