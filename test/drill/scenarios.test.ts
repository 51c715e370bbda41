// The drill scenarios without a lab: the registry, and the settings each scenario deploys, checked
// by webtier's own validation — a scenario whose change webtier refused up front would never reach
// a host, and bad-nginx-config must pass that validation to reach nginx -t at all.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkConfig, prepareStack } from "../../components";
import { ARTICLE, articleSettings, sumOverHosts, webtierSettings } from "../../lab/drill/scenarios/backlog";
import { badNginxSettings, BOGUS_DIRECTIVE } from "../../lab/drill/scenarios/badNginxConfig";
import { SCENARIOS } from "../../lab/drill/scenarios";
import { nginxChangeSettings } from "../../lab/drill/scenarios/nginxChange";
import { releaseCopy, rollingSettings } from "../../lab/drill/scenarios/rollingAppChange";
import { overlay } from "../../lab/drill/scenarios/support";
import { upstreamAddresses } from "../../lab/drill/scenarios/scaling";
import { hostList } from "../support/hosts";

// The drill lab's shape, one nginx host and three app hosts (the checks below read no address).
const HOSTS = hostList(3, { user: "admin" });

function tuningOf(settings: Record<string, unknown>) {
  const result = checkConfig({ ...settings, hosts: HOSTS });
  expect(result.errors).toEqual([]);
  if (!result.ok) throw new Error("refused");
  return result.tuning;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "drill-scenarios-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("SCENARIOS", () => {
  it("lists every scenario under its own name, in the order the suite runs them", () => {
    expect(Object.keys(SCENARIOS)).toEqual(["rolling-app-change", "nginx-change", "bad-nginx-config", "scale-out", "scale-in", "kill-app-host", "backlog"]);
    for (const [key, scenario] of Object.entries(SCENARIOS)) {
      expect(scenario.name).toBe(key);
      // Each one says what state it leaves the lab in: the next scenario starts from it.
      expect(scenario.description).toMatch(/Ends (on|with) /);
      expect(scenario.description).toMatch(/Phases: /);
    }
  });
});

describe("the settings each scenario deploys", () => {
  it("rolling-app-change: max-requests + 1000 (a reload) and a release no earlier drill used", () => {
    const base = { uwsgi: { threads: 4 } };
    const [a, b] = [releaseCopy(tmp, "aaaa"), releaseCopy(tmp, "bbbb")];
    const settings = rollingSettings(base, a);
    expect(settings).toEqual({ uwsgi: { threads: 4, maxRequests: 6000 }, app: { source: a } });
    expect(base).toEqual({ uwsgi: { threads: 4 } });
    expect(tuningOf(settings).uwsgi.maxRequests).toBe(6000);
    const release = (dir?: string) => prepareStack({ ...(dir ? { app: { source: dir } } : {}), hosts: HOSTS }, tmp).app.releaseId;
    const ids = [release(), release(a), release(b)];
    expect(new Set(ids).size).toBe(3);
    expect(fs.readFileSync(path.join(a, "wsgi.py"), "utf8")).toMatch(/\n# drill release aaaa\n$/);
    // From a baseline that sets it, the change is relative to the baseline.
    expect(rollingSettings({ uwsgi: { maxRequests: 200 } }, a).uwsgi).toEqual({ maxRequests: 1200 });
  });

  it("nginx-change: uwsgi_read_timeout + 30 s, still above harakiri", () => {
    expect(tuningOf(nginxChangeSettings({})).nginx.uwsgiReadTimeout).toBe(90);
    expect(nginxChangeSettings({ nginx: { uwsgiReadTimeout: 45, port: 8080 } })).toEqual({ nginx: { uwsgiReadTimeout: 75, port: 8080 } });
  });

  it("bad-nginx-config: passes webtier's validation (only nginx -t refuses it), keeping the baseline's lines", () => {
    const settings = badNginxSettings({ nginx: { extraServer: ["add_header X-Drill yes"] } });
    expect(settings).toEqual({ nginx: { extraServer: ["add_header X-Drill yes", BOGUS_DIRECTIVE] } });
    expect(tuningOf(settings).nginx.extraServer).toEqual(["add_header X-Drill yes", "bogus_directive on"]);
  });

  it("backlog: the article's values, somaxconn 2000 on both tiers, valid as webtier checks it", () => {
    const t = tuningOf(articleSettings({ uwsgi: { threads: 2 } }));
    expect(t.uwsgi).toMatchObject({ listen: 1000, workers: 6, thunderLock: true, harakiri: 30, postBuffering: 2768, threads: 2 });
    expect(t.sysctl.somaxconn).toEqual({ nginx: 2000, app: 2000 });
    expect(t.nginx.backlog).toBe(511);
  });

  it("backlog: webtier's half drops exactly the article's keys, nothing else of the baseline", () => {
    const base = { uwsgi: { listen: 1000, threads: 3 }, sysctl: { somaxconn: 2000, tcpFinTimeout: 20 }, nginx: { backlog: 511, port: 80 }, balancing: "round_robin" };
    expect(webtierSettings(articleSettings(base))).toEqual({ uwsgi: { threads: 3 }, sysctl: { tcpFinTimeout: 20 }, nginx: { port: 80 }, balancing: "round_robin" });
    const t = tuningOf(webtierSettings(articleSettings({})));
    expect([t.uwsgi.listen, t.uwsgi.postBuffering, t.sysctl.somaxconn.app, t.sysctl.somaxconn.nginx, t.nginx.backlog]).toEqual([4096, 8192, 4096, 4096, 4096]);
    expect(Object.keys(ARTICLE)).toEqual(["uwsgi", "sysctl", "nginx"]);
  });

  it("backlog: sums the accept-queue counters over the app hosts (SYN cookies stay per host)", () => {
    expect(sumOverHosts({ "app-1": { ListenOverflows: 3, ListenDrops: 3 }, "app-2": { ListenOverflows: 1, ListenDrops: 2, SyncookiesSent: 5 } }))
      .toEqual({ ListenOverflows: 4, ListenDrops: 5 });
  });
});

describe("helpers", () => {
  it("overlay merges objects key by key, replaces arrays and scalars, removes undefined, copies", () => {
    const base = { a: { x: 1, y: [1, 2] }, b: 2 };
    const out = overlay(base, { a: { y: [3], z: undefined }, b: undefined, c: { d: 1 } });
    expect(out).toEqual({ a: { x: 1, y: [3] }, c: { d: 1 } });
    (out.a as { x: number }).x = 9;
    expect(base.a.x).toBe(1);
  });

  it("upstreamAddresses reads the app addresses from rendered server lines", () => {
    expect(upstreamAddresses(["10.77.1.101:3031 max_fails=3 fail_timeout=10s", "10.77.1.102:3031"])).toEqual(["10.77.1.101", "10.77.1.102"]);
  });
});
