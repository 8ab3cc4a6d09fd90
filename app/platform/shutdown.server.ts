/**
 * Work to do when the process is asked to stop. The server build registers hooks; server.ts (a
 * separate copy of the modules, see singleton.server.ts) runs them through the shared registry.
 * Two moments (ADR 019): "drain" hooks run as soon as the server stops accepting (ending live
 * streams, which would otherwise hold their connections open for ever); "after-requests" hooks
 * run once the last request in flight was answered (closing clients those requests still use).
 */
import { errorFields, log } from "./log.server";
import { singleton } from "./singleton.server";

type Hook = () => void | Promise<void>;
export type ShutdownMoment = "drain" | "after-requests";

function hooks(): Map<ShutdownMoment, Set<Hook>> {
  return singleton(
    "shutdown-hooks-by-moment",
    () =>
      new Map<ShutdownMoment, Set<Hook>>([
        ["drain", new Set()],
        ["after-requests", new Set()],
      ]),
  );
}

/** Registers `hook` to run at `moment` of a shutdown (default: "drain", when the server stops accepting). */
export function onShutdown(hook: Hook, moment: ShutdownMoment = "drain"): void {
  hooks().get(moment)!.add(hook);
}

/** Runs the hooks of `moment` in registration order; a failing hook is logged and the rest still run. */
export async function runShutdownHooks(moment: ShutdownMoment = "drain"): Promise<void> {
  for (const hook of hooks().get(moment)!) {
    try {
      await hook();
    } catch (error) {
      log().error({ event: "shutdown-step-failed", ...errorFields(error) }, "Shutdown step failed");
    }
  }
}
