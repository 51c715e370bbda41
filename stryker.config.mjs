// @ts-check
// Mutation testing (StrykerJS) of the pure layer: `npm run test:mutation` runs this scope, then the
// components' (stryker.components.config.mjs). Reports and the incremental file go to
// reports/mutation/<scope>/ (gitignored): a later run retests only the mutants whose code or
// covering tests changed.

/**
 * @param {string} scope
 * @param {string[]} mutate
 * @returns {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export function mutationScope(scope, mutate) {
  const dir = `reports/mutation/${scope}`;
  return {
    testRunner: "vitest",
    vitest: { configFile: `vitest.mutation.${scope}.config.mts`, related: true },
    coverageAnalysis: "perTest",
    // Tests that build their plan or their resources in a describe body, at module level or in
    // beforeAll make nearly every mutant "static" (covered outside any test); each static mutant
    // reruns every test file, which takes hours here at concurrency 1. So a mutant covered only
    // there is reported as Ignored, and one covered by tests too runs against those tests alone.
    // `npx stryker run --ignoreStatic false` gives the full measurement.
    ignoreStatic: true,
    mutate,
    ignorePatterns: ["dist", "out", ".lab", "reports"],
    // The machine is shared with the lab's hosts and other test runs.
    concurrency: 1,
    timeoutMS: 20_000,
    incremental: true,
    incrementalFile: `${dir}/stryker-incremental.json`,
    reporters: ["clear-text", "progress-append-only", "json", "html"],
    clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
    jsonReporter: { fileName: `${dir}/mutation.json` },
    htmlReporter: { fileName: `${dir}/mutation.html` },
    tempDirName: ".stryker-tmp",
  };
}

export default mutationScope("render", ["components/render/**/*.ts", "!components/render/index.ts"]);
