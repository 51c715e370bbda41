// Another Pulumi program reusing webtier: two independent web tiers (an API and a shop) on
// existing hosts, in one stack, each with its own app, tuning and upstream.
import * as pulumi from "@pulumi/pulumi";
import { WebTier, type RemoteHost } from "webtier";

const config = new pulumi.Config();
const privateKey = config.requireSecret("sshPrivateKey");

const host = (name: string, address: string, privateAddress?: string): RemoteHost => ({
  name,
  address,
  ...(privateAddress === undefined ? {} : { privateAddress }),
  user: "admin",
  hostKey: config.require(`${name}HostKey`),
});

const api = new WebTier("api", {
  settings: {
    balancing: "least_conn",
    uwsgi: { workers: 8, threads: 4, harakiri: 20 },
    nginx: { port: 80, uwsgiReadTimeout: 30 },
    app: { module: "api.wsgi:application", packages: ["python3-flask"] },
  },
  nginxHosts: [host("api-lb", "203.0.113.20", "10.1.0.5")],
  appHosts: [host("api-1", "10.1.1.11"), host("api-2", "10.1.1.12")],
  bastion: host("api-lb", "203.0.113.20", "10.1.0.5"),
  privateKey,
  appDir: "./api",
});

const shop = new WebTier("shop", {
  settings: {
    balancing: "hash",
    upstream: { hashKey: "$cookie_sessionid", consistent: true },
    app: { module: "shop.wsgi:application", packages: ["python3-django"] },
  },
  nginxHosts: [host("shop-lb", "203.0.113.30", "10.2.0.5")],
  appHosts: [host("shop-1", "10.2.1.11"), host("shop-2", "10.2.1.12"), host("shop-3", "10.2.1.13")],
  bastion: host("shop-lb", "203.0.113.30", "10.2.0.5"),
  privateKey,
  appDir: "./shop",
  rolloutBatchSize: 2,
});

export const apiUrl = api.url;
export const shopUrl = shop.url;
