import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkConfig, readStackFile, renderEnvironmentFile } from "../../components";
import { exampleConfig } from "../support/fixtures";
import { refusal, scratch, stackYaml, webtier } from "./cliSupport";

// Hostile stack files, each refused by `webtier render` (exit 2, one exact message per problem,
// nothing written) and by the program's own check (checkConfig) with the same messages.

const work = scratch("webtier-hostile-");
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

type Hosts = { nginx: Record<string, unknown>[]; app: Record<string, unknown>[]; retire?: Record<string, unknown>[] };
function withHostsPatched(patch: (hosts: Hosts) => void, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const config = structuredClone(exampleConfig());
  patch(config.hosts as Hosts);
  return { ...config, ...extra };
}

const PROXY_RULE = "must be http://[user:password@]host[:port] or https://… (no path, quotes, spaces, ';' or other schemes)";
const PRE_INVOKE = 'http://proxy:3128/";\nAPT::Update::Pre-Invoke {"touch /tmp/pwned";};//';

/** Rows whose config the program reads too: render and checkConfig must say exactly the same. */
const CONFIG_CASES: [string, Record<string, unknown>, string[]][] = [
  ["aptProxy breaking out of apt.conf", { ...exampleConfig(), aptProxy: PRE_INVOKE },
    [`aptProxy (${JSON.stringify(PRE_INVOKE)}) ${PROXY_RULE}`]],
  ["aptProxy with a quote and ';' on one line", { ...exampleConfig(), aptProxy: 'http://proxy:3128";APT::Get::Assume-Yes "true' },
    [`aptProxy (http://proxy:3128";APT::Get::Assume-Yes "true) ${PROXY_RULE}`]],
  ["aptProxy with braces", { ...exampleConfig(), aptProxy: "http://proxy{}:3128" }, [`aptProxy (http://proxy{}:3128) ${PROXY_RULE}`]],
  ["aptProxy with whitespace", { ...exampleConfig(), aptProxy: "http://proxy 3128" }, [`aptProxy (http://proxy 3128) ${PROXY_RULE}`]],
  ["aptProxy as a file: URL", { ...exampleConfig(), aptProxy: "file:///etc/passwd" }, [`aptProxy (file:///etc/passwd) ${PROXY_RULE}`]],
  ["aptProxy with a port beyond 65535", { ...exampleConfig(), aptProxy: "http://proxy:70000" },
    ["aptProxy (http://proxy:70000) must have a port from 1 to 65535"]],
  ["unspecified, loopback, multicast and broadcast addresses",
    withHostsPatched((h) => {
      h.nginx[0]!.privateAddress = "0.0.0.0";
      h.app[0]!.address = "127.0.0.1";
      h.app[1]!.address = "224.0.0.251";
      h.retire = [{ name: "old-1", address: "255.255.255.255" }];
    }),
    [
      "hosts.nginx[0].privateAddress (0.0.0.0) must be a host's unicast address, not in 0.0.0.0/8 (unspecified: bound, it means every interface)",
      "hosts.app[0].address (127.0.0.1) must be a host's unicast address, not in 127.0.0.0/8 (loopback)",
      "hosts.app[1].address (224.0.0.251) must be a host's unicast address, not in 224.0.0.0/4 (multicast)",
      "hosts.retire[0].address (255.255.255.255) must be a host's unicast address, not 255.255.255.255 (broadcast)",
    ]],
  ["host keys that are not one OpenSSH public key",
    withHostsPatched((h) => {
      h.nginx[0]!.hostKey = "garbage";
      h.app[0]!.hostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==\nssh-rsa AAAA";
      h.app[1]!.hostKey = "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIA==";
    }),
    [
      'hosts.nginx[0].hostKey (garbage) must be an OpenSSH public key line "<type> <base64> [comment]" with type ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521',
      `hosts.app[0].hostKey (${JSON.stringify("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==\nssh-rsa AAAA")}) must be one line of printable characters (one OpenSSH public key)`,
      'hosts.app[1].hostKey (ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIA==) is an RSA key, which @pulumi/command pins as SHA-1 "ssh-rsa" only, refused by OpenSSH 8.8 and later (Debian 12): pin the host\'s ssh-ed25519 or ecdsa-sha2-nistp256 or ecdsa-sha2-nistp384 or ecdsa-sha2-nistp521 key instead (ssh-keyscan -t ed25519 <host>)',
    ]],
  ["uwsgi.socketPort on an app host's SSH port", { ...exampleConfig(), uwsgi: { socketPort: 22 } },
    ["uwsgi.socketPort (22) must differ from the SSH port of hosts.app[0] (app-1): the firewall that keeps uWSGI to the nginx tier would drop SSH"]],
  ["uwsgi.uid as the SSH user", withHostsPatched((h) => { h.app[1]!.user = "admin"; }, { uwsgi: { uid: "admin" } }),
    ["uwsgi.uid (admin) must differ from the SSH user of hosts.app[1] (app-2): that user has passwordless sudo, so the app would be root in effect"]],
  ["uwsgi.uid root", { ...exampleConfig(), uwsgi: { uid: "root" } },
    ["uwsgi.uid (root) must not be root: the app never runs with root privileges"]],
  ["uwsgi.gid root", { ...exampleConfig(), uwsgi: { gid: "root" } },
    ["uwsgi.gid (root) must not be root: the app never runs with root privileges"]],
  ["uwsgi.gid sudo", { ...exampleConfig(), uwsgi: { gid: "sudo" } },
    ["uwsgi.gid (sudo) must not be a privileged group (root, sudo, wheel, adm, disk, shadow, staff, docker, lxd, systemd-journal): its members can become root or read root's secrets"]],
  ["constructor and prototype keys", withHostsPatched((h) => { h.app[0]!.prototype = 1; }, { uwsgi: { constructor: "x" } }),
    ["hosts.app[0].prototype (1) is not a known key", "uwsgi.constructor (x) is not a known key"]],
  ["a 100 KB nginx directive", { ...exampleConfig(), nginx: { extraHttp: [`gzip ${" ".repeat(100_000)};`] } },
    [`nginx.extraHttp[0] (gzip ${" ".repeat(115)}… (100006 characters)) must not exceed 4096 characters`]],
  ["an nginx directive opening a block", { ...exampleConfig(), nginx: { extraServer: ["location / { return 200"] } },
    ["nginx.extraServer[0] (location / { return 200) must be one nginx directive without ';', '{' or '}'"]],
  ["an nginx directive with a newline", { ...exampleConfig(), nginx: { extraHttp: ["gzip on\nuser root"] } },
    ['nginx.extraHttp[0] ("gzip on\\nuser root") must be one nginx directive without \';\', \'{\' or \'}\''],
  ],
  ["no nginx host", withHostsPatched((h) => { h.nginx = []; }), ["hosts.nginx ([]) must list at least one host"]],
  ["no hosts at all", { balancing: "least_conn" }, ["hosts (unset) is required unless aws is set: list the existing nginx and app hosts"]],
];

describe("hostile configs: webtier render and checkConfig give the same refusal", () => {
  it.concurrent.each(CONFIG_CASES)("%s", async (name, values, problems) => {
    const file = path.join(work, `Pulumi.${name.replace(/[^a-z0-9]+/gi, "-")}.yaml`);
    fs.writeFileSync(file, stackYaml(values));
    const out = path.join(work, `out-${path.basename(file)}`);
    const result = await webtier(work, "render", file, "--out", out);
    expect(result).toEqual({ status: 2, stdout: "", stderr: refusal(problems) });
    expect(fs.existsSync(out)).toBe(false);
    expect(checkConfig(readStackFile(file).values)).toMatchObject({ ok: false, errors: problems });
    expect(checkConfig(values)).toMatchObject({ ok: false, errors: problems });
  });
});

describe("hostile stack files", () => {
  const refused = async (name: string, text: string, problems: string[], warnings: string[] = []) => {
    const file = path.join(work, name);
    fs.writeFileSync(file, text);
    const result = await webtier(work, "render", name, "--out", path.join(work, `out-${name}`));
    expect(result).toEqual({ status: 2, stdout: "", stderr: warnings.map((w) => `warning: ${w}\n`).join("") + refusal(problems) });
    expect(fs.existsSync(path.join(work, `out-${name}`))).toBe(false);
  };

  it.concurrent("reports webtier:__proto__ as an unknown key, as the program's check does", async () => {
    const hosts = stackYaml(exampleConfig()).replace("config:\n", "");
    await refused("Pulumi.proto.yaml", `config:\n  webtier:__proto__:\n    balancing: random\n${hosts}`,
      ['__proto__ ({"balancing":"random"}) is not a known key']);
    // The program builds its values by assignment, which replaces the prototype instead.
    const assigned: Record<string, unknown> = { ...exampleConfig() };
    assigned["__proto__"] = { balancing: "random" };
    expect(checkConfig(assigned)).toMatchObject({ ok: false, errors: ['__proto__ ({"balancing":"random"}) is not a known key'] });
  });

  it.concurrent("exits 2 on a YAML syntax error with the parser's message and the file", async () => {
    await refused("Pulumi.syntax.yaml", "config:\n  webtier:balancing: [least_conn\n  webtier:uwsgi: {}\n", [
      "Pulumi.syntax.yaml: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 3:",
    ]);
  });

  it.concurrent("exits 2 on a duplicate key, which would silently hide one of the values", async () => {
    await refused("Pulumi.twice.yaml", "config:\n  webtier:balancing: random\n  webtier:balancing: least_conn\n", [
      "Pulumi.twice.yaml: Map keys must be unique at line 3, column 3:",
    ]);
  });

  it.concurrent.each([
    ["an empty file", "Pulumi.empty.yaml", "", "unset"],
    ["plain text", "Pulumi.text.yaml", "hello, this is not a stack file\n", "unset"],
    ["no config: map", "Pulumi.noconfig.yaml", "encryptionsalt: v1:abc\n", "unset"],
    ["config: not a map", "Pulumi.list.yaml", "config: [a, b]\n", '["a","b"]'],
  ])("says config: is missing for %s", async (_name, file, text, found) => {
    await refused(file, text, [`config (${found}) must be a map in ${file}: a Pulumi stack file holds the webtier:* keys under config:`]);
  });

  it.concurrent("checks a plaintext appEnvironment as the program does and warns it is not secret", async () => {
    const env = { "BAD-NAME": "x", TOKEN: "line1\nline2", SECRET_KEY: { secure: "v1:AAAA" }, OK: "fine" };
    const problems = ["appEnvironment.BAD-NAME is not a valid environment variable name", "appEnvironment.TOKEN (secret) must not contain a newline or NUL"];
    await refused("Pulumi.env.yaml", stackYaml({ ...exampleConfig(), appEnvironment: env }), problems, [
      "appEnvironment (plaintext in Pulumi.env.yaml) should be set with pulumi config set --secret webtier:appEnvironment",
    ]);
    // The program renders /etc/webtier/app.env with the same function, and refuses the same way.
    expect(renderEnvironmentFile({ "BAD-NAME": "x", TOKEN: "line1\nline2", OK: "fine" }).errors).toEqual(problems);
  });

  it.concurrent("skips encrypted secrets and renders, warning only about a plaintext key", async () => {
    const file = path.join(work, "Pulumi.secure.yaml");
    fs.writeFileSync(file, stackYaml({ ...exampleConfig(), appEnvironment: { secure: "v1:AAAA" }, sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----" }));
    const result = await webtier(work, "render", file, "--out", path.join(work, "out-secure"));
    expect(result.status).toBe(0);
    expect(result.stderr.split("\n")[0]).toBe(
      `warning: sshPrivateKey (plaintext in ${file}) should be set with pulumi config set --secret webtier:sshPrivateKey`,
    );
    expect(result.stderr).not.toContain("appEnvironment");
  });
});
