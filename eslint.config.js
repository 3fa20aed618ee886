// ESLint flat config: type-aware typescript-eslint; layout is Prettier's job (printWidth 120 in .prettierrc.json).
//
// Base: @eslint/js recommended + typescript-eslint recommendedTypeChecked (types from tsconfig.json via
// projectService), which already catch floating/misused promises, awaiting non-promises, unused vars and imports,
// `any` (no-explicit-any, no-unsafe-*), unbound methods, throwing non-Errors, `${object}` in templates.
// Changes, each for a reason:
//   + consistent-type-imports: auto-fixable; makes type-only imports visible (they vanish from the emitted JS).
//   + switch-exhaustiveness-check: a new union member (event, step, state) must be handled where switched on.
//   + return-await (error-handling-correctness-only): `return promise` inside try/catch/finally skips the catch.
//   + eqeqeq (smart): no `==` coercion, except `== null`.
//   + max-len 120: Prettier wraps code at 120 but leaves strings, regexes and comments long; this catches those too.
//   ~ no-unused-vars: `_name` marks a deliberately unused argument/variable; rest siblings may drop keys.
//   ~ no-floating-promises: node:test's describe/it/test at top level are not awaited by design.
//   - require-await: an async function without await (an async interface implemented synchronously) is no defect.
//   - no-control-regex: the input checks match control characters on purpose, to refuse them.
//   - no-regex-spaces: regexes mirror git's fixed-width text; ` {6}` is not clearer than six spaces.
//   - no-unsafe-* and no-explicit-any in tests/: tests poke at JSON.parse'd payloads; assertions catch mistakes there.
// Plain JS (bin/, scripts/*.mjs, this file) is linted without type information.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["dist/", "coverage/", "tests/data/"]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      "@typescript-eslint/return-await": ["error", "error-handling-correctness-only"],
      eqeqeq: ["error", "smart"],
      "max-len": ["error", { code: 120, tabWidth: 2 }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["describe", "it", "test", "suite"] },
          ],
        },
      ],
      "@typescript-eslint/require-await": "off",
      "no-control-regex": "off",
      "no-regex-spaces": "off",
    },
  },
  {
    files: ["tests/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { process: "readonly", console: "readonly", URL: "readonly", setTimeout: "readonly" },
    },
  },
);
