import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { checkName, SERVICE_NAME } from '../../cli/names.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { loadEditInputs, serviceUpdateEditFlags } from '../../cli/serving/podspec-flags.ts';
import { targetFlag, trafficFlags, waitFlags } from '../../cli/serving/service.ts';

export default class ServiceUpdate extends KnCommand {
  static override summary = 'Update a service';
  static override description = 'Update a service';
  static override usage = 'service update NAME';
  static override examples = [
    "# Updates a service 'svc' with new environment variables",
    'kn service update svc --env KEY1=VALUE1 --env KEY2=VALUE2',
    '',
    "# Update a service 'svc' with new port",
    'kn service update svc --port 80',
    '',
    "# Updates a service 'svc' with new request and limit parameters",
    'kn service update svc --request cpu=500m --limit memory=1024Mi --limit cpu=1000m',
    '',
    "# Assign tag 'latest' and 'stable' to revisions 'echo-v2' and 'echo-v1' respectively",
    'kn service update svc --tag echo-v2=latest --tag echo-v1=stable',
    'OR',
    'kn service update svc --tag echo-v2=latest,echo-v1=stable',
    '',
    "# Update tag from 'testing' to 'staging' for latest ready revision of service",
    'kn service update svc --untag testing --tag @latest=staging',
    '',
    "# Add tag 'test' to echo-v3 revision with 10% traffic and rest to latest ready revision of service",
    'kn service update svc --tag echo-v3=test --traffic test=10,@latest=90',
    '',
    '# Split 50% traffic to stable, 40% traffic to staging and the',
    '# rest will automatically be directed to echo-v3 (the remaining revision)',
    'kn service update svc --traffic stable=50,staging=40',
    '',
    '# Update the service in offline mode instead of kubernetes cluster (Beta)',
    'kn service update gitopstest -n test-ns --env KEY1=VALUE1 --target=/user/knfiles',
    'kn service update gitopstest --env KEY1=VALUE1 --target=/user/knfiles/test.yaml',
    'kn service update gitopstest --env KEY1=VALUE1 --target=/user/knfiles/test.json',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'service name' }) };
  static override flags = { ...namespaceFlag, ...targetFlag, ...serviceUpdateEditFlags, ...waitFlags('update'), ...trafficFlags };

  async run(): Promise<void> {
    const { argv, flags, raw } = await this.parse(ServiceUpdate);
    (await import('../../cli/serving/target.ts')).checkTargetFlag(flags.target);
    // cobra's NFlag: no flag given at all (global ones count too).
    const s = await import('../../cli/serving/service.ts');
    if (!raw.some((t) => t.type === 'flag')) return s.failMultiline(this, 'flag(s) not set\nUsage: update NAME');
    const m = await import('../../cli/serving/messages.ts');
    if (argv.length !== 1) throw this.userError(m.UPDATE_NAME_REQUIRED);
    const name = checkName(SERVICE_NAME, String(argv[0]));

    const { applyConfigurationFlags, anyMutation } = await import('../../cli/serving/podspec.ts');
    const { computeTraffic, splitSlice, trafficChanged } = await import('../../cli/serving/traffic.ts');
    const namespace = flags.target ? await s.offlineNamespace(flags) : await this.namespace(flags);
    const client = flags.target ? undefined : await this.client(flags);
    const store = client ? s.clusterStore(client, namespace) : s.targetStore(new (await import('../../cli/serving/target.ts')).TargetStore(flags.target!, namespace));
    const files = await loadEditInputs(flags);
    const pinned = flags.image === undefined && (flags['lock-to-digest'] ?? true);

    let latestBefore = '';
    const { changed } = await s.updateServiceWithRetry(store, name, async (svc) => {
      latestBefore = svc.status?.latestReadyRevisionName ?? '';
      let base;
      if (pinned && !store.offline) {
        const b = await s.baseRevision(store, svc);
        if ('none' in b) process.stdout.write(m.NO_BASE_REVISION_WARNING);
        else if ('revision' in b) base = b.revision;
      }
      const next = applyConfigurationFlags(svc, flags, { isCreate: false, command: 'update', raw, baseRevision: base, ...files });
      if (trafficChanged(flags)) {
        const revisions = await store.listRevisions(svc.metadata.name ?? name);
        next.spec.traffic = computeTraffic(
          { traffic: splitSlice(flags.traffic), tags: splitSlice(flags.tag), untags: splitSlice(flags.untag), trafficGiven: flags.traffic !== undefined },
          {
            serviceName: svc.metadata.name ?? name,
            specTraffic: svc.spec.traffic,
            statusTraffic: svc.status?.traffic,
            latestReadyRevisionName: svc.status?.latestReadyRevisionName,
            revisions: revisions.map((r) => ({ name: r.metadata.name ?? '', annotations: r.metadata.annotations })),
            mutation: anyMutation(flags),
            defaultEmptyTraffic: true,
            // Offline (--target) there is no revision list to check against.
            knownRevisions: store.offline ? undefined : [...revisions.map((r) => r.metadata.name ?? ''), next.spec.template.metadata?.name ?? ''].filter(Boolean),
          },
        );
      }
      return next;
    });

    if (!changed) {
      s.stdoutWrite(m.done('updated', name, namespace));
      s.stdoutWrite(m.NO_NEW_REVISION);
      return;
    }
    if (flags.wait && client) {
      s.stdoutWrite(m.updating(name, namespace));
      s.stdoutWrite('');
      const { waitAndReport } = await import('../../cli/serving/wait.ts');
      await waitAndReport(client, name, namespace, { timeoutSeconds: flags['wait-timeout'], windowSeconds: flags['wait-window'] }, s.stdoutWrite);
      s.stdoutWrite('');
      await s.reportUrl(client, name, namespace, 'updated', latestBefore, s.stdoutWrite);
      return;
    }
    s.stdoutWrite(m.done('updated', name, namespace));
  }
}
