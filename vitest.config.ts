import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "scripts/**/*.test.ts"],
    setupFiles: ["test/helpers/loopback-env.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
