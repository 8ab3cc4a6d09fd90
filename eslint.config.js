// Lint rules (ADR 033): ESLint's and typescript-eslint's recommended sets and React's hook rules,
// with the few choices below, each with its reason. `npm run lint` runs it (and Prettier's check);
// `npm run validate` and `npm test` run that.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "node_modules/", "test-results/", "playwright-report/", "public/build/", ".cache/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // A leading underscore names what is left out on purpose (a rest sibling, an unused argument a signature needs).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    // `Kysely<any>` is Kysely's type for a database whose schema the code does not know: a
    // migration's, a copy between two databases', a test that migrates down.
    files: ["db/**", "scripts/db-copy.ts", "tests/integration/migrations.test.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Security and parsing tests send control characters on purpose.
    files: ["tests/**"],
    rules: { "no-control-regex": "off" },
  },
  {
    files: ["app/**/*.tsx", "app/components/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      // Not taken: the React Compiler's rules (refs read in render, state set in an effect). The
      // app does not use the compiler; the latest-callback ref and state reset from new loader
      // data are deliberate React 18 patterns here.
    },
  },
);
