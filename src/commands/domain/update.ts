import { Args, Flags } from '@oclif/core';
import type { KubeObject } from '../../api/meta.ts';
import type { DomainMapping } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { checkName, DOMAIN_NAME } from '../../cli/names.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { domainRefError, REF_FLAG_SUMMARY, resolveDomainRef } from '../../cli/serving/list-serving.ts';

export default class DomainUpdate extends KnCommand {
  static override summary = 'Update a domain mapping';
  static override description = 'Update a domain mapping';
  static override usage = 'domain update NAME [options]';
  static override examples = ["# Update a domain mappings 'hello.example.com' for Knative service 'hello'", 'kn domain update hello.example.com --ref hello'];
  static override strict = false;
  static override args = { name: Args.string({ description: 'domain name' }) };
  // Upstream marks a misspelt flag required, so a missing --ref ends in a crash there; here it is required.
  static override flags = { ...namespaceFlag, ref: Flags.string({ summary: REF_FLAG_SUMMARY, helpValue: 'string', required: true }) };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(DomainUpdate);
    if (argv.length !== 1) throw this.userError("'kn domain update' requires the domain name given as single argument");
    const name = checkName(DOMAIN_NAME, String(argv[0]));
    const refErr = domainRefError(flags.ref);
    if (refErr) throw this.userError(refErr);
    const { R } = await import('../../api/resources.ts');
    const { KubeError } = await import('../../kube/errors.ts');
    const client = await this.client(flags);
    const namespace = await this.namespace(flags);
    for (let attempt = 0; ; attempt++) {
      const dm = await client.get<DomainMapping>(R.DomainMapping, name, namespace);
      if (dm.metadata.deletionTimestamp) throw this.userError(`can't update domain mapping '${name}' because it has been marked for deletion`);
      dm.spec.ref = await resolveDomainRef(flags.ref, namespace, (kind, n, ns) => client.get<KubeObject>(kind === 'Service' ? R.Service : R.Route, n, ns));
      try {
        await client.replace(R.DomainMapping, dm);
        break;
      } catch (e) {
        if (!(e instanceof KubeError && e.conflict) || attempt >= 4) throw e;
      }
    }
    process.stdout.write(`Domain mapping '${name}' updated in namespace '${namespace}'.\n`);
  }
}
