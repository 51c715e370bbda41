import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../components";
import { ARTICLE_SETTINGS, BENCH_INCLUDE, CONFIGS, deploySettings, findConfig, IO_BOUND_APP_DIR, IO_DELAY_MS, ioCapacityRps } from "../../lab/bench/configs";
import { SCENARIOS } from "../../lab/bench/scenarios";

const LAB_HOSTS = {
  nginx: [{ name: "lb-1", address: "10.83.0.11", privateAddress: "10.83.1.11" }],
  app: [{ name: "app-1", address: "10.83.1.101" }, { name: "app-2", address: "10.83.1.102" }, { name: "app-3", address: "10.83.1.103" }],
};

describe("the bench's configurations", () => {
  it("are the article's literal settings where webtier accepts them, with kernel defaults for the rest", () => {
    expect(ARTICLE_SETTINGS).toEqual({
      uwsgi: { listen: 1000, workers: 6, threads: 1, thunderLock: true, harakiri: 30, postBuffering: 2768 },
      sysctl: { somaxconn: 2000, ipLocalPortRange: "32768 60999", tcpTwReuse: 2, tcpFinTimeout: 60 },
      nginx: { backlog: 511 },
    });
  });

  it("lay the nginx include and a one-batch rollout over each configuration", () => {
    expect(deploySettings(findConfig("article"), 3)).toEqual({
      ...ARTICLE_SETTINGS,
      nginx: { backlog: 511, extraHttp: [BENCH_INCLUDE] },
      rollout: { batchSize: 3 },
    });
    expect(deploySettings(findConfig("io-bound"), 2)).toEqual({
      app: { source: IO_BOUND_APP_DIR },
      nginx: { extraHttp: ["include /etc/nginx/webtier-bench/*.conf"] },
      rollout: { batchSize: 2 },
    });
  });

  it.each(CONFIGS.map((c) => [c.id]))("%s passes webtier's own validation", (id) => {
    const result = checkConfig({ hosts: LAB_HOSTS, ...deploySettings(findConfig(id), 3) });
    expect({ id, errors: result.errors }).toEqual({ id, errors: [] });
  });

  it("cover every scenario, and every configuration serves one", () => {
    expect(new Set(SCENARIOS.map((s) => s.config))).toEqual(new Set(CONFIGS.map((c) => c.id)));
    expect(() => findConfig("nope")).toThrow('no bench configuration "nope"');
  });
});

describe("the I/O-bound app", () => {
  it("waits as long as the capacity assumes", () => {
    const wsgi = fs.readFileSync(path.join(IO_BOUND_APP_DIR, "wsgi.py"), "utf8");
    expect(wsgi).toMatch(/^DELAY_SECONDS = 0\.010$/m);
    expect(IO_DELAY_MS).toBe(10);
  });

  it("has a capacity of app hosts × workers × threads per 10 ms", () => {
    expect(ioCapacityRps(3)).toBe(3600);
    expect(ioCapacityRps(2, 4, 1)).toBe(800);
  });
});
