import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Pulumi mocks are process-global: each test file gets its own worker process.
    pool: "forks",
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, "test/lab/**"] } },
      // The lab tests share one set of real hosts (and the lab's lock): one file at a time, after
      // every other test has finished.
      {
        extends: true,
        test: { name: "lab", include: ["test/lab/**/*.test.ts"], fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
