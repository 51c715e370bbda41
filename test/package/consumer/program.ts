// A program in another project that installed the webtier tarball: one web tier on existing hosts.
import * as pulumi from "@pulumi/pulumi";
import { BalancingMethod, WebTier, type RemoteHost, type WebTierSettings } from "webtier";

const settings: WebTierSettings = { balancing: BalancingMethod.LeastConn, uwsgi: { workers: 4 }, app: { module: "wsgi:application" } };
const lb: RemoteHost = { name: "lb-1", address: "203.0.113.10", privateAddress: "10.0.1.5", user: "admin", hostKey: "ssh-ed25519 AAAAlb1" };

export const tier = new WebTier("shop", {
  settings,
  nginxHosts: [lb],
  appHosts: ["10.0.1.11", "10.0.1.12"].map((address, i) => ({ name: `app-${i + 1}`, address: pulumi.output(address), user: "admin" })),
  bastion: lb,
  privateKey: pulumi.secret("-----BEGIN OPENSSH PRIVATE KEY-----\nk\n-----END OPENSSH PRIVATE KEY-----\n"),
});
