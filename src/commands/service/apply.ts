import { Args } from '@oclif/core';
import type { Service } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { checkName, SERVICE_NAME } from '../../cli/names.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { loadEditInputs, serviceCreateEditFlags } from '../../cli/serving/podspec-flags.ts';
import { LAST_APPLIED_ANNOTATION } from '../../api/meta.ts';
import { waitFlags } from '../../cli/serving/service.ts';

export default class ServiceApply extends KnCommand {
  static override summary = 'Apply a service declaration';
  static override description = 'Apply a service declaration';
  static override usage = 'service apply NAME';
  static override examples = [
    "# Create an initial service with using 'kn service apply', if the service has not",
    '# been already created',
    'kn service apply s0 --image knativesamples/helloworld',
    '',
    '# Apply the service again which is a no-operation if none of the options changed',
    'kn service apply s0 --image knativesamples/helloworld',
    '',
    '# Add an environment variable to your service. Note, that you have to always fully',
    "# specify all parameters (in contrast to 'kn service update')",
    'kn service apply s0 --image knativesamples/helloworld --env foo=bar',
    '',
    '# Read the service declaration from a file',
    'kn service apply s0 --filename my-svc.yml',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'service name' }) };
  static override flags = { ...namespaceFlag, ...serviceCreateEditFlags, ...waitFlags('apply') };

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(ServiceApply);
    const m = await import('../../cli/serving/messages.ts');
    if (argv.length !== 1 && !flags.filename) throw this.userError(m.APPLY_NAME_REQUIRED);
    const name = argv.length === 1 ? checkName(SERVICE_NAME, String(argv[0])) : '';

    const s = await import('../../cli/serving/service.ts');
    const { applyConfigurationFlags, newServiceSkeleton } = await import('../../cli/serving/podspec.ts');
    const namespace = await this.namespace(flags);
    // apply ignores --revision-name (upstream clears it): the applied declaration must stay stable.
    const f = { ...flags, 'revision-name': undefined };
    const base = flags.filename ? s.serviceFromFile(flags.filename, name, namespace) : newServiceSkeleton(name, namespace);
    const service: Service = applyConfigurationFlags(base, f, { isCreate: true, command: 'apply', raw, ...(await loadEditInputs(flags)) });
    const svcName = checkName(SERVICE_NAME, service.metadata.name ?? '');

    const client = await this.client(flags);
    const { R } = await import('../../api/resources.ts');
    const current = await client.find<Service>(R.Service, svcName, namespace);
    let doing = 'Creating';
    let verb = 'created';
    if (current) {
      doing = 'Applying';
      verb = 'applied';
      const ann = current.metadata.annotations;
      if (ann && !(LAST_APPLIED_ANNOTATION in ann)) s.stdoutWrite(m.APPLY_WARNING);
    }
    const { changed } = await s.applyService(client, namespace, service, current);
    if (!changed) {
      s.stdoutWrite(m.noChangesToApply(svcName));
      await s.reportUrl(client, svcName, namespace, '', 'unchanged', s.stdoutWrite);
      return;
    }
    await s.waitIfRequested(client, s.clusterStore(client, namespace), flags, svcName, doing, verb);
  }
}
