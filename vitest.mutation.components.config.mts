import { defineConfig } from "vitest/config";

// What StrykerJS runs against each mutant of the Pulumi components (stryker.components.config.mjs):
// the mock tests of the components and of the program. A mutant is switched on inside the test
// worker, so tests that spawn a process (the CLI's, the build and snapshot checks under
// test/package, the lab) could never see it and are not here.
// The Stryker runner forces `pool: "threads"` with one worker; isolation stays on, so each file runs
// in a fresh worker and one file's process-global Pulumi mocks never reach another.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    include: ["test/components/**/*.test.ts", "test/program*.test.ts", "test/pulumiYaml.test.ts", "test/package/construct.test.ts"],
  },
});
