/// <reference types="vitest/config" />
import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

const appDirectory = fileURLToPath(new URL("./app", import.meta.url));

export default defineConfig({
  resolve: { alias: { "~": appDirectory } },
  server: { port: 3000 },
  plugins: [
    // Vitest runs plain modules; the Remix plugin only makes sense for the app build and dev server.
    !process.env.VITEST &&
      remix({
        future: {
          v3_fetcherPersist: true,
          v3_relativeSplatPath: true,
          v3_throwAbortReason: true,
          v3_singleFetch: true,
          // Off on purpose: with ~30 routes the whole manifest is one small cached file, and lazy
          // discovery's fetch of /__manifest could be cut short by the revalidation after an
          // action's redirect, leaving a blank page (remix-run/react-router#15327). It also
          // matched every parent path of each page against all routes on every request.
          v3_lazyRouteDiscovery: false,
          v3_routeConfig: true,
        },
      }),
  ],
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        // The property-based attacker suite (ADR 009): replays hundreds of worlds, on SQLite only.
        test: { name: "attack", include: ["tests/attack/**/*.test.ts"], environment: "node", testTimeout: 120_000 },
      },
    ],
  },
});
