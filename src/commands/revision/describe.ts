import { Args } from '@oclif/core';
import type { Revision, Service } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { checkName, REVISION_NAME } from '../../cli/names.ts';
import { checkOutput, outputFlags, printObject, verboseFlag } from '../../cli/output/flags.ts';

export default class RevisionDescribe extends KnCommand {
  static override summary = 'Show details of a revision';
  static override description = 'Show details of a revision';
  static override usage = 'revision describe NAME [options]';
  static override strict = false;
  static override args = { name: Args.string({ description: 'revision name' }) };
  static override flags = { ...namespaceFlag, ...outputFlags(), ...verboseFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(RevisionDescribe);
    if (argv.length !== 1) throw this.userError("'kn revision describe' requires name of the revision as single argument");
    const name = checkName(REVISION_NAME, String(argv[0]));
    const bad = await checkOutput(flags);
    if (bad) throw this.userError(bad);
    const { R } = await import('../../api/resources.ts');
    const client = await this.client(flags);
    const namespace = await this.namespace(flags);
    const revision = await client.get<Revision>(R.Revision, name, namespace);
    if (flags.output !== undefined) {
      await printObject(revision, R.Revision, flags);
      return;
    }
    const svcName = revision.metadata.labels?.['serving.knative.dev/service'];
    const service = flags.verbose && svcName !== undefined ? await client.get<Service>(R.Service, svcName, namespace) : undefined;
    const { describeRevision } = await import('../../cli/serving/describe-serving.ts');
    process.stdout.write(describeRevision(revision, service, !!flags.verbose));
  }
}
