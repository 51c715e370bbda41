import { describe, expect, it } from "vitest";
import { checkConfig, renderAppFirewall, renderNginxConf, renderUwsgiIni, serializeNginx, type Tuning } from "../../components/render";
import { withHosts } from "../support/fixtures";

// Rendering where the usual one-nginx-host, default-settings fixture never reaches: several nginx
// hosts, the escape hatch written loosely, optional uWSGI keys, and the serializer's quoting.

function tuning(config: Record<string, unknown>): Tuning {
  const result = checkConfig(config);
  if (!result.ok) throw new Error(result.errors.join("; "));
  return result.tuning;
}

describe("the app host firewall", () => {
  it("admits the private address of every nginx host, in address order", () => {
    const config = withHosts(2) as { hosts: { nginx: Record<string, unknown>[] } };
    config.hosts.nginx = [
      { name: "lb-2", address: "203.0.113.12", privateAddress: "10.0.0.20" },
      { name: "lb-1", address: "203.0.113.10", privateAddress: "10.0.0.10" },
    ];
    expect(renderAppFirewall(tuning(config))).toContain("        tcp dport 3031 ip saddr { 10.0.0.10, 10.0.0.20 } accept\n");
  });
});

describe("the nginx escape hatch", () => {
  it("renders a directive written with extra spaces and tabs as nginx reads it", () => {
    const conf = renderNginxConf(tuning(withHosts(2, { nginx: { extraHttp: ["gzip  on\t", "gzip_types\ttext/plain  application/json"] } })));
    expect(conf).toContain("\n    gzip on;\n    gzip_types text/plain application/json;\n");
  });
});

describe("optional uWSGI keys", () => {
  it("writes cheaper only when it is set", () => {
    const withCheaper = tuning(withHosts(1, { uwsgi: { workers: 6, cheaper: 2 } }));
    expect(renderUwsgiIni(withCheaper, withCheaper.hosts.app[0]!)).toMatch(/^cheaper = 2$/m);
    const without = tuning(withHosts(1));
    expect(renderUwsgiIni(without, without.hosts.app[0]!)).not.toMatch(/^cheaper/m);
  });
});

describe("serializeNginx", () => {
  it("quotes only the arguments nginx's tokenizer would split or misread, and escapes quotes", () => {
    const text = serializeNginx(
      [
        { name: "add_header", args: ["X-Plain", "value"] },
        { name: "add_header", args: ["X-Empty", ""] },
        { name: "add_header", args: ["X-Space", "a b"] },
        { name: "return", args: [200, 'say "hi" \\ bye'] },
        { name: "location", args: ["/"], children: [{ name: "deny", args: ["all#"] }] },
      ],
      "line one\nline two",
    );
    expect(text).toBe(
      [
        "# line one",
        "# line two",
        "add_header X-Plain value;",
        'add_header X-Empty "";',
        'add_header X-Space "a b";',
        'return 200 "say \\"hi\\" \\\\ bye";',
        "location / {",
        '    deny "all#";',
        "}",
        "",
      ].join("\n"),
    );
  });
});
