import { Args } from '@oclif/core';
import type { Configuration, Revision, Service } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag, str } from '../../cli/flags.ts';
import { checkName, SERVICE_NAME } from '../../cli/names.ts';
import { checkOutput, outputFlags, printObject, verboseFlag } from '../../cli/output/flags.ts';

export default class ServiceDescribe extends KnCommand {
  static override summary = 'Show details of a service';
  static override description = 'Show details of a service';
  static override usage = 'service describe NAME [options]';
  static override examples = [
    "# Describe service 'svc' in human friendly format",
    'kn service describe svc',
    '',
    "# Describe service 'svc' in YAML format",
    'kn service describe svc -o yaml',
    '',
    '# Print only service URL',
    'kn service describe svc -o url',
    '',
    '# Describe the services in offline mode instead of kubernetes cluster (Beta)',
    'kn service describe test -n test-ns --target=/user/knfiles',
    'kn service describe test --target=/user/knfiles/test.yaml',
    'kn service describe test --target=/user/knfiles/test.json',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'service name' }) };
  static override flags = {
    ...namespaceFlag,
    ...outputFlags(['url']),
    ...verboseFlag,
    target: str('Work on local directory instead of a remote cluster (experimental)'),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ServiceDescribe);
    (await import('../../cli/serving/target.ts')).checkTargetFlag(flags.target);
    if (argv.length !== 1) throw this.userError("'service describe' requires the service name given as single argument");
    const name = checkName(SERVICE_NAME, String(argv[0]));
    const bad = await checkOutput(flags, ['url']);
    if (bad) throw this.userError(bad);
    const { R } = await import('../../api/resources.ts');

    let service: Service;
    let client: Awaited<ReturnType<KnCommand['client']>> | undefined;
    let namespace: string;
    if (flags.target) {
      let ns = flags.namespace;
      if (!ns) {
        try {
          ns = (await this.client(flags)).namespace || 'default';
        } catch {
          ns = 'default';
        }
      }
      namespace = ns;
      const { TargetStore } = await import('../../cli/serving/target.ts');
      service = new TargetStore(flags.target, namespace).get(name);
    } else {
      client = await this.client(flags);
      namespace = await this.namespace(flags);
      service = await client.get<Service>(R.Service, name, namespace);
    }

    if (flags.output !== undefined) {
      if (flags.output.toLowerCase() === 'url') {
        process.stdout.write(`${service.status?.url ?? ''}\n`);
        return;
      }
      await printObject(service, R.Service, flags, ['url']);
      return;
    }
    const { describeService, revisionDescriptions } = await import('../../cli/serving/describe-serving.ts');
    const c = client;
    const revisions = c
      ? await revisionDescriptions(
          {
            getRevision: (n) => c.get<Revision>(R.Revision, n, namespace),
            getConfigurationLatestCreated: async (n) => (await c.get<Configuration>(R.Configuration, n, namespace)).status?.latestCreatedRevisionName ?? '',
            listServiceRevisions: async (s) =>
              (await c.listAll<Revision>(R.Revision, { namespace, labelSelector: `serving.knative.dev/service=${s}` })).items,
          },
          service,
          !!flags.verbose,
        )
      : [];
    process.stdout.write(describeService(service, revisions, !!flags.verbose));
  }
}
