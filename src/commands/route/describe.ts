import { Args } from '@oclif/core';
import type { Route } from '../../api/serving/types.ts';
import { KnCommand } from '../../cli/base.ts';
import { namespaceFlag } from '../../cli/flags.ts';
import { checkName, ROUTE_NAME } from '../../cli/names.ts';
import { checkOutput, outputFlags, printObject, verboseFlag } from '../../cli/output/flags.ts';

export default class RouteDescribe extends KnCommand {
  static override summary = 'Show details of a route';
  static override description = 'Show details of a route';
  static override usage = 'route describe NAME [options]';
  static override strict = false;
  static override args = { name: Args.string({ description: 'route name' }) };
  static override flags = { ...namespaceFlag, ...outputFlags(), ...verboseFlag };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(RouteDescribe);
    if (argv.length !== 1) throw this.userError("'kn route describe' requires name of the route as single argument");
    const name = checkName(ROUTE_NAME, String(argv[0]));
    const bad = await checkOutput(flags);
    if (bad) throw this.userError(bad);
    const { R } = await import('../../api/resources.ts');
    const client = await this.client(flags);
    const route = await client.get<Route>(R.Route, name, await this.namespace(flags));
    if (flags.output !== undefined) {
      await printObject(route, R.Route, flags);
      return;
    }
    const { describeRoute } = await import('../../cli/serving/describe-serving.ts');
    process.stdout.write(describeRoute(route, !!flags.verbose));
  }
}
