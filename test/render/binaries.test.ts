import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planDeployment, REMOTE, renderHostBundle, renderRetireBundle, renderUwsgiUnit, type DeploymentPlan } from "../../components/render";
import { requireBinary, run } from "../support/binaries";
import { exampleConfig, tuningOf, withHosts } from "../support/fixtures";

// The reference article's values: ip_hash, listen 1000, 6 workers, thunder-lock, harakiri 30,
// post-buffering 2768 (its pidfile/daemonize lines are deliberately not supported under systemd).
const ARTICLE = withHosts(3, {
  balancing: "ip_hash",
  nginx: { port: 8080 },
  uwsgi: { workers: 6, listen: 1000, thunderLock: true, harakiri: 30, postBuffering: 2768, enableThreads: true },
  app: { module: "project.wsgi:application" },
});

const withBackup = withHosts(3, { balancing: "round_robin" });
(withBackup.hosts as { app: Record<string, unknown>[] }).app[0]!.weight = 5;
(withBackup.hosts as { app: Record<string, unknown>[] }).app[2]!.backup = true;

const TABLE: [string, Record<string, unknown>][] = [
  ["contract example", exampleConfig()],
  ["reference article", ARTICLE],
  ["1 app host, lb-1 its bastion", withHosts(1, { bastion: "lb-1" })],
  ["20 app hosts", withHosts(20)],
  ...(["round_robin", "least_conn", "ip_hash", "hash", "random"] as const).map(
    (balancing): [string, Record<string, unknown>] => [`20 hosts, ${balancing}`, withHosts(20, { balancing })],
  ),
  ["weights and backup", withBackup],
  ["escape hatch and tuned limits", withHosts(2, {
    nginx: { workerConnections: 16384, backlog: 8192, extraHttp: ["gzip on"], extraServer: ["add_header X-Tier web"] },
    uwsgi: { listen: 8192, cheaper: 2, socketPort: 8000 },
    app: { requirements: ["flask==2.2.2"], packages: ["python3-flask"] },
  })],
];

const plans = TABLE.map(([name, config]) => {
  const tuning = tuningOf(config);
  return [name, planDeployment(tuning, "0123456789abcdef"), tuning.uwsgi.socketPort] as [string, DeploymentPlan, number];
});
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-binaries-"));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function fileOf(plan: DeploymentPlan["nginx"][number], remotePath: string): string {
  const file = plan.steps.flatMap((s) => s.files).find((f) => f.path === remotePath);
  if (!file) throw new Error(`${remotePath} not planned for ${plan.host.name}`);
  return file.content;
}

describe.each(plans)("%s", (name, plan, socketPort) => {
  it("passes nginx -t as a full staged tree", () => {
    requireBinary("nginx");
    const tree = path.join(work, name.replace(/\W+/g, "-"), "nginx");
    fs.cpSync("/etc/nginx", tree, { recursive: true });
    for (const remote of [REMOTE.nginxConf, REMOTE.nginxUpstream, REMOTE.nginxSite]) {
      const target = path.join(tree, path.relative("/etc/nginx", remote));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, fileOf(plan.nginx[0]!, remote));
    }
    const result = run("nginx", ["-t", "-q", "-c", path.join(tree, "nginx.conf")]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("every uWSGI ini passes uwsgi --strict and binds the host's private address", () => {
    requireBinary("uwsgi");
    for (const host of plan.app) {
      const ini = path.join(work, `${name.replace(/\W+/g, "-")}-${host.host.name}.ini`);
      fs.writeFileSync(ini, fileOf(host, REMOTE.uwsgiIni));
      const result = run("uwsgi", ["--strict", "--ini", ini, "--get", "socket"]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${host.host.privateAddress}:${socketPort}\n`);
    }
  });

  it("every app host's firewall passes nft -c and admits exactly the nginx tier", () => {
    requireBinary("nft");
    const sources = plan.nginx.map((h) => h.host.privateAddress);
    for (const host of plan.app) {
      const rules = path.join(work, `${name.replace(/\W+/g, "-")}-${host.host.name}.nft`);
      const text = fileOf(host, REMOTE.appFirewall);
      fs.writeFileSync(rules, text);
      const result = run("nft", ["-c", "-f", rules]);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(text).toContain(`        tcp dport ${socketPort} ip saddr { ${sources.join(", ")} } accept\n        tcp dport ${socketPort} counter drop\n`);
    }
  });

  it("every step script, each host's two bundles and the retire bundle are shellcheck-clean", () => {
    requireBinary("shellcheck");
    const scripts = new Map<string, string>();
    for (const host of [...plan.nginx, ...plan.app]) {
      for (const step of host.steps) scripts.set(step.script, `${host.host.name}-${step.scriptName}`);
      for (const phase of ["provision", "activate"] as const) {
        scripts.set(renderHostBundle(host, phase, [{ path: REMOTE.appEnv, content: 'KEY="value"\n' }]), `${host.host.name}-${phase}-bundle.sh`);
      }
    }
    scripts.set(renderRetireBundle("app-9"), "app-9-retire-bundle.sh");
    const dir = path.join(work, `${name.replace(/\W+/g, "-")}-scripts`);
    fs.mkdirSync(dir, { recursive: true });
    const files = [...scripts].map(([script, file]) => {
      fs.writeFileSync(path.join(dir, file), script);
      return path.join(dir, file);
    });
    const result = run("shellcheck", ["--severity=style", ...files]);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  }, 120_000); // a 20-host plan: about 9 s of shellcheck alone, several times that on a busy machine
});

describe("the uWSGI unit", () => {
  it("parses without a warning and scores 1.3 in systemd-analyze security (goal: at most 3.0)", () => {
    requireBinary("systemd-analyze");
    const dir = path.join(work, "unit");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, REMOTE.uwsgiService), renderUwsgiUnit(tuningOf(exampleConfig())));
    // --offline reads the file as written (an unknown or misspelt directive warns on stderr); the
    // score is the same one `systemd-analyze security webtier-uwsgi.service` gives on a host.
    const result = run("systemd-analyze", ["security", "--offline=yes", "--no-pager", REMOTE.uwsgiService], { cwd: dir });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(/^→ Overall exposure level for webtier-uwsgi\.service: (\S+) /m.exec(result.stdout)?.[1]).toBe("1.3");
  });
});
