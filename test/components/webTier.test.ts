import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_APP_DIR } from "../../components/appSource";
import { testHostKey } from "../support/hostKeys";
import { hostList } from "../support/hosts";
import { bundleFiles, decodeBundle, isSecret, mockPulumi, nameOf, unwrapSecrets, valueOf, type RecordedResource } from "../support/pulumi";

const mocks = mockPulumi();
const resources = mocks.resources;
// Imported after the mocks are in place.
let components: typeof import("../../components");
beforeAll(async () => {
  components = await import("../../components/index.js");
});

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-key-material\n-----END OPENSSH PRIVATE KEY-----\n";

// App hosts' addresses and instance ids arrive as outputs, as from a cloud layer.
function hosts(prefix: string, appCount: number, appAddress?: (i: number) => string) {
  const { nginx, app } = hostList(appCount, { prefix, user: "admin" });
  return {
    nginxHosts: nginx,
    appHosts: app.map((h, i) => ({ ...h, address: pulumi.output(appAddress?.(i) ?? h.address), identity: pulumi.output(`i-${prefix}${i + 1}`) })),
  };
}
const BASTION = hostList(0, { user: "admin" }).nginx[0]!;

async function deploy(name: string, args: Partial<import("../../components").WebTierArgs> & { nginxHosts: any[]; appHosts: any[] }) {
  const tier = new components.WebTier(name, { settings: { balancing: "least_conn" }, privateKey: KEY, ...args });
  await valueOf(tier.stepOutputs);
  await mocks.idle();
  return { tier, mine: () => resources.filter((r) => r.name === name || r.name.startsWith(`${name}-`)) };
}

const byName = (list: RecordedResource[], name: string) => {
  const found = list.find((r) => r.name === name);
  if (!found) throw new Error(`no resource ${name}; have ${list.map((r) => r.name).join(", ")}`);
  return found;
};

describe("WebTier on existing hosts", () => {
  it("gives each host at most three remote resources: provision, the release upload, activate", async () => {
    const { mine } = await deploy("count", { ...hosts("", 3), bastion: BASTION });
    const perHost = new Map<string, string[]>();
    for (const r of mine().filter((x) => x.type.startsWith("command:remote:"))) {
      const [, host, kind] = /^count-((?:lb|app)-\d+)-(.+)$/.exec(r.name)!;
      perHost.set(host!, [...(perHost.get(host!) ?? []), `${r.type.slice("command:remote:".length)}:${kind}`]);
    }
    expect(Object.fromEntries([...perHost].map(([h, kinds]) => [h, kinds.sort()]))).toEqual({
      "lb-1": ["Command:activate", "Command:provision"],
      "app-1": ["Command:activate", "Command:provision", "CopyToRemote:release"],
      "app-2": ["Command:activate", "Command:provision", "CopyToRemote:release"],
      "app-3": ["Command:activate", "Command:provision", "CopyToRemote:release"],
    });
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

  it("provisions every host at once, uploads before activating, activates app hosts one at a time, nginx last", async () => {
    const { mine } = await deploy("order", hosts("order-", 3));
    const list = mine();
    const step = (host: string, s: string) => byName(list, `order-order-${host}-${s}`);
    for (const host of ["app-1", "app-2", "app-3"]) {
      expect(step(host, "release").started).toBeGreaterThan(step(host, "provision").finished);
      expect(step(host, "activate").started).toBeGreaterThan(step(host, "release").finished);
    }
    expect(step("lb-1", "activate").started).toBeGreaterThan(step("lb-1", "provision").finished);
    // Rolling: an activation waits for the previous host's.
    expect(step("app-2", "activate").started).toBeGreaterThan(step("app-1", "activate").finished);
    expect(step("app-3", "activate").started).toBeGreaterThan(step("app-2", "activate").finished);
    expect(step("lb-1", "activate").started).toBeGreaterThan(step("app-3", "activate").finished);
    // Provisioning and uploads run on every host at once.
    expect(step("app-3", "provision").started).toBeLessThan(step("app-1", "activate").finished);
    expect(step("app-3", "release").started).toBeLessThan(step("app-1", "activate").finished);
    expect(step("lb-1", "provision").started).toBeLessThan(step("app-1", "activate").finished);
  });

  it("activates in batches of the configured size", async () => {
    const { mine } = await deploy("batch", { ...hosts("batch-", 4), rolloutBatchSize: 2 });
    const list = mine();
    const step = (host: string, s: string) => byName(list, `batch-batch-${host}-${s}`);
    const firstBatchDone = Math.max(step("app-1", "activate").finished, step("app-2", "activate").finished);
    expect(step("app-3", "activate").started).toBeGreaterThan(firstBatchDone);
    expect(step("app-4", "activate").started).toBeGreaterThan(firstBatchDone);
    // Hosts in one batch do not wait for each other.
    expect(step("app-2", "activate").started).toBeLessThan(step("app-1", "activate").finished);
  });

  it("carries every rendered file and step on stdin, bounded on the host, in the order the steps run", async () => {
    const { tier, mine } = await deploy("payload", hosts("payload-", 1));
    const rendered = (await valueOf(tier.renderedFiles))["payload-app-1"]!;
    const provision = byName(mine(), "payload-payload-app-1-provision");
    const activate = byName(mine(), "payload-payload-app-1-activate");
    const command = "sudo -n timeout --kill-after=30 2400 bash -c 'set -eo pipefail; script=\"$(mktemp)\"; " +
      "trap '\\''rm -f \"$script\"'\\'' EXIT; base64 -d | gzip -dc > \"$script\"; bash \"$script\" </dev/null'";
    expect(provision.inputs.create).toBe(command);
    expect(activate.inputs.create).toBe(command);
    const provisionScript = decodeBundle(provision.inputs.stdin);
    const activateScript = decodeBundle(unwrapSecrets(activate.inputs.stdin));
    expect(provisionScript.split("\n").filter((l) => l.startsWith("bash "))).toEqual(
      ["10-prepare", "20-packages", "30-sysctl", "35-firewall"].map((s) => `bash "$stage/.steps/${s}.sh" "$stage" </dev/null`),
    );
    expect(activateScript.split("\n").filter((l) => l.startsWith("bash "))).toEqual(
      ["40-app", "50-uwsgi"].map((s) => `bash "$stage/.steps/${s}.sh" "$stage" </dev/null`),
    );
    // Every file the host receives travels in exactly one of its two payloads, byte for byte.
    const staged = { ...bundleFiles(provisionScript), ...bundleFiles(activateScript) };
    for (const [file, content] of Object.entries(rendered)) expect({ file, content: staged[file] }).toEqual({ file, content });
    expect(Object.keys(staged).filter((f) => !f.startsWith("/.steps/") && rendered[f] === undefined)).toEqual(["/etc/webtier/app.env"]);
    expect(staged["/etc/webtier/app.env"]).toBe("");
  });

  it("renders each host's payloads from its own addresses exactly as the whole tier renders them", async () => {
    const { tier, mine } = await deploy("own", hosts("own-", 3, (i) => `10.8.${i}.9`));
    const files = await valueOf(tier.renderedFiles);
    for (const host of ["own-app-1", "own-app-2", "own-app-3", "own-lb-1"]) {
      const payload = (phase: string) => bundleFiles(decodeBundle(unwrapSecrets(byName(mine(), `own-${host}-${phase}`).inputs.stdin)));
      const staged = { ...payload("provision"), ...payload("activate") };
      for (const [file, content] of Object.entries(files[host]!)) expect({ host, file, content: staged[file] }).toEqual({ host, file, content });
    }
  });

  it("keeps every secret out of command strings and marks the payload that carries the app's environment secret", async () => {
    const { mine } = await deploy("sec", { ...hosts("sec-", 2), appEnvironment: { DJANGO_SECRET_KEY: "s3cr3t-value" } });
    const remote = mine().filter((r) => r.type.startsWith("command:remote:"));
    for (const r of remote) {
      const inputs = unwrapSecrets(r.inputs);
      for (const field of ["create", "delete", "update", "remotePath"]) {
        expect(String(inputs[field] ?? "")).not.toContain("s3cr3t-value");
        expect(String(inputs[field] ?? "")).not.toContain("secret-key-material");
      }
      expect(isSecret(r.inputs.connection)).toBe(true);
      expect(inputs.connection.privateKey).toBe(KEY);
    }
    for (const host of ["app-1", "app-2"]) {
      const activate = byName(remote, `sec-sec-${host}-activate`);
      expect(isSecret(activate.inputs.stdin)).toBe(true);
      expect(bundleFiles(decodeBundle(unwrapSecrets(activate.inputs.stdin)))["/etc/webtier/app.env"]).toBe('DJANGO_SECRET_KEY="s3cr3t-value"\n');
      // The provisioning payload holds no secret and stays readable in diffs.
      const provision = byName(remote, `sec-sec-${host}-provision`);
      expect(isSecret(provision.inputs.stdin)).toBe(false);
      expect(decodeBundle(provision.inputs.stdin)).not.toContain("s3cr3t-value");
    }
  });

  it("uploads the release from a private local directory whose path depends on no address", async () => {
    const { mine } = await deploy("release", hosts("release-", 2));
    const uploads = mine().filter((r) => r.type === "command:remote:CopyToRemote");
    expect(uploads.map((r) => r.name)).toEqual(["release-release-app-1-release", "release-release-app-2-release"]);
    const dirs: string[] = await Promise.all(uploads.map((r) => r.inputs.source.path));
    // One local directory for every host: the release's files and nothing else, named by its id.
    expect(dirs[1]).toBe(dirs[0]);
    const id = path.basename(dirs[0]!);
    expect(dirs[0]).toMatch(/\/webtier\/releases\/[0-9a-f]{16}\/$/);
    expect(fs.statSync(path.dirname(dirs[0]!)).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(dirs[0]!).sort()).toEqual(fs.readdirSync(SAMPLE_APP_DIR).filter((f) => f !== "__pycache__").sort());
    expect(uploads.map((r) => r.inputs.remotePath)).toEqual([`/var/lib/webtier/upload/release-${id}`, `/var/lib/webtier/upload/release-${id}`]);
  });

  it("pins host keys, bounds dialing and jumps through the bastion to app hosts", async () => {
    const { mine } = await deploy("conn", { ...hosts("conn-", 1), bastion: BASTION });
    const endpoint = { port: 22, user: "admin", privateKey: KEY, perDialTimeout: 15, dialErrorLimit: 10 };
    // Existing machines are up: every connection gets the standard limit.
    for (const step of ["provision", "release", "activate"]) {
      const connection = unwrapSecrets(byName(mine(), `conn-conn-app-1-${step}`).inputs.connection);
      expect({ step, connection }).toEqual({
        step,
        connection: { host: "10.0.1.11", hostKey: testHostKey("app1"), ...endpoint, proxy: { host: "203.0.113.10", hostKey: testHostKey("lb1"), ...endpoint } },
      });
    }
    const nginx = unwrapSecrets(byName(mine(), "conn-conn-lb-1-activate").inputs.connection);
    expect(nginx.proxy).toBeUndefined();
  });

  it("gives sshd settings for the app tier's dials to its own nginx host serving as bastion, not to a jump host of the user's", async () => {
    const sshdConf = "/etc/ssh/sshd_config.d/40-webtier-bastion.conf";
    const provisioned = (list: RecordedResource[], name: string) => bundleFiles(decodeBundle(unwrapSecrets(byName(list, name).inputs.stdin)));
    const own = hosts("bast-", 1);
    const { mine } = await deploy("bast", { ...own, bastion: own.nginxHosts[0] });
    expect(provisioned(mine(), "bast-bast-lb-1-provision")[sshdConf]).toBe("# webtier: this nginx host is the SSH bastion of the app tier. Each remote resource on an app\n"
      + "# host dials through it, up to `pulumi up --parallel` at once: no random drops of\n"
      + "# unauthenticated connections below the first number (sshd's default is 10:30:100).\n"
      + "MaxStartups 128:30:512\n");
    expect(provisioned(mine(), "bast-bast-app-1-provision")[sshdConf]).toBeUndefined();
    // No app host is dialled before the bastion's sshd takes the tier's handshakes.
    const appFirst = byName(mine(), "bast-bast-app-1-provision");
    expect(appFirst.started).toBeGreaterThan(byName(mine(), "bast-bast-lb-1-provision").finished);
    // BASTION is lb-1, no host of this tier: the user's own jump host.
    const { mine: other } = await deploy("jump", { ...hosts("jump-", 1), bastion: BASTION });
    expect(provisioned(other(), "jump-jump-lb-1-provision")[sshdConf]).toBeUndefined();
    // Through a jump host of the user's, app hosts start at once.
    expect(byName(other(), "jump-jump-app-1-provision").started).toBeLessThan(byName(other(), "jump-jump-lb-1-provision").finished);
  });

  it("runs every bundle as root: directly for root, through sudo -n for another user, without earlier output in its environment", async () => {
    const root = hostList(1, { prefix: "root-" });
    const asRoot = await deploy("root", { nginxHosts: root.nginx, appHosts: root.app });
    const asAdmin = await deploy("sudo", hosts("sudo-", 1));
    const command = (list: RecordedResource[], name: string) => byName(list, name).inputs;
    const direct = command(asRoot.mine(), "root-root-app-1-activate");
    expect(direct.create).toMatch(/^timeout /);
    expect(command(asAdmin.mine(), "sudo-sudo-app-1-activate").create).toBe(`sudo -n ${direct.create}`);
    expect(direct.addPreviousOutputInEnv).toBe(false);
    // One entry of step outputs per host, nginx hosts first.
    expect(Object.keys(await valueOf(asAdmin.tier.stepOutputs))).toEqual(["sudo-lb-1", "sudo-app-1"]);
  });

  it("dials longer on first contact with a machine the stack created, through a bastion created with it", async () => {
    class Vm extends pulumi.CustomResource {
      constructor(vmName: string) {
        super("test:index:Instance", vmName, {});
      }
    }
    const created = hosts("boot-", 1);
    (created.appHosts[0] as any).instance = new Vm("boot-vm-1");
    const { mine } = await deploy("boot", { ...created, bastion: BASTION });
    const limits = (step: string) => {
      const c = unwrapSecrets(byName(mine(), `boot-boot-app-1-${step}`).inputs.connection);
      return [c.dialErrorLimit, c.proxy.dialErrorLimit];
    };
    expect({ provision: limits("provision"), release: limits("release"), activate: limits("activate") })
      .toEqual({ provision: [60, 60], release: [10, 10], activate: [10, 10] });
  });

  it("replaces a host's resources only for a new machine; content changes are updates of the payload", async () => {
    const inputsOf = async (name: string, args: Parameters<typeof deploy>[1]) => {
      const { mine } = await deploy(name, args);
      return Object.fromEntries(
        mine()
          .filter((r) => r.type.startsWith("command:remote:"))
          .map((r) => [r.name.slice(name.length + 1), unwrapSecrets(r.inputs) as Record<string, any>]),
      );
    };
    const base = await inputsOf("ta", hosts("", 2));
    const again = await inputsOf("tb", hosts("", 2));
    expect(JSON.stringify(Object.values(again).map((i) => [i.triggers, i.stdin]))).toBe(JSON.stringify(Object.values(base).map((i) => [i.triggers, i.stdin])));
    expect(Object.keys(base).sort()).toEqual(["app-1-activate", "app-1-provision", "app-1-release", "app-2-activate", "app-2-provision", "app-2-release", "lb-1-activate", "lb-1-provision"]);
    expect(Object.fromEntries(Object.entries(base).map(([k, i]) => [k, i.triggers]))).toEqual({
      "app-1-activate": ["i-1"], "app-1-provision": ["i-1"], "app-1-release": ["i-1"],
      "app-2-activate": ["i-2"], "app-2-provision": ["i-2"], "app-2-release": ["i-2"],
      "lb-1-activate": [testHostKey("lb1")], "lb-1-provision": [testHostKey("lb1")],
    });

    // A new app host changes one existing payload, the nginx host's activation (its upstream).
    const grown = await inputsOf("tc", hosts("", 3));
    const changed = Object.keys(base).filter((k) => JSON.stringify(grown[k]) !== JSON.stringify(base[k])).sort();
    expect(changed).toEqual(["lb-1-activate"]);
    expect(grown["lb-1-activate"]!.triggers).toEqual(base["lb-1-activate"]!.triggers);

    // A replaced machine (new identity, same address): its three resources are replaced.
    const replaced = hosts("", 2);
    replaced.appHosts[1]!.identity = pulumi.output("i-replacement");
    const moved = await inputsOf("td", replaced);
    expect(Object.keys(base).filter((k) => JSON.stringify(moved[k]!.triggers) !== JSON.stringify(base[k]!.triggers)).sort())
      .toEqual(["app-2-activate", "app-2-provision", "app-2-release"]);
  });

  it("retires the hosts listed to retire after the nginx tier stopped using them, through the bastion", async () => {
    const gone = { name: "app-9", address: "10.0.1.99", user: "admin", hostKey: "ssh-ed25519 AAAAapp9" };
    const { mine } = await deploy("ret", { ...hosts("ret-", 2), bastion: BASTION, retireHosts: [gone] });
    const retire = byName(mine(), "ret-app-9-retire");
    const inputs = unwrapSecrets(retire.inputs);
    expect(inputs.delete).toBeUndefined();
    expect(inputs.triggers).toEqual(["ssh-ed25519 AAAAapp9"]);
    expect(inputs.connection).toMatchObject({ host: "10.0.1.99", hostKey: "ssh-ed25519 AAAAapp9", proxy: { host: "203.0.113.10" } });
    const script = decodeBundle(inputs.stdin);
    expect(script).toContain('readonly HOST_NAME=app-9\n');
    expect(script.split("\n").filter((l) => l.startsWith("bash "))).toEqual(['bash "$stage/.steps/90-retire.sh" "$stage" </dev/null']);
    expect(retire.started).toBeGreaterThan(byName(mine(), "ret-ret-lb-1-activate").finished);
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
    await mocks.idle();
    const appSteps = [...deletedWith].filter(([name]) => name.startsWith("dw-dw-app-1-"));
    expect(appSteps.map(([name]) => name).sort()).toEqual(["dw-dw-app-1-activate", "dw-dw-app-1-provision", "dw-dw-app-1-release"]);
    expect(appSteps.every(([, resource]) => resource === instance)).toBe(true);
    // Existing hosts have no instance.
    expect(deletedWith.get("dw-dw-lb-1-activate")).toBeUndefined();
  });
});

describe("WebTier with an apt proxy that carries credentials", () => {
  it("keeps the proxy out of plaintext payloads, outputs and pip's argv", async () => {
    const { tier, mine } = await deploy("proxy", {
      ...hosts("proxy-", 1),
      settings: { balancing: "least_conn", aptProxy: "http://deploy:hunter2@10.0.0.5:3128", app: { requirements: ["flask==3.0.3"] } },
    });
    const payload = (name: string) => byName(mine(), `proxy-proxy-${name}`).inputs.stdin;
    expect(["lb-1-provision", "app-1-provision", "app-1-activate"].map((n) => [n, isSecret(payload(n))])).toEqual([
      ["lb-1-provision", true], ["app-1-provision", true], ["app-1-activate", true],
    ]);
    // nginx's own configuration carries no proxy: it stays readable in diffs.
    expect(isSecret(payload("lb-1-activate"))).toBe(false);
    const provision = decodeBundle(unwrapSecrets(payload("app-1-provision")));
    expect(bundleFiles(provision)["/etc/apt/apt.conf.d/80webtier-proxy"]).toContain('Acquire::http::Proxy "http://deploy:hunter2@10.0.0.5:3128";\n');
    expect(provision).toContain('install_file "$APT_PROXY_FILE" 0600\n');
    const activate = decodeBundle(unwrapSecrets(payload("app-1-activate")));
    expect(activate).toContain("if [ -n \"$PIP_PROXY\" ]; then export PIP_PROXY; fi\n");
    expect(activate).not.toContain("--proxy");
    const files = await valueOf(tier.renderedFiles);
    expect(files["proxy-app-1"]!["/etc/apt/apt.conf.d/80webtier-proxy"]).toBe("// webtier: the apt proxy configuration is secret (webtier:aptProxy)\n");
    expect(JSON.stringify(files)).not.toContain("hunter2");
  });

  it("treats a proxy set as a secret like one with credentials", async () => {
    const { mine } = await deploy("sproxy", { ...hosts("sproxy-", 1), settings: { aptProxy: "http://10.0.0.5:3128" }, aptProxySecret: true });
    expect(isSecret(byName(mine(), "sproxy-sproxy-app-1-provision").inputs.stdin)).toBe(true);
    const { mine: plain } = await deploy("pproxy", { ...hosts("pproxy-", 1), settings: { aptProxy: "http://10.0.0.5:3128" } });
    expect(isSecret(byName(plain(), "pproxy-pproxy-app-1-provision").inputs.stdin)).toBe(false);
  });
});

describe("WebTier on machines it created (host-key bootstrap)", () => {
  it("rotates the host key once per machine, never again for a new address, and pins the new key everywhere else", async () => {
    class Vm extends pulumi.CustomResource {
      constructor(vmName: string) {
        super("test:index:Instance", vmName, {});
      }
    }
    const created = hosts("rot-", 1);
    const vm = new Vm("rot-vm-1");
    Object.assign(created.appHosts[0]!, { instance: vm, bootstrap: { hostKey: "ssh-ed25519 AAAAboot1", newHostPrivateKey: pulumi.secret("NEW-PRIVATE-KEY") } });
    const options = new Map<string, pulumi.CustomResourceOptions>();
    const tier = new components.WebTier("rot", { settings: {}, privateKey: KEY, ...created }, {
      transformations: [(a) => { options.set(a.name, a.opts as pulumi.CustomResourceOptions); return undefined; }],
    });
    await valueOf(tier.stepOutputs);
    await mocks.idle();
    const rotation = options.get("rot-rot-app-1-hostkey")!;
    // Only a new machine (triggers) touches it: not a new address, script or command text.
    expect(rotation.ignoreChanges).toEqual(["connection", "create", "stdin", "addPreviousOutputInEnv"]);
    expect(Object.keys(byName(resources, "rot-rot-app-1-hostkey").inputs).sort()).toEqual([...rotation.ignoreChanges!, "triggers"].sort());
    expect(rotation.deletedWith).toBe(vm);
    expect(rotation.customTimeouts).toEqual({ create: "10m", update: "10m", delete: "5m" });
    // The machine's first command, then everything else on it once its new key is in place.
    const provision = options.get("rot-rot-app-1-provision")!;
    expect((provision.dependsOn as pulumi.Resource[]).map(nameOf)).toEqual(["rot-rot-app-1-hostkey"]);
    for (const step of ["provision", "release", "activate"]) {
      expect({ step, timeouts: options.get(`rot-rot-app-1-${step}`)!.customTimeouts }).toEqual({ step, timeouts: { create: "45m", update: "45m", delete: "5m" } });
    }
    const inputs = unwrapSecrets(byName(resources, "rot-rot-app-1-hostkey").inputs);
    expect(inputs.connection.hostKey).toBe("ssh-ed25519 AAAAboot1");
    expect(inputs.connection.dialErrorLimit).toBe(60);
    expect(inputs.triggers).toEqual(["i-rot-1"]);
    expect(bundleFiles(decodeBundle(inputs.stdin))["/etc/ssh/ssh_host_ed25519_key"]).toBe("NEW-PRIVATE-KEY\n");
    for (const step of ["provision", "release", "activate"]) {
      expect(unwrapSecrets(byName(resources, `rot-rot-app-1-${step}`).inputs.connection).hostKey).toBe(testHostKey("app1"));
    }
    // An existing host has no bootstrap key: nothing to rotate.
    expect(resources.some((r) => r.name === "rot-rot-lb-1-hostkey")).toBe(false);
  });
});
