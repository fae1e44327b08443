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
    "# Create or replace environment variables of service 's1' using --force flag",
    'kn service create --force s1 --env TARGET=force --env FROM=examples --image knativesamples/helloworld',
    '',
    '# Create a service with port 8080',
    'kn service create s2 --port 8080 --image knativesamples/helloworld',
    '',
    '# Create a service with port 8080 and port name h2c',
    'kn service create s2 --port h2c:8080 --image knativesamples/helloworld',
    '',
    "# Create or replace default resources of a service 's1' using --force flag",
    '# (earlier configured resource requests and limits will be replaced with default)',
    '# (earlier configured environment variables will be cleared too if any)',
    'kn service create --force s1 --image knativesamples/helloworld',
    '',
    '# Create a service with annotation',
    'kn service create s3 --image knativesamples/helloworld --annotation sidecar.istio.io/inject=false',
    '',
    '# Create a private service (that is a service with no external endpoint)',
    'kn service create s1 --image knativesamples/helloworld --cluster-local',
    '',
    '# Create a service with 250MB memory, 200m CPU requests and a GPU resource limit',
    '# [https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/]',
    '# [https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/]',
    'kn service create s4gpu --image knativesamples/hellocuda-go --request memory=250Mi,cpu=200m --limit nvidia.com/gpu=1',
    '',
    '# Create the service in offline mode instead of kubernetes cluster (Beta)',
    'kn service create gitopstest -n test-ns --image knativesamples/helloworld --target=/user/knfiles',
    'kn service create gitopstest --image knativesamples/helloworld --target=/user/knfiles/test.yaml',
    'kn service create gitopstest --image knativesamples/helloworld --target=/user/knfiles/test.json',
    '',
    '# Create a service with profile',
    'kn service create profiletest --image knativesamples/helloworld --profile istio',
    '',
    '# Create a service with node selector',
    'kn service create nodeselectortest --image knativesamples/helloworld --node-selector Disktype="ssd"',
    '',
    '# Create a service with toleration',
    'kn service create tolerationtest --image knativesamples/helloworld --toleration Key="node-role.kubernetes.io/master",Effect="NoSchedule",Operator="Equal",Value=""',
    '',
    '# Create a service with node affinity',
    'kn service create nodeaffinitytest --image knativesamples/helloworld --node-affinity Type="Required",Key="topology.kubernetes.io/zone",Operator="In",Values="antarctica-east1 antarctica-east2"',
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
