// The whole stack refuses a configuration that mixes up where the hosts come from (AWS or
// existing ones) with every problem at once, before it registers anything.
import { beforeAll, describe, expect, it } from "vitest";
import type { WebtierStackArgs } from "../../components";
import { hostList } from "../support/hosts";
import { mockPulumi } from "../support/pulumi";
import { refusal } from "../support/refusal";

const mocks = mockPulumi();
let components: typeof import("../../components");
beforeAll(async () => {
  components = await import("../../components/index.js");
});

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nstack-key\n-----END OPENSSH PRIVATE KEY-----\n";
const AWS = { adminCidr: "198.51.100.0/24" };
const problems = (...lines: string[]) => ["invalid webtier configuration:", ...lines.map((l) => `  - ${l}`)].join("\n");
const stack = (name: string, args: Omit<WebtierStackArgs, "baseDir">) => () => new components.WebtierStack(name, { baseDir: process.cwd(), ...args });

describe("WebtierStack refuses", () => {
  it("aws together with hosts, and a deploy key on AWS, in one message", async () => {
    expect(await refusal(mocks, stack("both", { config: { aws: AWS, hosts: hostList(2) }, sshPrivateKey: KEY }))).toBe(
      problems(
        "aws (set) cannot be combined with hosts: webtier either creates the hosts or uses existing ones",
        "sshPrivateKey is only for existing hosts: on AWS webtier generates the deploy key",
      ),
    );
  });

  it("proxy egress on AWS without an apt proxy", async () => {
    expect(await refusal(mocks, stack("egress", { config: { aws: { ...AWS, egress: "proxy" } } }))).toBe(
      problems("aws.egress (proxy) requires aptProxy: app hosts without NAT install packages through it"),
    );
  });

  it("sshPrivateKey on AWS", async () => {
    expect(await refusal(mocks, stack("keyed", { config: { aws: AWS }, sshPrivateKey: KEY }))).toBe(
      problems("sshPrivateKey is only for existing hosts: on AWS webtier generates the deploy key"),
    );
  });

  it("existing hosts without sshPrivateKey", async () => {
    expect(await refusal(mocks, stack("keyless", { config: { hosts: hostList(2) } }))).toBe(
      problems("sshPrivateKey is required for existing hosts: pulumi config set --secret webtier:sshPrivateKey < key"),
    );
  });

  it("neither aws nor hosts", async () => {
    expect(await refusal(mocks, stack("nowhere", { config: {}, sshPrivateKey: KEY }))).toBe(
      problems("hosts (unset) is required unless aws is set: list the existing nginx and app hosts"),
    );
  });
});
