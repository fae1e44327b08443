import { Args } from '@oclif/core';
import type { Revision } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { bool, intDefault, namespaceFlag, str } from '../../cli/flags.ts';
import { checkName, checkNames, REVISION_NAME, SERVICE_NAME } from '../../cli/names.ts';

export default class RevisionDelete extends KnCommand {
  static override summary = 'Delete revisions';
  static override description = 'Delete revisions';
  static override usage = 'revision delete NAME [NAME ...] [options]';
  static override examples = [
    "# Delete a revision 'svc1-abcde' in default namespace",
    'kn revision delete svc1-abcde',
    '',
    '# Delete all unreferenced revisions',
    'kn revision delete --prune-all',
    '',
    "# Delete all unreferenced revisions for a given service 'mysvc'",
    'kn revision delete --prune mysvc',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'revision name' }) };
  static override flags = {
    ...namespaceFlag,
    prune: str('Remove unreferenced revisions for a given service in a namespace.'),
    'prune-all': bool('Remove all unreferenced revisions in a namespace.'),
    wait: bool('Wait for \'revision delete\' operation to be completed.', { allowNo: true, default: false }),
    'wait-timeout': intDefault('Seconds to wait before giving up on waiting for revision to be deleted.', 600),
    'wait-window': intDefault('Seconds to wait for revision to be deleted after a false ready condition is returned', 2),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(RevisionDelete);
    let names = argv as string[];
    const prune = flags.prune !== undefined;
    if (!names.length && !flags['prune-all'] && !prune) throw this.userError("'kn revision delete' requires one or more revision name");
    if (names.length && flags['prune-all']) throw this.userError("'kn revision delete' with --prune-all flag requires no arguments");
    checkNames(REVISION_NAME, names, { allHint: 'use --prune-all to delete every unreferenced revision' });
    if (prune) checkName(SERVICE_NAME, flags.prune!, { flag: '--prune' });
    const { R } = await import('../../api/resources.ts');
    const client = await this.client(flags);
    const namespace = await this.namespace(flags);
    if (prune || flags['prune-all']) {
      const list = await client.listAll<Revision>(R.Revision, {
        namespace,
        labelSelector: prune ? `serving.knative.dev/service=${flags.prune}` : undefined,
      });
      const { sortRevisions } = await import('../../cli/serving/list-serving.ts');
      names = sortRevisions(list.items)
        .filter((r) => r.metadata.labels?.['serving.knative.dev/routingState'] !== 'active')
        .map((r) => r.metadata.name ?? '');
      if (!names.length) {
        process.stdout.write('No unreferenced revisions found.\n');
        return;
      }
    }
    const errs: string[] = [];
    for (const name of names) {
      try {
        await client.delete(R.Revision, name, namespace);
        if (flags.wait) await this.waitGone(client, R.Revision, name, namespace, flags['wait-timeout']);
        process.stdout.write(`Revision '${name}' deleted in namespace '${namespace}'.\n`);
      } catch (e) {
        errs.push((e as Error).message);
      }
    }
    if (errs.length) {
      const err = this.userError(errs.join('\nError: '));
      throw err;
    }
  }

  private async waitGone(
    client: Awaited<ReturnType<KnCommand['client']>>,
    r: Parameters<Awaited<ReturnType<KnCommand['client']>>['find']>[0],
    name: string,
    namespace: string,
    timeoutSeconds: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    while (await client.find(r, name, namespace)) {
      if (Date.now() > deadline) throw new Error(`timeout: revision '${name}' not deleted after ${timeoutSeconds} seconds`);
      await new Promise((res) => setTimeout(res, 200));
    }
  }
}
