import { hostList } from "./hosts";

export const TEST_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nprogram-test-key\n-----END OPENSSH PRIVATE KEY-----\n";

/**
 * Stack config (as `pulumi config` holds it: JSON strings) for the program in existing-hosts mode:
 * hostList's hosts with user admin, app hosts reached through lb-1.
 */
export function existingHostsConfig(appCount: number, extra: Record<string, unknown> = {}): Record<string, string> {
  const values: Record<string, unknown> = {
    hosts: hostList(appCount, { user: "admin" }),
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
