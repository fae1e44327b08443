import { Args } from '@oclif/core';
import type { DomainMapping } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { checkName, DOMAIN_NAME } from '../../cli/names.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { checkOutput, outputFlags, printObject, verboseFlag } from '../../cli/output/flags.ts';

export default class DomainDescribe extends KnCommand {
  static override summary = 'Show details of a domain mapping';
  static override description = 'Show details of a domain mapping';
  static override usage = 'domain describe NAME [options]';
  static override examples = ["# Show details of for the domain 'hello.example.com'", 'kn domain describe hello.example.com'];
  static override strict = false;
  static override args = { name: Args.string({ description: 'domain name' }) };
  static override flags = { ...namespaceFlag, ...outputFlags(['url']), ...verboseFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(DomainDescribe);
    if (argv.length !== 1) throw this.userError("'kn domain describe' requires name of the domain mapping as single argument");
    const name = checkName(DOMAIN_NAME, String(argv[0]));
    const bad = await checkOutput(flags, ['url']);
    if (bad) throw this.userError(bad);
    const { R } = await import('../../api/resources.ts');
    const client = await this.client(flags);
    const dm = await client.get<DomainMapping>(R.DomainMapping, name, await this.namespace(flags));
    if (flags.output !== undefined) {
      if (flags.output.toLowerCase() === 'url') {
        process.stdout.write(`${dm.status?.url ?? ''}\n`);
        return;
      }
      await printObject(dm, R.DomainMapping, flags, ['url']);
      return;
    }
    const { describeDomainMapping } = await import('../../cli/serving/describe-serving.ts');
    process.stdout.write(describeDomainMapping(dm, !!flags.verbose));
  }
}
