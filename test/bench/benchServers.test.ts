// The bench's servers derived from what webtier renders for a lab-like stack (the files the bench
// reads on the hosts), so a change in the rendered files that breaks the derivation fails here.
import { describe, expect, it } from "vitest";
import { checkConfig, renderSiteConf, renderUwsgiIni, renderUwsgiUnit, type Tuning } from "../../components";
import { benchNginxConf, DIRECT_INI, directIni, directUnit, listenParameters } from "../../lab/bench/benchServers";
import { BENCH_INCLUDE, deploySettings, findConfig } from "../../lab/bench/configs";

function labTuning(settings: Record<string, unknown>): Tuning {
  const result = checkConfig({
    hosts: {
      nginx: [{ name: "lb-1", address: "10.83.0.11", privateAddress: "10.83.1.11" }],
      app: [{ name: "app-1", address: "10.83.1.101" }, { name: "app-2", address: "10.83.1.102" }],
    },
    ...settings,
  });
  if (!result.ok) throw new Error(result.errors.join("; "));
  return result.tuning;
}

const defaults = labTuning(deploySettings(findConfig("defaults"), 2));

describe("benchNginxConf", () => {
  const siteConf = renderSiteConf(defaults);
  const conf = benchNginxConf(siteConf, 80);

  it("adds a return-200 server with the stack's listen parameters", () => {
    expect(conf.split("\n").slice(0, 8)).toEqual([
      "# Added by webtier bench for its measurements; removed when they end.",
      "server {",
      "    listen 8080 backlog=4096;",
      "    location / {",
      "        default_type text/plain;",
      '        return 200 "static\\n";',
      "    }",
      "}",
    ]);
  });

  it("repeats the stack's server on 8081 with reuseport, and changes nothing else in it", () => {
    const copy = conf.split("\n").slice(8).join("\n");
    expect(copy).toBe(siteConf.replace("    listen 80 backlog=4096 default_server;", "    listen 8081 reuseport backlog=4096;").slice(siteConf.indexOf("server {")));
  });

  it("keeps the article's nginx backlog (511)", () => {
    const article = renderSiteConf(labTuning(deploySettings(findConfig("article"), 2)));
    expect(benchNginxConf(article, 80)).toContain("    listen 8080 backlog=511;\n");
    expect(benchNginxConf(article, 80)).toContain("    listen 8081 reuseport backlog=511;\n");
  });

  it("refuses a site.conf without the stack's listen line or without a server block", () => {
    expect(() => benchNginxConf(siteConf, 81)).toThrow(`site.conf's server has no "listen 81 …;" line`);
    expect(() => benchNginxConf("events {}\n", 80)).toThrow("site.conf has no top-level server block");
    expect(listenParameters(["    listen 80;"], 80)).toEqual([]);
  });
});

describe("directIni", () => {
  const ini = renderUwsgiIni(defaults, defaults.hosts.app[0]!);
  const direct = directIni(ini, 9031);

  it("serves HTTP on the private address instead of the uwsgi socket, closing each connection", () => {
    expect(direct).toContain("\nhttp-socket = 10.83.1.101:9031\n");
    expect(direct).not.toMatch(/^socket = /m);
    expect(direct.endsWith("add-header = Connection: close\n")).toBe(true);
  });

  it("keeps every other line of the deployed ini except the stats server and the chain-reload trigger", () => {
    const kept = (text: string) => text.split("\n").filter((l) => /^[a-z-]+ = /.test(l) && !/^(socket|http-socket|stats|touch-chain-reload|add-header) = /.test(l));
    expect(kept(direct)).toEqual(kept(ini));
    expect(kept(ini)).toContain("listen = 4096");
    expect(direct).not.toMatch(/^(stats|touch-chain-reload) = /m);
  });

  it("refuses an ini without a socket line", () => {
    expect(() => directIni("[uwsgi]\nhttp = :80\n")).toThrow('the deployed uwsgi.ini has no "socket = address:port" line');
  });
});

describe("directUnit", () => {
  const unit = `# /etc/systemd/system/webtier-uwsgi.service\n${renderUwsgiUnit(defaults)}`;
  const direct = directUnit(unit, DIRECT_INI, 300);
  const lines = direct.split("\n");

  it("runs the bench's ini as the same user, with the same limits and sandbox, stopped by systemd after maxSeconds", () => {
    expect(lines).toContain(`ExecStart=/usr/bin/uwsgi --ini ${DIRECT_INI}`);
    expect(lines.slice(lines.indexOf("[Service]"), lines.indexOf("[Service]") + 2)).toEqual(["[Service]", "RuntimeMaxSec=300"]);
    for (const kept of ["Type=notify", "User=webtier", "Group=webtier", "LimitNOFILE=65536", "ProtectSystem=strict", "SystemCallFilter=@system-service"]) {
      expect(lines).toContain(kept);
    }
  });

  it("is never restarted, never enabled, and needs nothing the deployed service needs", () => {
    expect(direct).not.toMatch(/^(Restart|RestartSec|Requires|WantedBy)=/m);
    expect(lines).not.toContain("[Install]");
    expect(lines.filter((l) => l.startsWith("#"))).toEqual(["# Added by webtier bench for its measurements; removed when they end."]);
  });

  it("refuses a unit without ExecStart", () => {
    expect(() => directUnit("[Unit]\nDescription=x\n", DIRECT_INI, 300)).toThrow("the deployed uWSGI unit has no [Service] ExecStart= line");
  });
});

it("every bench deploy includes the bench's nginx directory", () => {
  expect(defaults.nginx.extraHttp).toEqual([BENCH_INCLUDE]);
});
