import { ComponentProvider, type ComponentProviderOptions } from "@pulumi/pulumi/provider/experimental";
import { packageRoot } from "../components/appSource";
import { WebTier, WebtierStack } from "../components";

/**
 * webtier as a Pulumi component package (`pulumi package add`): the components other languages
 * can use. Their schema is inferred from the TypeScript sources under the package root (its
 * tsconfig.json), so argument types stay explicit interfaces (see components/configTypes.ts).
 */
export const PROVIDER_OPTIONS: ComponentProviderOptions = {
  name: "webtier",
  components: [WebtierStack, WebTier],
  dirname: packageRoot(__dirname),
};

export function webtierProvider(): ComponentProvider {
  return new ComponentProvider(PROVIDER_OPTIONS);
}
