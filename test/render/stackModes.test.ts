import { describe, expect, it } from "vitest";
import { appSourceWarning, checkConfig, validateModes } from "../../components/render";
import { withHosts } from "../support/fixtures";

// Where the hosts come from (AWS or existing ones) is checked before any host exists, and an
// invalid config never comes back as ok.

const AWS = { adminCidr: "198.51.100.0/24" };

describe("validateModes through checkConfig", () => {
  it("accepts AWS mode with an admin network and no hosts", () => {
    expect(checkConfig({ aws: AWS })).toMatchObject({ ok: true, errors: [] });
  });

  it("refuses hosts and aws together", () => {
    expect(checkConfig(withHosts(2, { aws: AWS })).errors).toEqual([
      "aws (set) cannot be combined with hosts: webtier either creates the hosts or uses existing ones",
    ]);
  });

  it("refuses a config with neither hosts nor aws, and reports ok false", () => {
    expect(checkConfig({})).toEqual({
      ok: false,
      errors: ["hosts (unset) is required unless aws is set: list the existing nginx and app hosts"],
      warnings: [],
    });
  });

  it("requires aws.adminCidr, and refuses the whole internet as the admin network", () => {
    expect(checkConfig({ aws: {} }).errors).toEqual(["aws.adminCidr (unset) is required: the only network allowed to SSH to the nginx hosts"]);
    expect(checkConfig({ aws: { adminCidr: "0.0.0.0/0" } }).errors).toEqual(["aws.adminCidr (0.0.0.0/0) must not open SSH to the whole internet"]);
  });

  it("requires aptProxy for proxy egress only", () => {
    expect(checkConfig({ aws: { ...AWS, egress: "proxy" } }).errors).toEqual([
      "aws.egress (proxy) requires aptProxy: app hosts without NAT install packages through it",
    ]);
    expect(checkConfig({ aws: { ...AWS, egress: "proxy" }, aptProxy: "http://10.0.0.10:8888" }).errors).toEqual([]);
    expect(checkConfig({ aws: { ...AWS, egress: "nat" } }).errors).toEqual([]);
  });

  it("accepts a bastion among the nginx hosts and refuses any other name", () => {
    expect(checkConfig(withHosts(2, { bastion: "lb-1" })).errors).toEqual([]);
    expect(checkConfig(withHosts(2, { bastion: "app-1" })).errors).toEqual(["bastion (app-1) must name a host in hosts.nginx"]);
    expect(validateModes({ aws: AWS, bastion: "lb-1" })).toEqual(["bastion (lb-1) must name a host in hosts.nginx"]);
  });

  it("refuses to retire a host that still serves, by name or by address", () => {
    const config = withHosts(2) as { hosts: Record<string, unknown> };
    config.hosts.retire = [
      { name: "app-9", address: "10.0.1.99" },
      { name: "app-2", address: "10.0.1.200" },
      { name: "old-lb", address: "203.0.113.10" },
    ];
    expect(checkConfig(config).errors).toEqual([
      "hosts.retire[1] (app-2 at 10.0.1.200) is still serving as app-2: retire a host only once it left hosts.nginx and hosts.app",
      "hosts.retire[2] (old-lb at 203.0.113.10) is still serving as lb-1: retire a host only once it left hosts.nginx and hosts.app",
    ]);
  });
});

describe("checkConfig on input that is not a plain config object", () => {
  it("reports a replaced prototype as the unknown key __proto__", () => {
    expect(checkConfig(Object.assign(Object.create({ balancing: "ip_hash" }), withHosts(2))).errors).toEqual([
      '__proto__ ({"balancing":"ip_hash"}) is not a known key',
    ]);
  });

  it("refuses null, an array and a string as a whole config", () => {
    for (const input of [null, [], "hosts"]) expect(checkConfig(input).ok, JSON.stringify(input)).toBe(false);
  });

  it("still reports the cross-key rules of the valid keys beside a structural error", () => {
    expect(checkConfig(withHosts(2, { uwsgi: { listen: 8192, wrokers: 1 }, sysctl: { somaxconn: 4096 } }))).toEqual({
      ok: false,
      errors: [
        "uwsgi.wrokers (1) is not a known key",
        "uwsgi.listen (8192) must not exceed sysctl.somaxconn (4096): uWSGI refuses to start",
      ],
      warnings: [],
    });
  });
});

describe("appSourceWarning", () => {
  const WARNING = "points outside the project directory: every file there (dotfiles and secret files excepted) is uploaded to the app hosts";
  it.each([undefined, "app", "./app", "app/../app", "a/b/../../c", "app//sub/"])("accepts %s", (source) => {
    expect(appSourceWarning(source)).toBeUndefined();
  });
  it.each(["..", "../app", "app/../../x", "/srv/app", "C:\\app", "c:app", "app\\..\\..\\x"])("warns about %s", (source) => {
    expect(appSourceWarning(source)).toBe(`app.source (${source}) ${WARNING}`);
  });
  it("is a warning of checkConfig, not an error", () => {
    expect(checkConfig(withHosts(2, { app: { source: "../elsewhere" } }))).toMatchObject({
      ok: true,
      errors: [],
      warnings: [`app.source (../elsewhere) ${WARNING}`],
    });
  });
});
