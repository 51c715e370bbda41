// On AWS the whole stack refuses what it would refuse later before it registers anything: a
// refusal once the VPC and the instances are registered would leave `pulumi up` having created
// them. Existing hosts get the same guarantee from the stack itself, not only from WebTier.
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { WebtierStackArgs, WebtierStackConfig } from "../../components";
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
const SUDO = "that user has passwordless sudo, so the app would be root in effect";
const problems = (...lines: string[]) => ["invalid webtier configuration:", ...lines.map((l) => `  - ${l}`)].join("\n");
const stack = (name: string, args: Omit<WebtierStackArgs, "baseDir">) => () => new components.WebtierStack(name, { baseDir: process.cwd(), ...args });

describe("WebtierStack on AWS refuses before registering anything", () => {
  it("an invalid tuning, with every problem: the rules needing no host and those the created machines break", async () => {
    const config = { aws: AWS, uwsgi: { harakiri: 75, uid: "admin", workerz: 4 } } as WebtierStackConfig;
    expect(await refusal(mocks, stack("tuning", { config }))).toBe(
      problems(
        "uwsgi.workerz (4) is not a known key",
        "uwsgi.harakiri (75) must be below nginx.uwsgiReadTimeout (60)",
        `uwsgi.uid (admin) must differ from the SSH user of hosts.nginx[0] (lb-1): ${SUDO}`,
      ),
    );
  });

  it("nginx on the SSH port of the machines it would create", async () => {
    expect(await refusal(mocks, stack("ssh-port", { config: { aws: { ...AWS, nginxCount: 2 }, nginx: { port: 22 } } }))).toBe(
      problems(
        "nginx.port (22) must differ from hosts.nginx[0].port, the SSH port of lb-1",
        "nginx.port (22) must differ from hosts.nginx[1].port, the SSH port of lb-2",
      ),
    );
  });

  it("what the AWS layer itself refuses (instance type, tags), before the deploy key is generated", async () => {
    const config = { aws: { ...AWS, appInstanceType: "large", tags: { Name: "mine" } } };
    expect(await refusal(mocks, stack("aws-layer", { config }))).toBe(
      problems(
        "aws.tags.Name (mine) must not be set (webtier sets it on every resource)",
        "aws.appInstanceType (large) must be an EC2 instance type such as t3.small",
      ),
    );
  });

  it("a TLS key without a certificate for nginx", async () => {
    expect(await refusal(mocks, stack("tls-key", { config: { aws: AWS }, tlsKey: "-----BEGIN PRIVATE KEY-----\n" }))).toBe(
      problems("tlsKey (secret) is set but tls.certificate is not: the key belongs to the certificate nginx serves"),
    );
  });

  it("an app.source that is not a directory", async () => {
    const missing = path.resolve(process.cwd(), "no-such-app");
    expect(await refusal(mocks, stack("app-source", { config: { aws: AWS, app: { source: "no-such-app" } } }))).toBe(
      problems(`app.source (${missing}) must be a directory`),
    );
  });
});

describe("WebtierStack on existing hosts", () => {
  it("refuses an invalid tuning before registering itself, not only once WebTier sees the hosts", async () => {
    const config = { hosts: hostList(2, { user: "admin" }), uwsgi: { harakiri: 75, uid: "admin" } };
    expect(await refusal(mocks, stack("existing", { config, sshPrivateKey: KEY }))).toBe(
      problems("uwsgi.harakiri (75) must be below nginx.uwsgiReadTimeout (60)", `uwsgi.uid (admin) must differ from the SSH user of hosts.nginx[0] (lb-1): ${SUDO}`),
    );
  });
});
