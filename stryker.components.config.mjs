// @ts-check
// Mutation testing (StrykerJS) of the Pulumi components above the pure layer; see stryker.config.mjs.
import { mutationScope } from "./stryker.config.mjs";

export default mutationScope("components", [
  "components/**/*.ts",
  "!components/render/**",
  "!components/index.ts",
  "!components/aws/index.ts",
]);
