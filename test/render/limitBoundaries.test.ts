import { describe, expect, it } from "vitest";
import { checkConfig } from "../../components/render";
import { withHosts } from "../support/fixtures";

// Each cross-key limit holds exactly at its boundary: the largest allowed value passes and the
// next one is refused with the one message that names both keys.

const errorsOf = (extra: Record<string, unknown>) => checkConfig(withHosts(2, extra)).errors;

describe("limits at their boundary", () => {
  it.each([
    ["uwsgi.listen up to sysctl.somaxconn", { uwsgi: { listen: 6000 }, sysctl: { somaxconn: 6000 } }, { uwsgi: { listen: 6001 }, sysctl: { somaxconn: 6000 } },
      "uwsgi.listen (6001) must not exceed sysctl.somaxconn (6000): uWSGI refuses to start"],
    ["nginx.backlog up to sysctl.somaxconn", { nginx: { backlog: 6000 }, sysctl: { somaxconn: 6000 } }, { nginx: { backlog: 6001 }, sysctl: { somaxconn: 6000 } },
      "nginx.backlog (6001) must not exceed sysctl.somaxconn (6000): the kernel silently caps it"],
    ["uwsgi.harakiri one below nginx.uwsgiReadTimeout", { uwsgi: { harakiri: 59 } }, { uwsgi: { harakiri: 60 } },
      "uwsgi.harakiri (60) must be below nginx.uwsgiReadTimeout (60)"],
    ["nginx.workerRlimitNofile down to 2 × workerConnections", { nginx: { workerConnections: 1000, workerRlimitNofile: 2000 } },
      { nginx: { workerConnections: 1000, workerRlimitNofile: 1999 } },
      "nginx.workerRlimitNofile (1999) must be at least 2 × nginx.workerConnections (2000): each proxied request holds two connections"],
    ["nginx.workerRlimitNofile up to fs.nr_open", { nginx: { workerRlimitNofile: 1048576 } }, { nginx: { workerRlimitNofile: 1048577 } },
      "nginx.workerRlimitNofile (1048577) must not exceed 1048576 (the kernel's fs.nr_open)"],
    ["uwsgi.cheaper one below uwsgi.workers", { uwsgi: { workers: 4, cheaper: 3 } }, { uwsgi: { workers: 4, cheaper: 4 } },
      "uwsgi.cheaper (4) must be below uwsgi.workers (4)"],
    ["uwsgi.bufferSize up to 65535", { uwsgi: { bufferSize: 65535 } }, { uwsgi: { bufferSize: 65536 } },
      "uwsgi.bufferSize (65536) must not exceed 65535 (the uwsgi protocol's packet size field is 16 bits)"],
  ])("%s", (_name, allowed, refused, message) => {
    expect(errorsOf(allowed)).toEqual([]);
    expect(errorsOf(refused)).toEqual([message]);
  });

  const RANGE = 'must be "LOW HIGH" with 1024 <= LOW < HIGH <= 65535';
  it.each(["1024 1025", "1024 65535", "32768 60999"])("accepts the port range %s", (range) => {
    expect(errorsOf({ sysctl: { ipLocalPortRange: range } })).toEqual([]);
  });
  it.each(["1023 2000", "2000 2000", "2001 2000", "1024 65536"])("refuses the port range %s", (range) => {
    expect(errorsOf({ sysctl: { ipLocalPortRange: range } })).toEqual([`sysctl.ipLocalPortRange (${range}) ${RANGE}`]);
  });
});

describe("derived limits", () => {
  const tuning = (extra: Record<string, unknown>) => {
    const result = checkConfig(withHosts(2, extra));
    if (!result.ok) throw new Error(result.errors.join("; "));
    return result.tuning;
  };

  it("gives nginx two descriptors per connection plus 1024 when workerRlimitNofile is unset", () => {
    expect(tuning({ nginx: { workerConnections: 1000 } }).nginx.workerRlimitNofile).toBe(3024);
    expect(tuning({}).nginx.workerRlimitNofile).toBe(17408);
  });

  it("derives somaxconn per role from that role's backlog, never below 4096", () => {
    const t = tuning({ nginx: { backlog: 5000 }, uwsgi: { listen: 100 } });
    expect(t.sysctl.somaxconn).toEqual({ nginx: 5000, app: 4096 });
    expect(t.sysctl.tcpMaxSynBacklog).toEqual({ nginx: 5000, app: 4096 });
    const u = tuning({ nginx: { backlog: 100 }, uwsgi: { listen: 8000 } });
    expect(u.sysctl.somaxconn).toEqual({ nginx: 4096, app: 8000 });
    expect(u.sysctl.tcpMaxSynBacklog).toEqual({ nginx: 4096, app: 8000 });
  });

  it("uses a set somaxconn and tcpMaxSynBacklog on both roles as given", () => {
    const t = tuning({ sysctl: { somaxconn: 9000, tcpMaxSynBacklog: 12000 } });
    expect(t.sysctl.somaxconn).toEqual({ nginx: 9000, app: 9000 });
    expect(t.sysctl.tcpMaxSynBacklog).toEqual({ nginx: 12000, app: 12000 });
  });
});

describe("an app host both down and backup", () => {
  it("is refused, naming the host's index", () => {
    const config = withHosts(3) as { hosts: { app: Record<string, unknown>[] } };
    config.hosts.app[2] = { ...config.hosts.app[2], down: true, backup: true };
    expect(checkConfig(config).errors).toEqual(["hosts.app[2].down (true) cannot be combined with backup on the same host"]);
  });
});
