import { testHostKey } from "./hostKeys";

/** Stack config (as `pulumi config` holds it: JSON strings) for the program in existing-hosts mode. */
export const TEST_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nprogram-test-key\n-----END OPENSSH PRIVATE KEY-----\n";

export function existingHostsConfig(appCount: number, extra: Record<string, unknown> = {}): Record<string, string> {
  const app = Array.from({ length: appCount }, (_, i) => ({
    name: `app-${i + 1}`,
    address: `10.0.${1 + Math.floor(i / 200)}.${10 + (i % 200)}`,
    user: "admin",
    hostKey: testHostKey(`app${i + 1}`),
  }));
  const values: Record<string, unknown> = {
    hosts: { nginx: [{ name: "lb-1", address: "203.0.113.10", privateAddress: "10.0.0.5", user: "admin", hostKey: testHostKey("lb") }], app },
    bastion: "lb-1",
    balancing: "least_conn",
    ...extra,
  };
  const config: Record<string, string> = { "aws:region": "eu-west-1", "webtier:sshPrivateKey": TEST_KEY };
  for (const [key, value] of Object.entries(values)) {
    config[`webtier:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return config;
}
