import { describe, expect, it } from "vitest";
import { checkConfig, planDeployment } from "../../components/render";
import { INDEX_URL_RULE, indexUrlProblem } from "../../components/render/valueRules";
import { tuningOf, withHosts } from "../support/fixtures";

/** The requirements file an app host installs its virtualenv from, and the virtualenv uWSGI runs in. */
function requirementsOf(app: Record<string, unknown>): { file: string; virtualenv: string } {
  const host = planDeployment(tuningOf(withHosts(1, { app })), "r1").app[0]!;
  const release = host.steps.find((s) => s.name === "app")!;
  const ini = host.steps.find((s) => s.name === "uwsgi")!.files[0]!.content;
  return { file: release.files[0]!.content, virtualenv: /^virtualenv = (.*)$/m.exec(ini)![1]! };
}

describe("indexUrlProblem", () => {
  it.each(["http://10.77.1.1:8080/simple/", "https://pypi.internal/simple", "https://mirror.example.com:8443/root/pypi/+simple/", "http://index"])(
    "accepts %s",
    (url) => {
      expect(indexUrlProblem(url)).toBeUndefined();
    },
  );
  it.each([
    "http://user:token@index/simple/",
    "http://index/simple/?x=1",
    "http://index/simple/#frag",
    "http://index/simple/\n--extra-index-url http://evil/",
    "http://index/sim ple/",
    'http://index/"simple',
    "file:///srv/wheels",
    "ftp://index/simple/",
    "http://-index/",
  ])("refuses %j", (url) => {
    expect(indexUrlProblem(url)).toBe(INDEX_URL_RULE);
  });
  it("refuses a port beyond 65535 and a URL beyond 2048 characters", () => {
    expect(indexUrlProblem("http://index:70000/simple/")).toBe("must have a port from 1 to 65535");
    expect(indexUrlProblem(`http://index/${"a".repeat(2048)}`)).toBe("must not exceed 2048 characters");
  });
  it("names the key and the value in the configuration's message", () => {
    const result = checkConfig(withHosts(1, { app: { requirements: ["flask==3.0.3"], indexUrl: "http://user:token@index/simple/" } }));
    expect(result.errors).toEqual([`app.indexUrl (http://user:token@index/simple/) ${INDEX_URL_RULE}`]);
  });
});

describe("the requirements file", () => {
  it("lists the requirements alone without an index", () => {
    expect(requirementsOf({ requirements: ["flask==3.0.3", "gunicorn<23"] }).file).toBe("flask==3.0.3\ngunicorn<23\n");
  });

  it("names an http:// index and trusts its host and port, which pip otherwise ignores", () => {
    expect(requirementsOf({ requirements: ["flask==3.0.3"], indexUrl: "http://10.0.0.5:8080/simple/" }).file).toBe(
      "--index-url http://10.0.0.5:8080/simple/\n--trusted-host 10.0.0.5:8080\nflask==3.0.3\n",
    );
  });

  it("names an https:// index without trusting it: pip checks its certificate", () => {
    expect(requirementsOf({ requirements: ["flask==3.0.3"], indexUrl: "https://pypi.internal/simple/" }).file).toBe(
      "--index-url https://pypi.internal/simple/\nflask==3.0.3\n",
    );
  });

  it("builds another virtualenv when only the index changes", () => {
    const pypi = requirementsOf({ requirements: ["flask==3.0.3"] }).virtualenv;
    const mirror = requirementsOf({ requirements: ["flask==3.0.3"], indexUrl: "https://pypi.internal/simple/" }).virtualenv;
    expect(pypi).toMatch(/^\/srv\/webtier\/venvs\/[0-9a-f]{16}$/);
    expect(mirror).toMatch(/^\/srv\/webtier\/venvs\/[0-9a-f]{16}$/);
    expect(mirror).not.toBe(pypi);
  });

  it("stages no requirements file for an index without requirements", () => {
    const host = planDeployment(tuningOf(withHosts(1, { app: { indexUrl: "https://pypi.internal/simple/" } })), "r1").app[0]!;
    expect(host.steps.find((s) => s.name === "app")!.files).toEqual([]);
  });
});
