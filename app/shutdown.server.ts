/**
 * Work to do when the process is asked to stop. The server build registers hooks; server.ts (a
 * separate copy of the modules, see singleton.server.ts) runs them through the shared registry.
 */
import { singleton } from "./singleton.server";

type Hook = () => void | Promise<void>;

function hooks(): Set<Hook> {
  return singleton("shutdown-hooks", () => new Set<Hook>());
}

export function onShutdown(hook: Hook): void {
  hooks().add(hook);
}

export async function runShutdownHooks(): Promise<void> {
  for (const hook of hooks()) {
    try {
      await hook();
    } catch (error) {
      console.error("Shutdown step failed:", error);
    }
  }
}
