import type { KubeObject } from '../../api/meta.ts';
import { Args } from '@oclif/core';
import type { Revision, Service } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { checkName, SERVICE_NAME } from '../../cli/names.ts';
import { bool, namespaceFlag, str } from '../../cli/flags.ts';
import { checkOutput, outputFlags } from '../../cli/output/flags.ts';

export default class ServiceExport extends KnCommand {
  static override summary = 'Export a service and its revisions';
  static override description = 'Export a service and its revisions';
  static override usage = 'service export NAME';
  static override examples = [
    '# Export a service in YAML format (Beta)',
    'kn service export foo -n bar -o yaml',
    '',
    '# Export a service in JSON format (Beta)',
    'kn service export foo -n bar -o json',
    '',
    '# Export a service with revisions (Beta)',
    'kn service export foo --with-revisions --mode=export -n bar -o json',
    '',
    '# Export services in kubectl friendly format, as a list kind, one service item for each revision (Beta)',
    'kn service export foo --with-revisions --mode=replay -n bar -o json',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'service name' }) };
  static override flags = {
    ...namespaceFlag,
    'with-revisions': bool('Export all routed revisions (Beta)'),
    mode: str('Format for exporting all routed revisions. One of replay|export (Beta)'),
    ...outputFlags(),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ServiceExport);
    const m = await import('../../cli/serving/messages.ts');
    if (argv.length !== 1) throw this.userError(m.EXPORT_NAME_REQUIRED);
    if (flags.output === undefined) throw this.userError(m.EXPORT_OUTPUT_REQUIRED);
    const bad = await checkOutput(flags);
    if (bad) throw this.userError(bad);
    const name = checkName(SERVICE_NAME, String(argv[0]));
    const client = await this.client(flags);
    const namespace = await this.namespace(flags);
    const { R } = await import('../../api/resources.ts');
    const svc = await client.get<Service>(R.Service, name, namespace);
    const e = await import('../../cli/serving/export.ts');
    const revisions = flags['with-revisions']
      ? (await client.listAll<Revision>(R.Revision, { namespace, labelSelector: `serving.knative.dev/service=${name}` })).items.map((r) => ({
          ...r,
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Revision',
        }))
      : undefined;
    const obj = flags.mode === 'replay' ? e.buildReplayList(svc, revisions, !!flags['with-revisions']) : e.buildExport(svc, revisions, !!flags['with-revisions']);
    const format = flags.output.toLowerCase();
    if (format === 'json' || format === 'yaml') {
      process.stdout.write(e.serialize(obj, format));
      return;
    }
    const { formatOutput } = await import('../../cli/output/format.ts');
    const kind = String((obj as { kind?: string }).kind);
    const resource = kind === 'Export' ? { group: 'client.knative.dev', version: 'v1alpha1', kind, plural: 'exports', namespaced: true } : R.Service;
    const o = obj as unknown as KubeObject;
    const data = kind === 'List' ? { items: (obj as { items: KubeObject[] }).items } : { object: { ...o, metadata: { ...o.metadata, name: o.metadata?.name ?? name } } };
    process.stdout.write(
      await formatOutput(data, resource, {
        output: flags.output,
        template: flags.template,
        allowMissingTemplateKeys: flags['allow-missing-template-keys'],
        showManagedFields: flags['show-managed-fields'],
      }),
    );
  }
}
