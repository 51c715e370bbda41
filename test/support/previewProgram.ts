import * as pulumi from "@pulumi/pulumi";
import { checkRemoteResource, describeCheckFailure } from "../../lab/engine/check";
import { containsUnknown } from "../../lab/engine/inputs";
import { AWS_FUNCTIONS, awsOutputs } from "./awsMocks";
import { mockPulumi, unwrapSecrets, type PulumiMocks, type RecordedResource } from "./pulumi";

export { AWS_FUNCTIONS, awsOutputs };

/**
 * Mocks for the AWS program in preview mode: an instance or key that already exists (`known`)
 * answers with its outputs; one that would be created answers with none, so everything derived
 * from its addresses or keys is unknown, as in `pulumi preview`.
 */
export function mockAwsPreview(known: (type: string, name: string) => boolean): PulumiMocks {
  return mockPulumi({ outputs: awsOutputs(known), functions: AWS_FUNCTIONS, preview: true });
}

export function setAwsConfig(appCount: number): void {
  pulumi.runtime.setAllConfig(
    {
      "aws:region": "eu-west-1",
      "webtier:aws": JSON.stringify({ adminCidr: "192.0.2.0/24", appCount }),
      "webtier:balancing": "round_robin",
    },
    [],
  );
}

/** The provider's Check failures of every remote resource, as the engine would print them. */
export async function checkFailures(resources: RecordedResource[]): Promise<string[]> {
  const failures: string[] = [];
  for (const r of resources.filter((x) => x.type.startsWith("command:remote:"))) {
    for (const f of await checkRemoteResource(r.type, r.inputs)) failures.push(describeCheckFailure(r.type, r.name, f));
  }
  return failures;
}

/** Remote resources per host (`webtier-app-2-activate` → app-2), by kind. */
export function remoteResourcesPerHost(resources: RecordedResource[]): Record<string, string[]> {
  const perHost: Record<string, string[]> = {};
  for (const r of resources.filter((x) => x.type.startsWith("command:remote:"))) {
    const [, host, kind] = /^webtier-((?:lb|app)-\d+)-(.+)$/.exec(r.name) ?? [];
    if (!host) throw new Error(`remote resource ${r.name} names no host`);
    (perHost[host] ??= []).push(`${r.type.slice("command:remote:".length)}:${kind}`);
  }
  for (const kinds of Object.values(perHost)) kinds.sort();
  return perHost;
}

/** Whether a mock input is, or holds anywhere, a value not known yet. */
export function holdsUnknown(value: unknown): boolean {
  return containsUnknown(unwrapSecrets(value));
}
