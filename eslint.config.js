import nextPlugin from "@next/eslint-plugin-next";
import drizzle from "eslint-plugin-drizzle";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data/**",
      "db/migrations/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    // The two classic rules. v7's preset adds the React Compiler's rules; the app is not built
    // with the compiler, and they flag the latest-value ref and load-in-effect patterns it uses.
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
  nextPlugin.configs.recommended,
  nextPlugin.configs["core-web-vitals"],
  {
    plugins: { drizzle },
    rules: {
      // A delete or update without a where clause is never what we mean.
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx", "ctx.db"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx", "ctx.db"] }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-explicit-any": "error",
      // A promise nobody awaits loses its error; fire-and-forget is spelled `void` with a reason.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      // Props are declared with method syntax (`onDone(): void`) and destructured; nothing here
      // relies on `this`, so the rule only reports false positives.
      "@typescript-eslint/unbound-method": "off",
      // Connector and handler methods are async by contract; a synchronous body keeps a throw a
      // rejection, which is what callers handle.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // Tests, fakes and benchmarks read JSON bodies from the wire as `any` on purpose; the test's
    // assertions are the type check there.
    files: ["tests/**", "bench/**"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // Fakes echo wire values back the way the real servers print them.
      "@typescript-eslint/no-base-to-string": "off",
      // `useFakeProviders()` is a test fixture, not a React hook.
      "react-hooks/rules-of-hooks": "off",
    },
  },
  {
    // Plain JS config files are outside tsconfig: no type information there.
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
