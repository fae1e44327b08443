import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { checkName, DOMAIN_NAME } from '../../cli/names.ts';
import { namespaceFlag } from '../../cli/flags.ts';

export default class DomainDelete extends KnCommand {
  static override summary = 'Delete a domain mapping';
  static override description = 'Delete a domain mapping';
  static override usage = 'domain delete NAME [options]';
  static override examples = ["# Delete domain mappings 'hello.example.com'", 'kn domain delete hello.example.com'];
  static override strict = false;
  static override args = { name: Args.string({ description: 'domain name' }) };
  static override flags = { ...namespaceFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(DomainDelete);
    if (argv.length !== 1) throw this.userError("'kn domain delete' requires the domain name given as single argument");
    const name = checkName(DOMAIN_NAME, String(argv[0]));
    const { R } = await import('../../api/resources.ts');
    const client = await this.client(flags);
    const namespace = await this.namespace(flags);
    await client.delete(R.DomainMapping, name, namespace);
    process.stdout.write(`Domain mapping '${name}' deleted in namespace '${namespace}'.\n`);
  }
}
