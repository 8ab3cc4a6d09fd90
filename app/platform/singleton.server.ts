/**
 * One instance per process, even when a module is loaded twice: by the dev server's hot reload,
 * or once by server.ts (start-up work) and again inside the server build.
 */
export function singleton<T>(name: string, create: () => T): T {
  const store = globalThis as unknown as { __casebook?: Map<string, unknown> };
  store.__casebook ??= new Map();
  if (!store.__casebook.has(name)) store.__casebook.set(name, create());
  return store.__casebook.get(name) as T;
}

/** The instance made under `name`, or undefined when none was made yet (nothing is created). */
export function existingSingleton<T>(name: string): T | undefined {
  return (globalThis as unknown as { __casebook?: Map<string, unknown> }).__casebook?.get(name) as T | undefined;
}

/** Drops the instance made under `name`, so the next `singleton(name, …)` makes a new one (e.g. after a failed load). */
export function forgetSingleton(name: string): void {
  (globalThis as unknown as { __casebook?: Map<string, unknown> }).__casebook?.delete(name);
}
