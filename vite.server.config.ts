/**
 * `npm run build`'s second step: server.ts compiled once into build/server.js, so `npm start`
 * runs plain JavaScript and start-up does no compile work (ADR 019), and the release-plan worker
 * thread's entry into build/release-plan-worker.js, beside the Remix build that starts it (ADR
 * 042). Packages stay imports from node_modules (Vite's default for SSR builds); only the
 * project's own modules are bundled.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  // No public/ copy: the Remix build already put it in build/client.
  publicDir: false,
  logLevel: "warn",
  build: {
    ssr: true,
    outDir: "build",
    // build/client and build/server are the Remix build's, made just before.
    emptyOutDir: false,
    target: "node20",
    sourcemap: true,
    rollupOptions: {
      input: { server: "server.ts", "release-plan-worker": "app/domain/release-plan-worker.ts" },
      output: { entryFileNames: "[name].js", chunkFileNames: "server-chunks/[name]-[hash].js", format: "esm" },
    },
  },
});
