import { describe, expect, it } from "vitest";
import { checkConfig, checkConfigWithAwsHosts, parseConfig, STAND_IN_HOST_KEY, validateModes, type AwsHostShape } from "../../components/render";
import { exampleConfig, withHosts } from "../support/fixtures";
import { testHostKey } from "../support/hostKeys";

function errorsOf(config: Record<string, unknown>): string[] {
  const result = checkConfig(config);
  return result.errors;
}

describe("checkConfig", () => {
  it("accepts the contract's example, warning only that its host keys are not pinned", () => {
    const result = checkConfig(exampleConfig());
    expect(result).toMatchObject({ ok: true, errors: [] });
    expect(result.warnings).toEqual([
      "hosts.nginx[0].hostKey (unset): SSH to lb-1 accepts any host key; pin it",
      "hosts.app[0].hostKey (unset): SSH to app-1 accepts any host key; pin it",
      "hosts.app[1].hostKey (unset): SSH to app-2 accepts any host key; pin it",
    ]);
  });

  it.each([
    ["listen above somaxconn", { uwsgi: { listen: 8192 }, sysctl: { somaxconn: 4096 } },
      "uwsgi.listen (8192) must not exceed sysctl.somaxconn (4096): uWSGI refuses to start"],
    ["nginx backlog above somaxconn", { nginx: { backlog: 5000 }, sysctl: { somaxconn: 4096 } },
      "nginx.backlog (5000) must not exceed sysctl.somaxconn (4096): the kernel silently caps it"],
    ["harakiri equal to the read timeout", { uwsgi: { harakiri: 60 } },
      "uwsgi.harakiri (60) must be below nginx.uwsgiReadTimeout (60)"],
    ["harakiri above the read timeout", { uwsgi: { harakiri: 90 }, nginx: { uwsgiReadTimeout: 30 } },
      "uwsgi.harakiri (90) must be below nginx.uwsgiReadTimeout (30)"],
    ["rlimit below two descriptors per connection", { nginx: { workerConnections: 8192, workerRlimitNofile: 10000 } },
      "nginx.workerRlimitNofile (10000) must be at least 2 × nginx.workerConnections (16384): each proxied request holds two connections"],
    ["cheaper not below workers", { uwsgi: { workers: 4, cheaper: 4 } },
      "uwsgi.cheaper (4) must be below uwsgi.workers (4)"],
    ["buffer-size above the protocol maximum", { uwsgi: { bufferSize: 65536 } },
      "uwsgi.bufferSize (65536) must not exceed 65535 (the uwsgi protocol's packet size field is 16 bits)"],
    ["port 0", { nginx: { port: 0 } }, "nginx.port (0) must be an integer from 1 to 65535"],
    ["port above 65535", { uwsgi: { socketPort: 70000 } }, "uwsgi.socketPort (70000) must be an integer from 1 to 65535"],
    ["fractional count", { uwsgi: { workers: 2.5 } }, "uwsgi.workers (2.5) must be a positive integer"],
    ["zero count", { uwsgi: { threads: 0 } }, "uwsgi.threads (0) must be a positive integer"],
    ["count as a string", { nginx: { workerConnections: "many" } }, "nginx.workerConnections (many) must be a positive integer"],
    ["unknown uwsgi key", { uwsgi: { wrokers: 6 } }, "uwsgi.wrokers (6) is not a known key"],
    ["unknown top-level key", { balancer: "least_conn" }, "balancer (least_conn) is not a known key"],
    ["unknown balancing method", { balancing: "fastest" },
      "balancing (fastest) must be one of round_robin, least_conn, ip_hash, hash, random"],
    ["root uid", { uwsgi: { uid: "root" } }, "uwsgi.uid (root) must not be root: the app never runs with root privileges"],
    ["stats on the socket port", { uwsgi: { statsPort: 3031 } }, "uwsgi.statsPort (3031) must differ from uwsgi.socketPort"],
    ["inverted port range", { sysctl: { ipLocalPortRange: "60000 1024" } },
      'sysctl.ipLocalPortRange (60000 1024) must be "LOW HIGH" with 1024 <= LOW < HIGH <= 65535'],
    ["an nginx block in the escape hatch", { nginx: { extraServer: ["location /x { return 200; }"] } },
      "nginx.extraServer[0] (location /x { return 200; }) must be one nginx directive without ';', '{' or '}'"],
    ["a stack output asked for with a string", { outputs: { renderedFiles: "yes" } },
      "outputs.renderedFiles (yes) must be true or false"],
    ["an unknown stack output", { outputs: { everything: true } },
      "outputs.everything (true) is not a known key"],
  ])("rejects %s with one exact message", (_name, extra, message) => {
    expect(errorsOf(withHosts(2, extra))).toEqual([message]);
  });

  it.each(["ip_hash", "hash", "random"])("rejects backup with balancing %s", (balancing) => {
    const config = withHosts(2, { balancing });
    (config.hosts as { app: Record<string, unknown>[] }).app[1]!.backup = true;
    expect(errorsOf(config)).toEqual([`hosts.app[1].backup (true) cannot be combined with balancing ${balancing}: nginx -t rejects it`]);
  });

  it("accepts backup with least_conn and round_robin", () => {
    for (const balancing of ["least_conn", "round_robin"]) {
      const config = withHosts(2, { balancing });
      (config.hosts as { app: Record<string, unknown>[] }).app[1]!.backup = true;
      expect(errorsOf(config)).toEqual([]);
    }
  });

  it("rejects an empty app tier", () => {
    expect(errorsOf({ hosts: { nginx: [{ name: "lb-1", address: "203.0.113.10" }], app: [] } })).toEqual([
      "hosts.app ([]) must list at least one host",
    ]);
  });

  it("rejects duplicate names and addresses across tiers", () => {
    const config = {
      hosts: {
        nginx: [{ name: "web", address: "10.0.0.5" }],
        app: [
          { name: "web", address: "10.0.1.11" },
          { name: "app-2", address: "10.0.0.5" },
          { name: "app-3", address: "10.0.1.13", privateAddress: "10.0.1.11" },
        ],
      },
    };
    expect(errorsOf(config)).toEqual([
      "hosts.app[0].name (web) duplicates hosts.nginx[0].name",
      "hosts.app[1].address (10.0.0.5) duplicates hosts.nginx[0].address",
      "hosts.app[2].privateAddress (10.0.1.11) duplicates hosts.app[0].address",
    ]);
  });

  it("rejects invalid IPv4 addresses", () => {
    const config = withHosts(1);
    (config.hosts as { app: Record<string, unknown>[] }).app[0]!.address = "10.0.1.300";
    expect(errorsOf(config)).toEqual(["hosts.app[0].address (10.0.1.300) must be an IPv4 address"]);
  });

  it("rejects a tier whose every host is down or backup", () => {
    const config = withHosts(2);
    const app = (config.hosts as { app: Record<string, unknown>[] }).app;
    app[0]!.down = true;
    app[1]!.backup = true;
    expect(errorsOf(config)).toEqual(["hosts.app (2 hosts) must keep at least one host that is neither down nor backup"]);
  });

  it("reports structural and cross-key problems together", () => {
    const config = withHosts(2, { uwsgi: { wrokers: 6, harakiri: 90 } });
    expect(errorsOf(config)).toEqual([
      "uwsgi.wrokers (6) is not a known key",
      "uwsgi.harakiri (90) must be below nginx.uwsgiReadTimeout (60)",
    ]);
  });

  it("warns about max_fails on a single-server upstream", () => {
    const result = checkConfig(withHosts(1));
    expect(result).toMatchObject({ ok: true, errors: [] });
    expect(result.warnings).toEqual(["upstream.maxFails (3) has no effect with a single app host: nginx ignores it"]);
  });

  it("warns about ip_hash when every client shares one /24", () => {
    const result = checkConfig(withHosts(3, { balancing: "ip_hash", clientCidrs: ["192.168.7.0/24"] }));
    expect(result.warnings).toEqual([
      "balancing (ip_hash) sends every client of 192.168.7.0/24 to one app host (it hashes the first three octets); consider hash with upstream.hashKey $remote_addr",
    ]);
    expect(checkConfig(withHosts(3, { balancing: "ip_hash" })).warnings).toEqual([]);
  });
});

describe("hosts.retire", () => {
  const retiring = (entry: Record<string, unknown>) => {
    const config = withHosts(2);
    (config.hosts as Record<string, unknown>).retire = [entry];
    return config;
  };

  it("accepts a host that left the serving tiers", () => {
    expect(checkConfig(retiring({ name: "app-9", address: "10.0.1.99", hostKey: testHostKey("app9") }))).toMatchObject({ ok: true, errors: [] });
  });

  it("refuses a host still serving, by name or by address, naming the entry and the rule", () => {
    expect(errorsOf(retiring({ name: "app-2", address: "10.0.1.99" }))).toEqual([
      "hosts.retire[0] (app-2 at 10.0.1.99) is still serving as app-2: retire a host only once it left hosts.nginx and hosts.app",
    ]);
    expect(errorsOf(retiring({ name: "old-1", address: "10.0.1.11" }))).toEqual([
      "hosts.retire[0] (old-1 at 10.0.1.11) is still serving as app-1: retire a host only once it left hosts.nginx and hosts.app",
    ]);
  });

  it("checks retire entries like every host entry", () => {
    expect(errorsOf(retiring({ name: "App_9", address: "10.0.1.99" }))).toEqual([
      "hosts.retire[0].name (App_9) must be lowercase letters, digits and '-' (a DNS label)",
    ]);
  });
});

describe("where the hosts come from", () => {
  const AWS = { adminCidr: "198.51.100.0/24" };

  it.each([
    ["aws together with hosts", withHosts(2, { aws: AWS }),
      ["aws (set) cannot be combined with hosts: webtier either creates the hosts or uses existing ones"]],
    ["neither aws nor hosts", { balancing: "least_conn" },
      ["hosts (unset) is required unless aws is set: list the existing nginx and app hosts"]],
    ["proxy egress without aptProxy", { aws: { ...AWS, egress: "proxy" } },
      ["aws.egress (proxy) requires aptProxy: app hosts without NAT install packages through it"]],
    ["aws without adminCidr", { aws: {} },
      ["aws.adminCidr (unset) is required: the only network allowed to SSH to the nginx hosts"]],
    ["SSH open to the whole internet", { aws: { adminCidr: "0.0.0.0/0" } },
      ["aws.adminCidr (0.0.0.0/0) must not open SSH to the whole internet"]],
  ])("refuses %s with one exact message", (_name, config, errors) => {
    expect(errorsOf(config)).toEqual(errors);
  });

  it("accepts proxy egress with an apt proxy, and NAT egress without one", () => {
    expect(errorsOf({ aws: { ...AWS, egress: "proxy" }, aptProxy: "http://10.0.0.5:3128" })).toEqual([]);
    expect(errorsOf({ aws: { ...AWS, egress: "nat" } })).toEqual([]);
    expect(errorsOf({ aws: AWS })).toEqual([]);
  });

  it("lists every mode problem at once, in rule order", () => {
    const parsed = parseConfig(withHosts(2, { aws: { egress: "proxy" }, bastion: "lb-9" }));
    expect(validateModes(parsed.config!)).toEqual([
      "aws (set) cannot be combined with hosts: webtier either creates the hosts or uses existing ones",
      "bastion (lb-9) must name a host in hosts.nginx",
      "aws.adminCidr (unset) is required: the only network allowed to SSH to the nginx hosts",
      "aws.egress (proxy) requires aptProxy: app hosts without NAT install packages through it",
    ]);
  });
});

describe("checkConfigWithAwsHosts: the machines an AWS stack creates, described before they exist", () => {
  // Every field differs from the real AWS layer's, so each one is seen to be used.
  const SHAPE: AwsHostShape = { prefix: { nginx: "edge", app: "py" }, user: "deploy", defaultCount: { nginx: 2, app: 1 } };
  const AWS = { adminCidr: "198.51.100.0/24" };
  const SUDO = "that user has passwordless sudo, so the app would be root in effect";
  const hostsOf = (result: ReturnType<typeof checkConfig>) => {
    if (!result.ok) throw new Error(result.errors.join("\n"));
    return result.tuning.hosts;
  };

  it("judges the settings against stand-ins of those machines: names, user, pinned keys, addresses of their own", () => {
    const result = checkConfigWithAwsHosts({ aws: AWS }, SHAPE);
    // Keys pinned: no host-key warning; the default single app host has its own.
    expect(result).toMatchObject({ ok: true, errors: [], warnings: ["upstream.maxFails (3) has no effect with a single app host: nginx ignores it"] });
    const key = STAND_IN_HOST_KEY;
    expect(hostsOf(result)).toEqual({
      nginx: [
        { name: "edge-1", role: "nginx", address: "198.18.0.1", privateAddress: "198.18.0.2", port: 22, user: "deploy", hostKey: key },
        { name: "edge-2", role: "nginx", address: "198.18.0.3", privateAddress: "198.18.0.4", port: 22, user: "deploy", hostKey: key },
      ],
      app: [{ name: "py-1", role: "app", address: "198.18.0.5", privateAddress: "198.18.0.5", port: 22, user: "deploy", hostKey: key }],
    });
  });

  it("refuses what only the created machines break, which no rule sees without them", () => {
    const config = { aws: AWS, uwsgi: { uid: "deploy", socketPort: 22, statsPort: 9191 } };
    expect(checkConfigWithAwsHosts(config, SHAPE).errors).toEqual([
      `uwsgi.uid (deploy) must differ from the SSH user of hosts.nginx[0] (edge-1): ${SUDO}`,
      "uwsgi.socketPort (22) must differ from the SSH port of hosts.app[0] (py-1): the firewall that keeps uWSGI to the nginx tier would drop SSH",
    ]);
    expect(checkConfig(config).errors).toEqual([]);
  });

  it("also when other keys fail the structural check", () => {
    expect(checkConfigWithAwsHosts({ aws: AWS, uwsgi: { uid: "deploy", workerz: 4 } }, SHAPE).errors).toEqual([
      "uwsgi.workerz (4) is not a known key",
      `uwsgi.uid (deploy) must differ from the SSH user of hosts.nginx[0] (edge-1): ${SUDO}`,
    ]);
  });

  it("takes the counts from aws, two stand-ins at most per tier", () => {
    const counted = checkConfigWithAwsHosts({ aws: { ...AWS, nginxCount: 1, appCount: 3 } }, SHAPE);
    expect(counted.warnings).toEqual([]);
    expect(Object.values(hostsOf(counted)).map((tier) => tier.map((h) => h.name))).toEqual([["edge-1"], ["py-1", "py-2"]]);
    const many = hostsOf(checkConfigWithAwsHosts({ aws: { ...AWS, appCount: 1_000_000_000 } }, SHAPE));
    expect(many.app.map((h) => h.name)).toEqual(["py-1", "py-2"]);
  });

  it("uses listed hosts as they are, and nothing without aws", () => {
    // The listed hosts log in as root: uid deploy breaks only the stand-ins.
    const both = checkConfigWithAwsHosts(withHosts(1, { aws: AWS, uwsgi: { uid: "deploy" } }), SHAPE);
    expect(both.errors).toEqual(["aws (set) cannot be combined with hosts: webtier either creates the hosts or uses existing ones"]);
    expect(hostsOf(checkConfigWithAwsHosts(withHosts(1), SHAPE)).app.map((h) => h.name)).toEqual(["app-1"]);
  });
});
