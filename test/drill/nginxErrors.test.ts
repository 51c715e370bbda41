// nginx error-log lines as nginx 1.22.1 wrote them (fixtures/nginx-error-log.txt: a dead upstream, a
// killed uWSGI, limit_req, a read timeout with a referrer, a reload), normalised and grouped.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ErrorLogCounter, groupErrorLines, normaliseErrorLine } from "../../lab/drill/nginxErrors";

const LINES = fs.readFileSync(path.join(__dirname, "fixtures", "nginx-error-log.txt"), "utf8").split("\n");

describe("normaliseErrorLine", () => {
  it("drops date, pid#tid, *connection, client, server, request and host; keeps the upstream", () => {
    expect(normaliseErrorLine(LINES[3]!)).toEqual({
      level: "error",
      message: 'connect() failed (111: Connection refused) while connecting to upstream, upstream: "uwsgi://127.0.0.1:3031"',
    });
  });

  it("drops a referrer whose quoted value holds commas, and a request whose query does", () => {
    expect(normaliseErrorLine(LINES[7]!)).toEqual({
      level: "error",
      message: 'upstream timed out (110: Connection timed out) while reading response header from upstream, upstream: "uwsgi://127.0.0.1:3034"',
    });
  });

  it("keeps messages without request context, and lines not in nginx's format, as they are", () => {
    expect(normaliseErrorLine(LINES[10]!)).toEqual({ level: "notice", message: "signal process started" });
    expect(normaliseErrorLine('limiting requests, excess: 1.000 by zone "perserver"')).toEqual({ level: "", message: 'limiting requests, excess: 1.000 by zone "perserver"' });
    expect(normaliseErrorLine(LINES[6]!)).toEqual({ level: "error", message: 'limiting requests, excess: 1.000 by zone "perserver"' });
  });
});

describe("groupErrorLines", () => {
  it("counts identical failures as one message across connections, workers and Host headers", () => {
    expect(groupErrorLines("lb-1", LINES)).toEqual([
      { host: "lb-1", level: "error", message: 'no live upstreams while connecting to upstream, upstream: "uwsgi://app"', count: 3 },
      { host: "lb-1", level: "error", message: 'connect() failed (111: Connection refused) while connecting to upstream, upstream: "uwsgi://127.0.0.1:3031"', count: 2 },
      // Two workers (17970, 28217 after a reload) and two Host headers: still one message per upstream.
      { host: "lb-1", level: "error", message: 'connect() failed (111: Connection refused) while connecting to upstream, upstream: "uwsgi://127.0.0.1:3033"', count: 2 },
      { host: "lb-1", level: "error", message: 'limiting requests, excess: 1.000 by zone "perserver"', count: 1 },
      { host: "lb-1", level: "error", message: 'recv() failed (104: Connection reset by peer) while reading response header from upstream, upstream: "uwsgi://127.0.0.1:3031"', count: 1 },
      { host: "lb-1", level: "notice", message: "signal process started", count: 1 },
      { host: "lb-1", level: "error", message: 'upstream timed out (110: Connection timed out) while reading response header from upstream, upstream: "uwsgi://127.0.0.1:3034"', count: 1 },
    ]);
  });

  it("keeps hosts apart and orders by count, then host", () => {
    const counter = new ErrorLogCounter();
    counter.add("lb-2", LINES[3]!);
    counter.add("lb-1", LINES[4]!);
    counter.add("lb-1", LINES[3]!);
    counter.add("lb-1", "");
    expect(counter.lines()).toEqual([
      { host: "lb-1", level: "error", message: 'connect() failed (111: Connection refused) while connecting to upstream, upstream: "uwsgi://127.0.0.1:3031"', count: 2 },
      { host: "lb-2", level: "error", message: 'connect() failed (111: Connection refused) while connecting to upstream, upstream: "uwsgi://127.0.0.1:3031"', count: 1 },
    ]);
  });
});
