import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from "kysely";

/**
 * A Kysely plugin under which every query takes `ms` longer: a release plan of many queries then
 * outlasts a reader's short wait, whatever the machine (`db.withPlugin(new SlowQueries(20))`).
 */
export class SlowQueries implements KyselyPlugin {
  constructor(private readonly ms: number) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    await new Promise((resolve) => setTimeout(resolve, this.ms));
    return args.result;
  }
}
