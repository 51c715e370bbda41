#!/usr/bin/env node
// The CLI runs from its TypeScript sources through tsx: one code path, never a stale build.
require("tsx/cjs");
require("../cli/main.ts");
