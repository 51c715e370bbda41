import { configDefaults, defineConfig } from "vitest/config";

// What StrykerJS runs against each mutant of the pure layer (stryker.config.mjs): the render tests.
// The real-binary checks (test/render/binaries.test.ts: nginx -t, uwsgi --strict, nft -c,
// shellcheck, ~1 s a test) stay out: they cover nearly every render mutant and would multiply the
// run time; `npm run test:unit` runs them.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    include: ["test/render/**/*.test.ts"],
    exclude: [...configDefaults.exclude, "test/render/binaries.test.ts"],
  },
});
