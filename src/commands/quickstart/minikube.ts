import { KnCommand } from '../../cli/base.ts';
import { commonFlags, optionsFrom, runQuickstartCommand } from './kind.ts';

export default class QuickstartMinikube extends KnCommand {
  static override summary = 'Quickstart with Minikube';
  static override description =
    "Start a minikube profile and install kn-ts on it; 'minikube tunnel' then publishes the gateway. " +
    'Re-running reuses the profile and changes nothing that is already in place.';
  static override usage = 'quickstart minikube [options]';
  static override examples = ['kn quickstart minikube', 'kn quickstart minikube --dry-run'];
  static override flags = { ...commonFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(QuickstartMinikube);
    await runQuickstartCommand(this, 'minikube', optionsFrom(this, flags), flags.registry);
  }
}
