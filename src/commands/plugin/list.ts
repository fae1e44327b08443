import { KnCommand } from '../../cli/base.ts';
import { bool } from '../../cli/flags.ts';
import { defaultPluginsDir, listPlugins } from '../../cli/plugins.ts';

export default class PluginList extends KnCommand {
  static override summary = 'List plugins';
  static override description =
    'List all installed plugins.\n\nAvailable plugins are those that are:\n- executable\n- begin with "kn-"\n- Kn\'s plugin directory\n- Anywhere in the execution $PATH';
  static override aliases = ['plugin:ls'];
  static override usage = 'plugin list [options]';
  static override flags = { verbose: bool('verbose output') };

  async run(): Promise<void> {
    const { flags } = await this.parse(PluginList);
    const dir = flags['plugins-dir'] ?? defaultPluginsDir();
    const plugins = listPlugins(dir);
    const out: string[] = [];
    if (flags.verbose) {
      out.push('The following plugins are available, using options:', `  plugins dir: '${dir}'`, '  lookup plugins in $PATH: true');
    }
    if (!plugins.length) out.push('No plugins found.');
    for (const p of plugins) out.push(`- ${p.name} : ${p.path}${flags.verbose ? `  (${p.path})` : ''}`);
    process.stdout.write(out.join('\n') + '\n');
  }
}
