import { Args } from '@oclif/core';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { checkName, SERVICE_NAME } from '../../cli/names.ts';
import { waitOnlyFlags } from '../../cli/serving/service.ts';

export default class ServiceWait extends KnCommand {
  static override summary = 'Wait for a service to be ready';
  static override description = 'Wait for a service to be ready';
  static override usage = 'service wait NAME';
  static override examples = [
    "# Waits on a service 'svc'",
    'kn service wait svc',
    '',
    "# Waits on a service 'svc' with a timeout",
    'kn service wait svc --wait-timeout 10',
    '',
    "# Waits on a service 'svc' with a timeout and wait window",
    'kn service wait svc --wait-timeout 10 --wait-window 1',
  ];
  static override strict = false;
  static override args = { name: Args.string({ description: 'service name' }) };
  static override flags = { ...namespaceFlag, ...waitOnlyFlags };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(ServiceWait);
    const m = await import('../../cli/serving/messages.ts');
    if (argv.length !== 1) throw this.userError(m.WAIT_NAME_REQUIRED);
    const name = checkName(SERVICE_NAME, String(argv[0]));
    const client = await this.client(flags);
    const namespace = await this.namespace(flags);
    const { stdoutWrite } = await import('../../cli/serving/service.ts');
    const { waitAndReport } = await import('../../cli/serving/wait.ts');
    stdoutWrite(m.waitingFor(name, namespace));
    stdoutWrite('');
    await waitAndReport(client, name, namespace, { timeoutSeconds: flags['wait-timeout'], windowSeconds: flags['wait-window'] }, stdoutWrite);
    stdoutWrite('');
    stdoutWrite(m.isReadyMsg(name, namespace));
  }
}
