import { configDefaults, defineConfig } from "vitest/config";

const LAB_HOST_TESTS = ["test/lab/e2e*.test.ts", "test/lab/hosts.test.ts", "test/lab/engineSsh.test.ts"];

// The tests boot and tear down a lab of their own, beside the one a user started with `npm run lab`
// (wtlab on 10.77): another name, another address block, another state directory and lock.
const TEST_LAB = {
  WEBTIER_LAB_NAME: process.env.WEBTIER_LAB_NAME ?? "wttest",
  WEBTIER_LAB_OCTET: process.env.WEBTIER_LAB_OCTET ?? "78",
};

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Pulumi mocks are process-global: each test file gets its own worker process.
    pool: "forks",
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, ...LAB_HOST_TESTS] } },
      // The lab tests share one set of real hosts (and the lab's lock): one file at a time, after
      // every other test has finished. The lab engine's own tests (test/lab/engine) need no host.
      {
        extends: true,
        test: { name: "lab", include: LAB_HOST_TESTS, env: TEST_LAB, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
