import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

/**
 * The tests `npm run mutate` runs against each mutant: the ones that run the code in this
 * process. Tests that spawn the CLI (test/e2e, the secrets and hostile-CLI suites) cannot see a
 * mutant Stryker switches on inside this process, so they would only cost time. (Not
 * `mergeConfig`: it would append this list to the base's instead of replacing it.)
 */
export default defineConfig({
  test: {
    ...base.test,
    include: [
      "src/**/*.test.ts",
      "test/apply/**/*.test.ts",
      "test/graph/**/*.test.ts",
      "test/reliability/fault-matrix.test.ts",
      "test/reliability/properties.test.ts",
    ],
  },
});
