import { Args } from '@oclif/core';
import type { Service } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { bool, namespaceFlag } from '../../cli/flags.ts';
import { checkNames, SERVICE_NAME } from '../../cli/names.ts';
import { targetFlag, waitFlags } from '../../cli/serving/service.ts';

export default class ServiceDelete extends KnCommand {
  static override summary = 'Delete services';
  static override description = 'Delete services';
  static override usage = 'service delete NAME [NAME ...]';
  static override examples = [
    "# Delete a service 'svc1' in default namespace",
    'kn service delete svc1',
    '',
    "# Delete a service 'svc2' in 'ns1' namespace",
    'kn service delete svc2 -n ns1',
    '',
    "# Delete all services in 'ns1' namespace",
    'kn service delete --all -n ns1',
    '',
    '# Delete the services in offline mode instead of kubernetes cluster (Beta)',
    'kn service delete test -n test-ns --target=/user/knfiles',
    'kn service delete test --target=/user/knfiles/test.yaml',
    'kn service delete test --target=/user/knfiles/test.json',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'service name' }) };
  static override flags = {
    all: bool('Delete all services in a namespace.'),
    ...namespaceFlag,
    ...targetFlag,
    ...waitFlags('delete', 'deleted'),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ServiceDelete);
    (await import('../../cli/serving/target.ts')).checkTargetFlag(flags.target);
    const m = await import('../../cli/serving/messages.ts');
    let names = argv.map(String);
    if (names.length < 1 && !flags.all) throw this.userError(m.DELETE_NAME_REQUIRED);
    if (names.length > 0 && flags.all) throw this.userError(m.DELETE_ALL_NO_ARGS);
    checkNames(SERVICE_NAME, names, { allHint: 'use --all to delete every service in the namespace' });
    const s = await import('../../cli/serving/service.ts');

    if (flags.target) {
      const namespace = await s.offlineNamespace(flags);
      const { TargetStore } = await import('../../cli/serving/target.ts');
      const store = new TargetStore(flags.target, namespace);
      if (flags.all) {
        names = store.list().map((x) => x.metadata.name ?? '');
        if (!names.length) return s.stdoutWrite(m.NO_SERVICES);
      }
      const errs: string[] = [];
      for (const name of names) {
        try {
          store.delete(name);
          s.stdoutWrite(m.deleted(name, namespace));
        } catch (e) {
          errs.push((e as Error).message);
        }
      }
      if (errs.length) await s.failMultiline(this, errs.join('\nError: '));
      return;
    }

    const client = await this.client(flags);
    const namespace = await this.namespace(flags);
    const { R } = await import('../../api/resources.ts');
    if (flags.all) {
      names = (await client.listAll<Service>(R.Service, { namespace })).items.map((x) => x.metadata.name ?? '');
      if (!names.length) return s.stdoutWrite(m.NO_SERVICES);
    }
    const errs: string[] = [];
    for (const name of names) {
      try {
        const svc = await client.get<Service>(R.Service, name, namespace);
        if (svc.metadata.deletionTimestamp) throw new Error(m.deleteMarked(name));
        if (!flags.wait) {
          await client.delete(R.Service, name, namespace, { propagationPolicy: 'Background' });
        } else {
          const { waitForDeletion } = await import('../../cli/serving/wait.ts');
          const w = waitForDeletion(client, R.Service, 'service', name, namespace, svc.metadata.resourceVersion, flags['wait-timeout']);
          await w.ready;
          try {
            await client.delete(R.Service, name, namespace, { propagationPolicy: 'Foreground' });
          } catch (e) {
            w.stop();
            throw e;
          }
          await w.done;
        }
        s.stdoutWrite(m.deleted(name, namespace));
      } catch (e) {
        errs.push((e as Error).message);
      }
    }
    if (errs.length) await s.failMultiline(this, errs.join('\nError: '));
  }
}
