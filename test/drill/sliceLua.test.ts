// slice.lua in a real wrk run against a local server that answers each connection's requests
// 200, 503, 200, 503, …: wrk's own request count, the statuses the script merged across threads,
// and the server's count agree. Needs wrk (scripts/install-prereqs.sh), not the lab.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseSlice, SLICE_LUA, startWrk } from "../../lab/load/wrk";
import { requireBinary } from "../support/binaries";

let server: http.Server;
let url: string;
const sent: Record<string, number> = {};
let opened = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const socket = req.socket as typeof req.socket & { answered?: number };
    socket.answered = (socket.answered ?? 0) + 1;
    const status = socket.answered % 2 === 1 ? 200 : 503;
    sent[status] = (sent[status] ?? 0) + 1;
    res.writeHead(status, { "content-type": "text/plain" }).end("ok\n");
  });
  server.on("connection", () => opened++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it("counts statuses in every thread and merges them into one JSON line", async () => {
  requireBinary("wrk");
  const r = await startWrk({ url, connections: 20, seconds: 1, script: SLICE_LUA }).done;
  expect(r.code).toBe(0);
  const slice = parseSlice(r.stdout);
  const ok = slice.statuses["200"] ?? 0;
  const unavailable = slice.statuses["503"] ?? 0;
  expect(Object.keys(slice.statuses).sort()).toEqual(["200", "503"]);
  expect(ok + unavailable).toBe(slice.requests);
  expect(slice.non2xx).toBe(unavailable);
  // Per connection the answers alternate, starting with 200: at most one more 200 per connection.
  expect(ok - unavailable).toBeGreaterThanOrEqual(0);
  expect(ok - unavailable).toBeLessThanOrEqual(20);
  // The server answered every counted request (and the ones in flight when wrk stopped).
  expect(sent["200"]).toBeGreaterThanOrEqual(ok);
  expect(sent["503"]).toBeGreaterThanOrEqual(unavailable);
  expect(slice.p50Ms).toBeGreaterThan(0);
  expect(slice.maxMs).toBeGreaterThanOrEqual(slice.p99Ms);
  expect(slice.p99Ms).toBeGreaterThanOrEqual(slice.p50Ms);
});

it("sends Connection: close when asked: every request on a new connection, so every answer is a 200", async () => {
  requireBinary("wrk");
  opened = 0;
  const r = await startWrk({ url, connections: 10, seconds: 1, script: SLICE_LUA, connectionClose: true }).done;
  const slice = parseSlice(r.stdout);
  expect(slice.requests).toBeGreaterThan(0);
  expect(slice.statuses).toEqual({ "200": slice.requests });
  expect(opened).toBeGreaterThanOrEqual(slice.requests);
});
