import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

/**
 * The tests a mutation run of `src/graph` uses (`docs/reliability.md` §8): the client's own
 * in-process suites, which cover every line of the folder, and the two socket tests that time
 * the client's waits at the server (`test/reliability/client-waits.test.ts`: a client that says
 * "retrying in 1 s" and retries at once must fail). Other in-process suites that reach the client
 * through the emulator (`test/apply`, `test/operations/read-live.test.ts`) are left out to keep
 * the dry run short; leaving tests out can only let more mutants survive, never fewer.
 */
export default defineConfig({
  test: {
    ...base.test,
    include: [
      "src/graph/**/*.test.ts",
      "test/graph/**/*.test.ts",
      "test/reliability/client-waits.test.ts",
    ],
  },
});
