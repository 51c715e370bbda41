import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NGINX_DEFAULTS, renderNginxConf, renderSiteConf, renderUpstreamConf, serializeNginx } from "../../components/render";
import { exampleConfig, tuningOf, withHosts } from "../support/fixtures";
import { expectedPassing, expectedServers, expectedUpstream, nginxConfigOf, nginxShapes } from "../support/nginxConfigs";

describe("serializeNginx", () => {
  it("prints simple and block directives, quoting arguments nginx would split", () => {
    const text = serializeNginx(
      [
        { name: "worker_processes", args: ["auto"] },
        { name: "http", args: [], children: [{ name: "log_format", args: ["main", 'a "b" c'] }] },
      ],
      "header",
    );
    expect(text).toBe('# header\nworker_processes auto;\nhttp {\n    log_format main "a \\"b\\" c";\n}\n');
  });
});

describe("renderUpstreamConf", () => {
  it("renders the contract example: least_conn, weight, backup, ip:port servers", () => {
    expect(renderUpstreamConf(tuningOf(exampleConfig()))).toBe(
      [
        "# Rendered by webtier. Local edits are replaced on the next deployment.",
        "# App hosts: app-1, app-2",
        "upstream webtier_app {",
        "    least_conn;",
        "    server 10.0.1.11:3031 weight=2 max_fails=3 fail_timeout=10s;",
        "    server 10.0.1.12:3031 max_fails=3 fail_timeout=10s backup;",
        "}",
        "",
      ].join("\n"),
    );
  });

  it.each([
    ["round_robin", {}, []],
    ["least_conn", {}, ["    least_conn;"]],
    ["ip_hash", {}, ["    ip_hash;"]],
    ["hash", {}, ["    hash $remote_addr consistent;"]],
    ["hash", { upstream: { hashKey: "$request_uri", consistent: false } }, ["    hash $request_uri;"]],
    ["random", {}, ["    random two;"]],
    ["random", { upstream: { randomTwo: false } }, ["    random;"]],
  ])("renders balancing %s %j", (balancing, extra, expected) => {
    const lines = renderUpstreamConf(tuningOf(withHosts(2, { balancing, ...extra }))).split("\n");
    expect(lines.slice(3, lines.length - 4)).toEqual(expected);
  });

  it("marks down hosts down and drops max_fails for a single server", () => {
    const config = withHosts(2, { balancing: "ip_hash" });
    (config.hosts as { app: Record<string, unknown>[] }).app[1]!.down = true;
    expect(renderUpstreamConf(tuningOf(config))).toContain("    server 10.0.1.12:3031 down;\n");
    expect(renderUpstreamConf(tuningOf(withHosts(1)))).toContain("    server 10.0.1.11:3031;\n");
  });


});

describe("renderNginxConf and renderSiteConf", () => {
  const t = tuningOf(exampleConfig());

  it("sizes workers and open files from the tuning", () => {
    const conf = renderNginxConf(t);
    expect(conf).toContain("worker_processes auto;\n");
    expect(conf).toContain("worker_rlimit_nofile 17408;\n");
    expect(conf).toContain("    worker_connections 8192;\n");
    expect(conf).toContain(
      '    log_format webtier "$remote_addr [$time_local] \\"$request\\" $status $body_bytes_sent upstream=$upstream_addr upstream_status=$upstream_status upstream_time=$upstream_response_time request_time=$request_time";\n',
    );
  });

  it("passes to the upstream with uwsgi_* directives only, never proxy_*", () => {
    const site = renderSiteConf(t);
    expect(site).toContain("    listen 80 backlog=4096 default_server;\n");
    expect(site).toContain("        include uwsgi_params;\n        uwsgi_param HTTP_X_REAL_IP $remote_addr;\n");
    expect(site).toContain("        uwsgi_pass webtier_app;\n");
    expect(site).toContain("        uwsgi_read_timeout 60s;\n");
    expect(site).toContain("        uwsgi_next_upstream error timeout http_503;\n        uwsgi_next_upstream_tries 2;\n");
    expect(site).not.toMatch(/proxy_(pass|buffering|set_header)/);
  });

  it("keeps stub_status local and answers health with the generation", () => {
    const site = renderSiteConf(t);
    expect(site).toContain(
      "    location = /nginx_status {\n        stub_status;\n        access_log off;\n        allow 127.0.0.1;\n        deny all;\n    }\n",
    );
    const generation = /return 200 "ok ([0-9a-f]{16})";/.exec(site)![1];
    expect(site).toContain(
      [
        "    location = /healthz {",
        "        access_log off;",
        "        default_type text/plain;",
        "        if (-f /run/webtier-nginx.draining) {",
        `            return 503 "draining ${generation}";`,
        "        }",
        `        return 200 "ok ${generation}";`,
        "    }",
        "",
      ].join("\n"),
    );
  });

  it("changes the generation when the upstream changes and only then", () => {
    const gen = (config: Record<string, unknown>) => /ok ([0-9a-f]{16})/.exec(renderSiteConf(tuningOf(config)))![1];
    expect(gen(withHosts(3))).toBe(gen(withHosts(3)));
    expect(gen(withHosts(3))).not.toBe(gen(withHosts(4)));
  });
});

/** What `nginx -t` would refuse in the text itself: a line without `;`, an open quote, unbalanced braces. */
function syntaxProblems(text: string): string[] {
  const problems: string[] = [];
  let depth = 0;
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    if (line.endsWith("{")) depth++;
    else if (line === "}") depth--;
    else if (!line.endsWith(";")) problems.push(`line ${i + 1} (${line}) does not end with ;`);
    if (depth < 0) problems.push(`line ${i + 1} closes a block that is not open`);
    if ((line.match(/(?<!\\)"/g) ?? []).length % 2 !== 0) problems.push(`line ${i + 1} (${line}) leaves a quote open`);
  });
  if (depth > 0) problems.push(`${depth} block(s) left open`);
  return problems;
}

const trimmedLines = (text: string) => text.split("\n").map((l) => l.trim());
/** The lines inside the first block whose opening line is `opening`. */
function blockBody(text: string, opening: string): string[] {
  const lines = trimmedLines(text);
  const start = lines.indexOf(opening);
  return start < 0 ? [] : lines.slice(start + 1, lines.indexOf("}", start));
}

describe("the rendered nginx files, for any legal config", () => {
  it("list every app host exactly once with its address, port, weight, health and role, pass with the configured uwsgi_* values, and parse", () => {
    fc.assert(
      fc.property(nginxShapes, (shapes) => {
        const config = nginxConfigOf(shapes)!;
        const t = tuningOf(config);
        const [conf, upstream, site] = [renderNginxConf(t), renderUpstreamConf(t), renderSiteConf(t)];
        for (const text of [conf, upstream, site]) expect(syntaxProblems(text)).toEqual([]);

        expect(trimmedLines(upstream).filter((l) => l === "upstream webtier_app {")).toHaveLength(1);
        expect(blockBody(upstream, "upstream webtier_app {")).toEqual(expectedUpstream(shapes));

        const servers = expectedServers(shapes);
        const siteLines = trimmedLines(site);
        expect(siteLines.filter((l) => l.startsWith("listen "))).toEqual(servers.listen);
        const passing = siteLines.flatMap((l, i) => (l === "uwsgi_pass webtier_app;" ? [siteLines.slice(i, i + 8)] : []));
        expect(passing).toEqual(Array(servers.passing).fill(expectedPassing(shapes)));

        const confLines = trimmedLines(conf);
        const connections = shapes.nginx.workerConnections ?? NGINX_DEFAULTS.workerConnections;
        expect(confLines).toContain(`worker_connections ${connections};`);
        const rlimit = Number(/^worker_rlimit_nofile (\d+);$/m.exec(conf)?.[1]);
        expect(rlimit).toBeGreaterThanOrEqual(2 * connections);
        expect(confLines.filter((l) => l.startsWith("include webtier/"))).toEqual(["include webtier/upstream.conf;", "include webtier/site.conf;"]);

        // Deterministic: the same config renders byte for byte the same.
        const again = tuningOf(nginxConfigOf(shapes)!);
        expect([renderNginxConf(again), renderUpstreamConf(again), renderSiteConf(again)]).toEqual([conf, upstream, site]);
      }),
      { numRuns: 150 },
    );
  });
});
