import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { AWS_FUNCTIONS, awsOutputs } from "./support/previewProgram";
import { bundleFiles, decodeBundle, isSecret, mockPulumi, unwrapSecrets, valueOf } from "./support/pulumi";

const mocks = mockPulumi({ outputs: awsOutputs(), functions: AWS_FUNCTIONS });
const resources = mocks.resources;
pulumi.runtime.setAllConfig(
  {
    "aws:region": "eu-west-1",
    "webtier:aws": JSON.stringify({ adminCidr: "192.0.2.0/24", appCount: 3 }),
    "webtier:balancing": "round_robin",
    "webtier:outputs": JSON.stringify({ renderedFiles: true, stepOutputs: true }),
  },
  [],
);

let program: typeof import("../index");
beforeAll(async () => {
  program = await import("../index.js");
  await valueOf(program.stepOutputs);
  await mocks.idle();
}, 60_000);

describe("the Pulumi program in AWS mode", () => {
  it("creates the hosts on EC2 and configures them over SSH", () => {
    const count = (type: string) => resources.filter((r) => r.type === type).length;
    expect(count("aws:ec2/instance:Instance")).toBe(4);
    expect(count("aws:ec2/keyPair:KeyPair")).toBe(1);
    expect(count("webtier:index:HostConfiguration")).toBe(4);
    // Per host: host-key rotation, provision, activate.
    expect(count("command:remote:Command")).toBe(4 * 3);
    expect(count("command:remote:CopyToRemote")).toBe(3);
  });

  it("renders the upstream from exactly the app instances' private IPs and the uWSGI port", async () => {
    const appIps = resources.filter((r) => r.type === "aws:ec2/instance:Instance" && r.name.includes("-app-")).length;
    expect(appIps).toBe(3);
    const files = await valueOf(program.renderedFiles!);
    const servers = files["lb-1"]!["/etc/nginx/webtier/upstream.conf"]!.split("\n").filter((l) => l.startsWith("    server "));
    const appAddresses = await valueOf(program.appAddresses);
    expect(appAddresses).toHaveLength(3);
    expect(appAddresses.every((a) => a.startsWith("10.0.8."))).toBe(true);
    expect(servers).toEqual(appAddresses.map((a) => `    server ${a}:3031 max_fails=3 fail_timeout=10s;`));
  });

  it("connects with the generated deploy key, pinned host keys, app hosts through lb-1", async () => {
    const prepare = resources.find((r) => r.type === "command:remote:Command" && r.name === "webtier-app-2-provision")!;
    const connection = unwrapSecrets(prepare.inputs.connection);
    const lbAddress = (await valueOf(program.nginxAddresses))[0];
    // One nginx host: its front door is an Elastic IP, which SSH dials too (the launch address is released).
    expect(lbAddress).toBe("203.0.113.10");
    expect(await valueOf(program.dnsName!)).toBe("ec2-203-0-113-10.eu-west-1.compute.amazonaws.com");
    expect(connection.user).toBe("admin");
    expect(connection.privateKey).toBe("-----BEGIN OPENSSH PRIVATE KEY-----\nwebtier-deploy-key\n");
    // Every command after the rotation pins the rotated keys, the bastion's included.
    expect(connection.hostKey).toBe("ssh-ed25519 AAAAwebtier-aws-app-hostkeys-2-rotated");
    expect(connection.proxy).toMatchObject({ host: lbAddress, user: "admin", hostKey: "ssh-ed25519 AAAAwebtier-aws-lb-hostkeys-1-rotated" });
    // New instances (the bastion among them) may still be booting at first contact.
    expect([connection.dialErrorLimit, connection.proxy.dialErrorLimit]).toEqual([60, 60]);
    expect(await valueOf(program.url)).toBe(`http://${lbAddress}/`);
    expect(await valueOf(program.deployKey!)).toBe("-----BEGIN OPENSSH PRIVATE KEY-----\nwebtier-deploy-key\n");
    expect(await pulumi.isSecret(program.deployKey!)).toBe(true);
  });

  it("rotates each new machine's host key first, over a connection pinned to its bootstrap key", async () => {
    const find = (name: string) => resources.find((r) => r.name === name)!;
    for (const [host, bootstrap, bastion] of [["lb-1", "lb-hostkeys-1", undefined], ["app-2", "app-hostkeys-2", "lb-hostkeys-1-rotated"]] as const) {
      const rotation = find(`webtier-${host}-hostkey`);
      const connection = unwrapSecrets(rotation.inputs.connection);
      expect(connection.hostKey).toBe(`ssh-ed25519 AAAAwebtier-aws-${bootstrap}`);
      expect(connection.proxy?.hostKey).toBe(bastion && `ssh-ed25519 AAAAwebtier-aws-${bastion}`);
      expect([connection.dialErrorLimit, connection.proxy?.dialErrorLimit]).toEqual([60, bastion && 60]);
      // The new private key travels only on stdin, as a secret.
      expect(isSecret(rotation.inputs.stdin)).toBe(true);
      const staged = bundleFiles(decodeBundle(unwrapSecrets(rotation.inputs.stdin)));
      expect(staged["/etc/ssh/ssh_host_ed25519_key"]).toBe(`-----BEGIN OPENSSH PRIVATE KEY-----\nwebtier-aws-${bootstrap}-rotated\n`);
      expect(find(`webtier-${host}-provision`).started).toBeGreaterThan(rotation.finished);
    }
    // App hosts are reached through the bastion: its rotation comes first.
    expect(find("webtier-app-1-hostkey").started).toBeGreaterThan(find("webtier-lb-1-hostkey").finished);
  });
});
