import { describe, expect, it } from "vitest";
import { planDeployment, renderEnvironmentFile, renderUwsgiIni, renderSysctlConf, renderUwsgiUnit, renderNginxLimits } from "../../components/render";
import { exampleConfig, tuningOf, withHosts } from "../support/fixtures";

describe("planDeployment", () => {
  const t = tuningOf(exampleConfig());
  const plan = planDeployment(t, "feedfacecafebeef");

  it("runs the steps of DESIGN.md in order on each role", () => {
    expect(plan.nginx[0]!.steps.map((s) => s.scriptName)).toEqual(["10-prepare.sh", "20-packages.sh", "30-sysctl.sh", "50-nginx.sh"]);
    expect(plan.app[0]!.steps.map((s) => s.scriptName)).toEqual([
      "10-prepare.sh", "20-packages.sh", "30-sysctl.sh", "35-firewall.sh", "40-app.sh", "50-uwsgi.sh",
    ]);
  });

  it("places each file at its absolute path under the step that installs it", () => {
    const filesOf = (steps: typeof plan.app[0]["steps"]) =>
      Object.fromEntries(steps.map((s) => [s.name, s.files.map((f) => `${f.path} ${f.mode}`)]));
    expect(filesOf(plan.app[0]!.steps)).toEqual({
      prepare: [],
      packages: [],
      sysctl: ["/etc/sysctl.d/99-webtier.conf 0644"],
      firewall: ["/etc/webtier/firewall.nft 0644", "/etc/systemd/system/webtier-firewall.service 0644"],
      app: [],
      uwsgi: [
        "/etc/webtier/uwsgi.ini 0644",
        "/etc/systemd/system/webtier-uwsgi.service 0644",
        "/usr/local/lib/webtier/uwsgi-probe.py 0755",
      ],
    });
    expect(plan.app[0]!.steps[4]!.archivePath).toBe("/srv/webtier/releases/feedfacecafebeef");
    expect(filesOf(plan.nginx[0]!.steps)).toEqual({
      prepare: [],
      packages: [],
      sysctl: ["/etc/sysctl.d/99-webtier.conf 0644"],
      nginx: [
        "/etc/nginx/nginx.conf 0644",
        "/etc/nginx/webtier/upstream.conf 0644",
        "/etc/nginx/webtier/site.conf 0644",
        "/etc/systemd/system/nginx.service.d/webtier-limits.conf 0644",
      ],
    });
  });

  it("is deterministic: the same input renders byte-identical output", () => {
    expect(JSON.stringify(planDeployment(tuningOf(exampleConfig()), "feedfacecafebeef"))).toBe(JSON.stringify(plan));
  });

  it("adds the apt proxy file and requirements only when configured", () => {
    const p = planDeployment(
      tuningOf(withHosts(1, { aptProxy: "http://10.0.0.10:8888", app: { requirements: ["flask==3.0.3"] } })),
      "r1",
    );
    const app = p.app[0]!;
    expect(app.steps[1]!.files).toEqual([
      { path: "/etc/apt/apt.conf.d/80webtier-proxy", mode: "0600", content: expect.stringContaining('Acquire::http::Proxy "http://10.0.0.10:8888";\n') },
    ]);
    expect(app.steps[4]!.files).toEqual([{ path: "/etc/webtier/requirements.txt", mode: "0644", content: "flask==3.0.3\n" }]);
    expect(app.steps[1]!.script).toContain("readonly PACKAGES=(uwsgi uwsgi-plugin-python3 python3 nftables python3-venv)\n");
    expect(app.steps[5]!.files[0]!.content).toMatch(/^virtualenv = \/srv\/webtier\/venvs\/[0-9a-f]{16}$/m);
  });
});

describe("host files", () => {
  const t = tuningOf(exampleConfig());

  it("renders the uWSGI ini for high concurrency, bound to the private address", () => {
    const ini = renderUwsgiIni(t, t.hosts.app[1]!);
    for (const line of [
      "plugins = python3", "strict = true", "master = true", "socket = 10.0.1.12:3031", "listen = 1000",
      "workers = 6", "threads = 2", "enable-threads = true", "thunder-lock = true", "lazy-apps = true",
      "touch-chain-reload = /var/lib/webtier/uwsgi.chain-reload", "module = project.wsgi:application",
      "need-app = true", "die-on-term = true", "vacuum = true", "harakiri = 30", "post-buffering = 8192",
      "buffer-size = 32768", "max-requests = 5000", "skip-atexit-teardown = true", "single-interpreter = true",
      "stats = 127.0.0.1:9191",
    ]) {
      expect(ini.split("\n")).toContain(line);
    }
    expect(ini).not.toMatch(/^(daemonize|pidfile|http|http-socket) =/m);
  });

  it("derives somaxconn per role from the backlogs when not set", () => {
    const derived = tuningOf(withHosts(1, { uwsgi: { listen: 6000 }, nginx: { backlog: 1024 } }));
    expect(renderSysctlConf(derived, "app")).toBe(
      "# Rendered by webtier. Local edits are replaced on the next deployment.\nnet.core.somaxconn = 6000\nnet.ipv4.tcp_max_syn_backlog = 6000\n",
    );
    expect(renderSysctlConf(derived, "nginx")).toBe(
      [
        "# Rendered by webtier. Local edits are replaced on the next deployment.",
        "net.core.somaxconn = 4096",
        "net.ipv4.tcp_max_syn_backlog = 4096",
        "net.ipv4.ip_local_port_range = 10240\t65535",
        "net.ipv4.tcp_tw_reuse = 1",
        "net.ipv4.tcp_fin_timeout = 15",
        "",
      ].join("\n"),
    );
  });

  it("keeps systemd's open-files limit equal to worker_rlimit_nofile", () => {
    expect(renderNginxLimits(t)).toBe(
      "# Rendered by webtier. Local edits are replaced on the next deployment.\n# Matches worker_rlimit_nofile in nginx.conf.\n[Service]\nLimitNOFILE=17408\n",
    );
    expect(renderUwsgiUnit(t)).toContain("\nLimitNOFILE=65536\n");
  });
});

describe("renderEnvironmentFile", () => {
  it("quotes every value so systemd passes it on byte for byte", () => {
    expect(renderEnvironmentFile({ B: 'say "hi" \\o/', A: "plain" })).toEqual({
      text: 'A="plain"\nB="say \\"hi\\" \\\\o/"\n',
      errors: [],
    });
  });

  it("names the key and the rule without echoing a secret value", () => {
    expect(renderEnvironmentFile({ "1BAD": "x", TOKEN: "line1\nline2" }).errors).toEqual([
      "appEnvironment.1BAD is not a valid environment variable name",
      "appEnvironment.TOKEN (secret) must not contain a newline or NUL",
    ]);
  });
});

describe("renderEnvironmentFile", () => {
  it("names a hostile key on one line, escaped", () => {
    expect(renderEnvironmentFile({ "BAD\nKEY": "v" }).errors).toEqual(['appEnvironment."BAD\\nKEY" is not a valid environment variable name']);
  });
});
