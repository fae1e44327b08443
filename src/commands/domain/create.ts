import { Args, Flags } from '@oclif/core';
import type { KubeObject } from '../../api/meta.ts';
import type { DomainMapping } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { checkName, DOMAIN_NAME } from '../../cli/names.ts';
import { namespaceFlag, str } from '../../cli/flags.ts';
import { domainRefError, REF_FLAG_SUMMARY, resolveDomainRef, tlsSecretError } from '../../cli/serving/list-serving.ts';

export default class DomainCreate extends KnCommand {
  static override summary = 'Create a domain mapping';
  static override description = 'Create a domain mapping';
  static override usage = 'domain create NAME [options]';
  static override examples = [
    "# Create a domain mappings 'hello.example.com' for Knative service 'hello' with TLS secret set",
    'kn domain create hello.example.com --ref hello --tls my-cert-secret',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'domain name' }) };
  static override flags = {
    ...namespaceFlag,
    ref: Flags.string({ summary: REF_FLAG_SUMMARY, helpValue: 'string', required: true }),
    tls: str('Enable TLS and point to the secret that holds the server certificate.'),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(DomainCreate);
    if (argv.length !== 1) throw this.userError("'kn domain create' requires the domain name given as single argument");
    const name = checkName(DOMAIN_NAME, String(argv[0]));
    const refErr = domainRefError(flags.ref);
    if (refErr) throw this.userError(refErr);
    if (flags.tls) {
      const tlsErr = tlsSecretError(flags.tls);
      if (tlsErr) throw this.userError(tlsErr);
    }
    const { R } = await import('../../api/resources.ts');
    const client = await this.client(flags);
    const namespace = await this.namespace(flags);
    const ref = await resolveDomainRef(flags.ref, namespace, (kind, n, ns) => client.get<KubeObject>(kind === 'Service' ? R.Service : R.Route, n, ns));
    const dm: DomainMapping = {
      apiVersion: 'serving.knative.dev/v1beta1',
      kind: 'DomainMapping',
      metadata: { name, namespace },
      spec: { ref, ...(flags.tls ? { tls: { secretName: flags.tls } } : {}) },
    };
    await client.create(R.DomainMapping, dm);
    process.stdout.write(`Domain mapping '${name}' created in namespace '${namespace}'.\n`);
  }
}
