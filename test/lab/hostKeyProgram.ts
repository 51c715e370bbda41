// A program for the host-key end-to-end test: the lab's hosts deployed with WebTier directly, one
// app host treated as a machine the stack created (a bootstrap key it offers now, a new key to
// install), as the AWS layer hands its hosts over. The rotation comes from WEBTIER_TEST_ROTATION.
import * as pulumi from "@pulumi/pulumi";
import { WebTier, type CreatedHost, type RemoteHost } from "../../components";

interface Rotation {
  host: string;
  newHostKey: string;
  newHostPrivateKey: string;
}

const config = new pulumi.Config("webtier");
const hosts = config.requireObject<{ nginx: RemoteHost[]; app: RemoteHost[] }>("hosts");
const rotation = JSON.parse(process.env.WEBTIER_TEST_ROTATION ?? "null") as Rotation;

function asCreated(host: RemoteHost): RemoteHost | CreatedHost {
  if (host.name !== rotation.host) return host;
  // Stands in for the instance: a component, which the lab engine accepts as a no-op.
  const instance = new pulumi.ComponentResource("webtier:index:LabMachine", `machine-${host.name}`);
  return {
    ...host,
    hostKey: rotation.newHostKey,
    identity: `lab-machine-${host.name}`,
    instance,
    bootstrap: { hostKey: host.hostKey!, newHostPrivateKey: pulumi.secret(rotation.newHostPrivateKey) },
  };
}

const bastionName = config.requireObject<string>("bastion");
const tier = new WebTier("webtier", {
  settings: { aptProxy: config.requireObject<string>("aptProxy") },
  nginxHosts: hosts.nginx,
  appHosts: hosts.app.map(asCreated),
  bastion: hosts.nginx.find((h) => h.name === bastionName)!,
  privateKey: config.requireSecret("sshPrivateKey"),
});

export const url = tier.url;
export const stepOutputs = tier.stepOutputs;
