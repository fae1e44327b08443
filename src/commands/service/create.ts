import { Args } from '@oclif/core';
import type { Service } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { checkName, SERVICE_NAME } from '../../cli/names.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { loadEditInputs, serviceCreateEditFlags } from '../../cli/serving/podspec-flags.ts';
import { tagFlag, targetFlag, waitFlags } from '../../cli/serving/service.ts';

export default class ServiceCreate extends KnCommand {
  static override summary = 'Create a service';
  static override description = 'Create a service';
  static override usage = 'service create NAME --image IMAGE';
  static override examples = [
    "# Create a service 's0' using image knativesamples/helloworld",
    'kn service create s0 --image knativesamples/helloworld',
    '',
    '# Create a service with multiple environment variables',
    'kn service create s1 --env TARGET=v1 --env FROM=examples --image knativesamples/helloworld',
    '',
    '# Create or replace a service using --force flag',
    "# if service 's1' doesn't exist, it's a normal create operation",
    'kn service create --force s1 --image knativesamples/helloworld',
    '',
    '# Create a service with port 8080',
    'kn service create s2 --port 8080 --image knativesamples/helloworld',
    '',
    '# Create a private service (that is a service with no external endpoint)',
    'kn service create s1 --image knativesamples/helloworld --cluster-local',
    '',
    '# Create the service in offline mode instead of kubernetes cluster (Beta)',
    'kn service create gitopstest -n test-ns --image knativesamples/helloworld --target=/user/knfiles',
    'kn service create gitopstest --image knativesamples/helloworld --target=/user/knfiles/test.yaml',
    'kn service create gitopstest --image knativesamples/helloworld --target=/user/knfiles/test.json',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'service name' }) };
  static override flags = { ...namespaceFlag, ...serviceCreateEditFlags, ...tagFlag, ...targetFlag, ...waitFlags('create') };

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(ServiceCreate);
    (await import('../../cli/serving/target.ts')).checkTargetFlag(flags.target);
    const m = await import('../../cli/serving/messages.ts');
    if (argv.length !== 1 && !flags.filename) throw this.userError(m.CREATE_NAME_REQUIRED);
    const name = argv.length === 1 ? checkName(SERVICE_NAME, String(argv[0])) : '';
    if (!flags.image && !flags.filename) throw this.userError(m.CREATE_IMAGE_REQUIRED);

    const s = await import('../../cli/serving/service.ts');
    const { applyConfigurationFlags, newServiceSkeleton, anyMutation } = await import('../../cli/serving/podspec.ts');
    const namespace = flags.target ? await s.offlineNamespace(flags) : await this.namespace(flags);
    const base = flags.filename ? s.serviceFromFile(flags.filename, name, namespace) : newServiceSkeleton(name, namespace);
    let service: Service = applyConfigurationFlags(base, flags, { isCreate: true, command: 'create', raw, ...(await loadEditInputs(flags)) });

    const client = flags.target ? undefined : await this.client(flags);
    const store = client ? s.clusterStore(client, namespace) : s.targetStore(new (await import('../../cli/serving/target.ts')).TargetStore(flags.target!, namespace));

    if (flags.tag !== undefined) {
      const { computeTraffic, splitSlice } = await import('../../cli/serving/traffic.ts');
      const traffic = computeTraffic(
        { traffic: ['@latest=100'], tags: splitSlice(flags.tag), untags: [], trafficGiven: false },
        {
          serviceName: service.metadata.name ?? '',
          specTraffic: service.spec.traffic,
          statusTraffic: service.status?.traffic,
          mutation: anyMutation(flags),
          create: true,
          // Nothing exists yet: only the revision this create makes can be named.
          knownRevisions: [service.spec.template.metadata?.name ?? ''].filter(Boolean),
        },
      );
      service = { ...service, spec: { ...service.spec, traffic } };
    }

    const svcName = checkName(SERVICE_NAME, service.metadata.name ?? '');
    const existing = await store.find(svcName);
    if (existing) {
      if (!flags.force) throw this.userError(m.alreadyExists(svcName, namespace));
      const { changed } = await s.updateServiceWithRetry(store, svcName, (cur) => s.prepareReplace(service, cur));
      if (!changed) {
        s.stdoutWrite(m.replacedUnchanged(svcName, namespace));
        return;
      }
      await s.waitIfRequested(client, store, flags, svcName, 'Replacing', 'replaced');
      return;
    }
    await store.create(service);
    await s.waitIfRequested(client, store, flags, svcName, 'Creating', 'created');
  }
}
