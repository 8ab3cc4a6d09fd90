/**
 * A redis-server of the test's own, on a free port, with no persistence, that the test may kill,
 * restart, freeze (SIGSTOP) and thaw (SIGCONT) without touching anyone else's Redis. Without the
 * redis-server binary, `startPrivateRedis` returns null and the test skips, unless
 * CASEBOOK_REQUIRE_SERVICES=1 (CI), when it throws.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, connect } from "node:net";

export interface PrivateRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL) and waits until the port is closed. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence) and waits until it accepts connections. */
  restart(): Promise<void>;
  /** Freezes it: connections stay open, nothing is answered. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

/** Whether the redis-server binary is on the PATH; throws when it is required and missing. */
export function redisServerAvailable(): boolean {
  const found = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
  if (!found && process.env.CASEBOOK_REQUIRE_SERVICES === "1") throw new Error("redis-server is required (CASEBOOK_REQUIRE_SERVICES=1) but is not on the PATH");
  if (!found) console.log("Skipping the Redis outage tests: no redis-server binary on the PATH.");
  return found;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, open: boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const isOpen = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (isOpen === open) return;
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not ${open ? "start" : "stop"} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--enable-debug-command", "local"], { stdio: "ignore" });
    await waitForPort(port, true);
  };
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    running.kill("SIGCONT");
    running.kill("SIGKILL");
    await new Promise((resolve) => running.once("exit", resolve));
    await waitForPort(port, false);
  };
  // A test that times out or crashes must not leave its Redis behind (frozen or not); one
  // listener for every restart.
  process.once("exit", () => {
    child?.kill("SIGCONT");
    child?.kill("SIGKILL");
  });
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    restart: start,
    freeze: () => child?.kill("SIGSTOP"),
    thaw: () => child?.kill("SIGCONT"),
    stop: kill,
  };
}
