import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { isSecret, recordResources, settled, unwrapSecrets, valueOf, type RecordedResource } from "../support/pulumi";

const resources = recordResources();
// Imported after the mocks are in place.
let components: typeof import("../../components");
beforeAll(async () => {
  components = await import("../../components/index.js");
});

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-key-material\n-----END OPENSSH PRIVATE KEY-----\n";

function hosts(prefix: string, appCount: number, appAddress = (i: number) => `10.0.1.${11 + i}`) {
  return {
    nginxHosts: [{ name: `${prefix}lb-1`, address: "203.0.113.10", privateAddress: "10.0.1.5", user: "admin", hostKey: "ssh-ed25519 AAAAlb1" }],
    appHosts: Array.from({ length: appCount }, (_, i) => ({
      name: `${prefix}app-${i + 1}`,
      address: pulumi.output(appAddress(i)),
      user: "admin",
      hostKey: `ssh-ed25519 AAAAapp${i + 1}`,
      identity: pulumi.output(`i-${prefix}${i + 1}`),
    })),
  };
}

async function deploy(name: string, args: Partial<import("../../components").WebTierArgs> & { nginxHosts: any[]; appHosts: any[] }) {
  const tier = new components.WebTier(name, { settings: { balancing: "least_conn" }, privateKey: KEY, ...args });
  await valueOf(tier.stepOutputs);
  await settled(resources);
  return { tier, mine: () => resources.filter((r) => r.name === name || r.name.startsWith(`${name}-`)) };
}

const byName = (list: RecordedResource[], name: string) => {
  const found = list.find((r) => r.name === name);
  if (!found) throw new Error(`no resource ${name}; have ${list.map((r) => r.name).join(", ")}`);
  return found;
};

describe("WebTier on existing hosts", () => {
  it("creates exactly the copies and commands of the plan", async () => {
    const { mine } = await deploy("count", { ...hosts("", 3), bastion: { name: "lb-1", address: "203.0.113.10", user: "admin" } });
    const count = (type: string) => mine().filter((r) => r.type === type).length;
    // nginx host: 4 steps + retire, files for sysctl and nginx; app host: 6 steps + the app
    // environment + retire, files for sysctl, firewall, app (the release) and uwsgi. Steps without
    // files copy nothing.
    expect(count("command:remote:Command")).toBe(5 + 3 * 8);
    expect(count("command:remote:CopyToRemote")).toBe(2 + 3 * 4);
    // Nothing else but the tier components and one per host: no AWS resource here.
    expect(mine().filter((r) => !r.type.startsWith("command:remote:")).map((r) => r.type).sort()).toEqual([
      "webtier:index:AppTier", ...Array(4).fill("webtier:index:HostConfiguration"), "webtier:index:NginxTier", "webtier:index:WebTier",
    ]);
  });

  it("renders the upstream from exactly the app hosts' addresses and the uWSGI port", async () => {
    const { tier } = await deploy("up", hosts("", 3, (i) => `10.9.${i}.7`));
    const files = await valueOf(tier.renderedFiles);
    const servers = files["lb-1"]!["/etc/nginx/webtier/upstream.conf"]!.split("\n").filter((l) => l.includes("server "));
    expect(servers).toEqual([
      "    server 10.9.0.7:3031 max_fails=3 fail_timeout=10s;",
      "    server 10.9.1.7:3031 max_fails=3 fail_timeout=10s;",
      "    server 10.9.2.7:3031 max_fails=3 fail_timeout=10s;",
    ]);
  });

  it("carries per-host weight, health and flags into the upstream", async () => {
    const h = hosts("flags-", 3);
    Object.assign(h.appHosts[0]!, { weight: 3, maxFails: 1, failTimeout: 30 });
    Object.assign(h.appHosts[2]!, { down: true });
    const { tier } = await deploy("flags", h);
    const upstream = (await valueOf(tier.renderedFiles))["flags-lb-1"]!["/etc/nginx/webtier/upstream.conf"]!;
    expect(upstream.split("\n").filter((l) => l.includes("server "))).toEqual([
      "    server 10.0.1.11:3031 weight=3 max_fails=1 fail_timeout=30s;",
      "    server 10.0.1.12:3031 max_fails=3 fail_timeout=10s;",
      "    server 10.0.1.13:3031 down;",
    ]);
  });

  it("runs each host's steps in order, app hosts one at a time, nginx after the app tier", async () => {
    const { mine } = await deploy("order", hosts("order-", 3));
    const list = mine();
    const step = (host: string, s: string) => byName(list, `order-order-${host}-${s}`);
    for (const host of ["app-1", "app-2", "app-3"]) {
      const chain = ["prepare", "packages", "sysctl", "firewall", "app", "uwsgi"].map((s) => step(host, s));
      chain.slice(1).forEach((cmd, i) => expect(cmd.started).toBeGreaterThan(chain[i]!.finished));
      // A step's files are copied after the previous step ran and before the step runs.
      const copy = step(host, "uwsgi-files");
      expect(copy.type).toBe("command:remote:CopyToRemote");
      expect(copy.started).toBeGreaterThan(step(host, "app").finished);
      expect(step(host, "uwsgi").started).toBeGreaterThan(copy.finished);
    }
    // Rolling: the step that changes what a host serves waits for the previous host's.
    expect(step("app-2", "uwsgi").started).toBeGreaterThan(step("app-1", "uwsgi").finished);
    expect(step("app-3", "uwsgi").started).toBeGreaterThan(step("app-2", "uwsgi").finished);
    expect(step("lb-1", "nginx").started).toBeGreaterThan(step("app-3", "uwsgi").finished);
    // Provisioning (packages, kernel, firewall, release) runs on every host at once.
    expect(step("app-3", "prepare").started).toBeLessThan(step("app-1", "uwsgi").finished);
    expect(step("lb-1", "prepare").started).toBeLessThan(step("app-1", "uwsgi").finished);
  });

  it("rolls out in batches of the configured size", async () => {
    const { mine } = await deploy("batch", { ...hosts("batch-", 4), rolloutBatchSize: 2 });
    const list = mine();
    const step = (host: string, s: string) => byName(list, `batch-batch-${host}-${s}`);
    const firstBatchDone = Math.max(step("app-1", "uwsgi").finished, step("app-2", "uwsgi").finished);
    expect(step("app-3", "uwsgi").started).toBeGreaterThan(firstBatchDone);
    expect(step("app-4", "uwsgi").started).toBeGreaterThan(firstBatchDone);
    // Hosts in one batch do not wait for each other.
    expect(step("app-2", "uwsgi").started).toBeLessThan(step("app-1", "uwsgi").finished);
  });

  it("sends scripts on stdin and keeps every secret out of command strings", async () => {
    const { mine } = await deploy("sec", { ...hosts("sec-", 2), appEnvironment: { DJANGO_SECRET_KEY: "s3cr3t-value" } });
    const commands = mine().filter((r) => r.type === "command:remote:Command");
    for (const cmd of commands) {
      const inputs = unwrapSecrets(cmd.inputs);
      for (const field of ["create", "delete", "update"]) {
        expect(String(inputs[field] ?? "")).not.toContain("s3cr3t-value");
        expect(String(inputs[field] ?? "")).not.toContain("secret-key-material");
      }
      expect(isSecret(cmd.inputs.connection)).toBe(true);
      expect(inputs.connection.privateKey).toBe(KEY);
    }
    const uwsgi = byName(commands, "sec-sec-app-1-uwsgi");
    expect(uwsgi.inputs.create).toMatch(/^sudo -n bash -s -- \/var\/lib\/webtier\/stage\/uwsgi-[0-9a-f]{16}$/);
    expect(uwsgi.inputs.stdin).toContain('# webtier step "uwsgi" for host sec-app-1.');
    const env = byName(commands, "sec-sec-app-1-app-environment");
    expect(isSecret(env.inputs.stdin)).toBe(true);
    expect(unwrapSecrets(env.inputs.stdin)).toBe('DJANGO_SECRET_KEY="s3cr3t-value"\n');
    // uWSGI reads the environment when it starts: its step re-runs (and restarts) when it changes.
    // The environment's hash makes the whole trigger list secret in state.
    expect(isSecret(uwsgi.inputs.triggers)).toBe(true);
    const uwsgiTriggers = unwrapSecrets(uwsgi.inputs.triggers);
    expect(uwsgiTriggers).toHaveLength(3);
    expect(uwsgiTriggers[2]).toBe(unwrapSecrets(env.inputs.triggers)[0]);
    expect(uwsgiTriggers[2]).toMatch(/^[0-9a-f]{64}$/);
    expect(env.started).toBeGreaterThan(byName(commands, "sec-sec-app-1-app").finished);
    expect(uwsgi.started).toBeGreaterThan(env.finished);
  });

  it("copies each step's files as one directory laid out as the host sees it from the stage", async () => {
    const { mine } = await deploy("bundle", hosts("bundle-", 1));
    const copy = byName(mine(), "bundle-bundle-app-1-uwsgi-files");
    const dir: string = await copy.inputs.source.path;
    expect(dir.endsWith("/")).toBe(true);
    const listed = fs.readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
    expect(listed).toEqual([
      ".steps/50-uwsgi.sh", "etc/systemd/system/webtier-uwsgi.service", "etc/webtier/uwsgi.ini", "usr/local/lib/webtier/uwsgi-probe.py",
    ]);
    expect(fs.readFileSync(path.join(dir, "etc/webtier/uwsgi.ini"), "utf8")).toContain("socket = 10.0.1.11:3031\n");
    const command = byName(mine(), "bundle-bundle-app-1-uwsgi");
    expect(command.inputs.create).toBe(`sudo -n bash -s -- ${copy.inputs.remotePath}`);
    const release: string = await byName(mine(), "bundle-bundle-app-1-app-files").inputs.source.path;
    const releaseFiles = fs.readdirSync(path.join(release, "srv/webtier/releases"), { recursive: true });
    expect(releaseFiles.map(String).sort()).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/), expect.stringMatching(/^[0-9a-f]{16}\/wsgi\.py$/)]);
  });

  it("pins host keys, bounds dialing and jumps through the bastion to app hosts", async () => {
    const bastion = { name: "lb-1", address: "203.0.113.10", user: "admin", hostKey: "ssh-ed25519 AAAAlb1" };
    const { mine } = await deploy("conn", { ...hosts("conn-", 1), bastion });
    const prepare = unwrapSecrets(byName(mine(), "conn-conn-app-1-prepare").inputs.connection);
    expect(prepare).toEqual({
      host: "10.0.1.11", port: 22, user: "admin", privateKey: KEY, hostKey: "ssh-ed25519 AAAAapp1",
      dialErrorLimit: 60, perDialTimeout: 15,
      proxy: { host: "203.0.113.10", port: 22, user: "admin", privateKey: KEY, hostKey: "ssh-ed25519 AAAAlb1", dialErrorLimit: 10, perDialTimeout: 15 },
    });
    const later = unwrapSecrets(byName(mine(), "conn-conn-app-1-uwsgi").inputs.connection);
    expect(later.dialErrorLimit).toBe(10);
    const nginx = unwrapSecrets(byName(mine(), "conn-conn-lb-1-nginx").inputs.connection);
    expect(nginx.proxy).toBeUndefined();
  });

  it("derives triggers from content and host identity only: same inputs, same triggers", async () => {
    const triggersOf = async (name: string, args: Parameters<typeof deploy>[1]) => {
      const { mine } = await deploy(name, args);
      return Object.fromEntries(
        mine()
          .filter((r) => r.type.startsWith("command:remote:"))
          .map((r) => [r.name.slice(name.length + 1), JSON.stringify(unwrapSecrets(r.inputs.triggers))]),
      );
    };
    const base = await triggersOf("ta", hosts("", 2));
    const again = await triggersOf("tb", hosts("", 2));
    expect(again).toEqual(base);
    expect(Object.keys(base)).toHaveLength(2 * 12 + 7);

    // A new app host: every nginx step whose content names the upstream changes, nothing else.
    const grown = await triggersOf("tc", hosts("", 3));
    const changed = Object.keys(base).filter((k) => grown[k] !== base[k]).sort();
    expect(changed).toEqual(["lb-1-nginx", "lb-1-nginx-files"]);

    // A replaced machine (new identity, same address): everything on that host runs again.
    const replaced = hosts("", 2);
    replaced.appHosts[1]!.identity = pulumi.output("i-replacement");
    const moved = await triggersOf("td", replaced);
    expect(Object.keys(base).filter((k) => moved[k] !== base[k]).every((k) => k.startsWith("app-2-"))).toBe(true);
    expect(Object.keys(base).filter((k) => moved[k] !== base[k])).toHaveLength(12);
  });

  it("sets deletedWith to the instance so destroy never dials a deleted host", async () => {
    class Vm extends pulumi.CustomResource {
      constructor(vmName: string) {
        super("test:index:Instance", vmName, {});
      }
    }
    const instance = new Vm("vm-1");
    const withInstance = hosts("dw-", 1);
    (withInstance.appHosts[0] as any).instance = instance;
    // Resource transformations run in the SDK, so they see the options the mocks do not.
    const deletedWith = new Map<string, pulumi.Resource | undefined>();
    const tier = new components.WebTier("dw", { settings: {}, privateKey: KEY, ...withInstance }, {
      transformations: [(a) => { deletedWith.set(a.name, a.opts.deletedWith); return undefined; }],
    });
    await valueOf(tier.stepOutputs);
    await settled(resources);
    const appSteps = [...deletedWith].filter(([name]) => name.startsWith("dw-dw-app-1-"));
    expect(appSteps.map(([name]) => name).sort()).toEqual([
      "dw-dw-app-1-app", "dw-dw-app-1-app-environment", "dw-dw-app-1-app-files", "dw-dw-app-1-firewall", "dw-dw-app-1-firewall-files",
      "dw-dw-app-1-packages", "dw-dw-app-1-prepare", "dw-dw-app-1-retire", "dw-dw-app-1-sysctl",
      "dw-dw-app-1-sysctl-files", "dw-dw-app-1-uwsgi", "dw-dw-app-1-uwsgi-files",
    ].sort());
    expect(appSteps.every(([, resource]) => resource === instance)).toBe(true);
    // Existing hosts have no instance: their commands (and retire on destroy) do run.
    expect(deletedWith.get("dw-dw-lb-1-retire")).toBeUndefined();
  });
});

