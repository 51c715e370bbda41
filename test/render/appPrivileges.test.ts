import { describe, expect, it } from "vitest";
import { checkConfig } from "../../components/render";
import { withHosts } from "../support/fixtures";

// The app never gains more than its own user: checkConfig refuses a uWSGI user that is root in
// effect, a privileged group, and a uWSGI port the app hosts' firewall would close SSH with.

const SUDO = "that user has passwordless sudo, so the app would be root in effect";
const GROUPS = "root, sudo, wheel, adm, disk, shadow, staff, docker, lxd, systemd-journal";

/** Two app hosts behind lb-1; `app` overrides fields of the listed app hosts by index. */
function config(uwsgi: Record<string, unknown>, app: Record<number, Record<string, unknown>> = {}, nginx: Record<string, unknown> = {}) {
  const base = withHosts(2, { uwsgi }) as { hosts: { nginx: Record<string, unknown>[]; app: Record<string, unknown>[] } };
  base.hosts.nginx[0] = { ...base.hosts.nginx[0], ...nginx };
  for (const [i, fields] of Object.entries(app)) base.hosts.app[Number(i)] = { ...base.hosts.app[Number(i)], ...fields };
  return base;
}

const errorsOf = (input: Record<string, unknown>) => checkConfig(input).errors;

describe("the uWSGI user", () => {
  it("is accepted when no host logs in as it", () => {
    expect(errorsOf(config({ uid: "deploy" }, { 0: { user: "admin" } }, { user: "admin" }))).toEqual([]);
  });

  it("is refused when it is the SSH user of an nginx host, naming that host", () => {
    expect(errorsOf(config({ uid: "admin" }, {}, { user: "admin" }))).toEqual([
      `uwsgi.uid (admin) must differ from the SSH user of hosts.nginx[0] (lb-1): ${SUDO}`,
    ]);
  });

  it("is refused when it is the SSH user of an app host, naming the first such host", () => {
    expect(errorsOf(config({ uid: "deploy" }, { 1: { user: "deploy" } }))).toEqual([
      `uwsgi.uid (deploy) must differ from the SSH user of hosts.app[1] (app-2): ${SUDO}`,
    ]);
  });

  it("reports root once, as root, even though root is also every host's default SSH user", () => {
    expect(errorsOf(config({ uid: "root" }))).toEqual(["uwsgi.uid (root) must not be root: the app never runs with root privileges"]);
  });
});

describe("the uWSGI group", () => {
  it("is refused as root", () => {
    expect(errorsOf(config({ gid: "root" }))).toEqual(["uwsgi.gid (root) must not be root: the app never runs with root privileges"]);
  });

  it.each(["sudo", "wheel", "adm", "disk", "shadow", "staff", "docker", "lxd", "systemd-journal"])("is refused as the privileged group %s", (gid) => {
    expect(errorsOf(config({ gid }))).toEqual([
      `uwsgi.gid (${gid}) must not be a privileged group (${GROUPS}): its members can become root or read root's secrets`,
    ]);
  });

  it.each(["webtier", "www-data", "users"])("is accepted as %s", (gid) => {
    expect(errorsOf(config({ gid }))).toEqual([]);
  });

  it("is reported beside a refused user: both problems in one run", () => {
    expect(errorsOf(config({ uid: "root", gid: "docker" }))).toEqual([
      "uwsgi.uid (root) must not be root: the app never runs with root privileges",
      `uwsgi.gid (docker) must not be a privileged group (${GROUPS}): its members can become root or read root's secrets`,
    ]);
  });
});

describe("the uWSGI socket port", () => {
  const DROPS_SSH = "the firewall that keeps uWSGI to the nginx tier would drop SSH";

  it("is refused when an app host's SSH listens on it, naming the first such host", () => {
    expect(errorsOf(config({}, { 1: { port: 3031 } }))).toEqual([
      `uwsgi.socketPort (3031) must differ from the SSH port of hosts.app[1] (app-2): ${DROPS_SSH}`,
    ]);
  });

  it("follows a moved socket port onto the default SSH port", () => {
    expect(errorsOf(config({ socketPort: 22 }))).toEqual([
      `uwsgi.socketPort (22) must differ from the SSH port of hosts.app[0] (app-1): ${DROPS_SSH}`,
    ]);
  });

  it("may equal an nginx host's SSH port: no uWSGI runs there", () => {
    expect(errorsOf(config({}, {}, { port: 3031 }))).toEqual([]);
  });
});
