import { expect, it } from "vitest";
import { parseWrk } from "../../lab/load/wrk";

const REPORT = `Running 10s test @ http://10.77.0.11:80/
  2 threads and 1000 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   150.21ms   80.02ms   1.08s    90.00%
    Req/Sec     3.21k   400.00     4.00k    70.00%
  Latency Distribution
     50%  120.50ms
     75%  160.00ms
     90%  220.00ms
     99%    1.08s
  64000 requests in 10.01s, 12.00MB read
  Socket errors: connect 3, read 237, write 0, timeout 12
  Non-2xx or 3xx responses: 5
Requests/sec:   6393.61
Transfer/sec:      1.20MB
`;

it("reads throughput, percentiles and keeps socket errors apart from non-2xx", () => {
  expect(parseWrk(REPORT)).toEqual({
    rps: 6393.61, p50ms: 120.5, p99ms: 1080, requests: 64000, non2xx: 5,
    connectErrors: 3, readErrors: 237, writeErrors: 0, timeouts: 12,
  });
});

it("treats absent error lines as zero and refuses output without a report", () => {
  const clean = REPORT.replace(/^\s+Socket errors.*\n/m, "").replace(/^\s+Non-2xx.*\n/m, "");
  expect(parseWrk(clean)).toMatchObject({ non2xx: 0, connectErrors: 0, readErrors: 0, timeouts: 0 });
  expect(() => parseWrk("unable to connect to 10.77.0.11:80 Connection refused")).toThrow(/^unexpected wrk output:\nunable to connect/);
});
