// /proc/net/netstat as this machine's kernel writes it (fixtures/netstat.txt), and the deltas the
// drill reports per app host.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { BACKLOG_COUNTERS, counterDeltas, parseNetstat } from "../../lab/drill/counters";

const NETSTAT = fs.readFileSync(path.join(__dirname, "fixtures", "netstat.txt"), "utf8");

it("reads TcpExt counters by name (not IpExt or MPTcpExt), a missing one as 0", () => {
  expect(parseNetstat(NETSTAT, [...BACKLOG_COUNTERS, "SyncookiesSent", "TCPTimeouts", "NoSuchCounter"])).toEqual({
    ListenOverflows: 156, ListenDrops: 156, SyncookiesSent: 25, TCPTimeouts: 12930, NoSuchCounter: 0,
  });
  expect(() => parseNetstat("IpExt: InNoRoutes\nIpExt: 0\n", BACKLOG_COUNTERS)).toThrow(/^no TcpExt header and values in \/proc\/net\/netstat:\nIpExt: InNoRoutes/);
});

it("diffs per host: a host that joined counts from 0, a counter that went down counts from its reset", () => {
  const before = { "app-1": { ListenOverflows: 10, ListenDrops: 12 }, "app-2": { ListenOverflows: 50, ListenDrops: 50 }, "app-3": { ListenOverflows: 1, ListenDrops: 1 } };
  const after = { "app-1": { ListenOverflows: 4437, ListenDrops: 4439 }, "app-2": { ListenOverflows: 7, ListenDrops: 7 }, "app-4": { ListenOverflows: 3, ListenDrops: 3 } };
  expect(counterDeltas(before, after)).toEqual({
    "app-1": { ListenOverflows: 4427, ListenDrops: 4427 },
    "app-2": { ListenOverflows: 7, ListenDrops: 7 },
    "app-4": { ListenOverflows: 3, ListenDrops: 3 },
  });
});
