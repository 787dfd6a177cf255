import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

/**
 * The tests `npm run mutate` runs against each mutant: the ones that run the code in this
 * process and take seconds, not minutes. Tests that spawn the CLI (test/e2e, the secrets and
 * hostile-CLI suites) cannot see a mutant Stryker switches on inside this process; the fault
 * matrix and the fault properties (a minute each) would be rerun for nearly every mutant of the
 * Graph client. `test/config/schema.test.ts` runs in this process and is the one test of what
 * an editor shows from the JSON Schema (descriptions, examples of `src/resources/property-types`).
 * (Not `mergeConfig`: it would append this list to the base's.)
 */
export default defineConfig({
  test: {
    ...base.test,
    include: [
      "src/**/*.test.ts",
      "test/apply/**/*.test.ts",
      "test/graph/**/*.test.ts",
      "test/operations/read-live.test.ts",
      "test/config/schema.test.ts",
    ],
  },
});
