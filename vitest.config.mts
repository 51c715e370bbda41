import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    // Pulumi mocks are process-global: each test file gets its own worker process.
    pool: "forks",
  },
});
