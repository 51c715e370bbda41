import { spawnSync } from "node:child_process";
import { gunzipSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { bundleCommand, encodeBundle, renderBundle } from "../../components/render";

// The payload of one remote command: a script that stages every file byte for byte in a fresh
// root-only directory, then runs the step scripts in order. Read here as bash reads it.

/** The files a bundle stages, by path, decoded as bash would (cat or base64 -d). */
function staged(script: string): Record<string, string> {
  const files: Record<string, string> = {};
  const pattern = /^stage_file (\S+) (cat|base64 -d) <<'(WEBTIER_EOF|WEBTIER_BASE64)'\n([\s\S]*?)^\3$/gm;
  for (const [, file, decoder, , body] of script.matchAll(pattern)) {
    files[file!.replace(/^'|'$/g, "")] = decoder === "cat" ? body! : Buffer.from(body!, "base64").toString("utf8");
  }
  return files;
}

const spec = {
  host: "app-1",
  phase: "activate",
  files: [
    { path: "/etc/webtier/uwsgi.ini", content: "[uwsgi]\nworkers = 6\n" },
    { path: "/etc/webtier/no-newline", content: "last line without newline" },
    { path: "/etc/webtier/delimiter", content: "before\nWEBTIER_EOF\nafter\n" },
    { path: "/etc/webtier/long", content: `${"x".repeat(200)}\n` + "WEBTIER_EOF" },
  ],
  steps: [
    { scriptName: "10-uwsgi.sh", script: "#!/bin/bash\necho uwsgi\n" },
    { scriptName: "20-probe.sh", script: "#!/bin/bash\necho probe\n" },
  ],
};

describe("renderBundle", () => {
  // Rendered inside each test (not once for the file) so each test observes the code it runs.
  let script = "";
  beforeEach(() => {
    script = renderBundle(spec);
  });

  it("opens in strict mode with a root-only stage directory named after the phase, removed on exit", () => {
    expect(script.split("\n").slice(0, 10)).toEqual([
      "#!/bin/bash",
      "# webtier activate for host app-1: stages the files below, then runs the steps in order.",
      "set -euo pipefail",
      "umask 077",
      "install -d -m 0755 /var/lib/webtier",
      "install -d -m 0700 /var/lib/webtier/stage",
      'stage="$(mktemp -d /var/lib/webtier/stage/activate.XXXXXX)"',
      "trap 'rm -rf \"$stage\"' EXIT",
      "# stage_file PATH DECODER: writes stdin, decoded, to $stage/PATH.",
      'stage_file() { mkdir -p "$stage$(dirname "$1")"; "$2" "${@:3}" > "$stage$1"; }',
    ]);
  });

  it("stages every file and every step script byte for byte", () => {
    expect(staged(script)).toEqual({
      "/etc/webtier/uwsgi.ini": "[uwsgi]\nworkers = 6\n",
      "/etc/webtier/no-newline": "last line without newline",
      "/etc/webtier/delimiter": "before\nWEBTIER_EOF\nafter\n",
      "/etc/webtier/long": `${"x".repeat(200)}\nWEBTIER_EOF`,
      "/.steps/10-uwsgi.sh": "#!/bin/bash\necho uwsgi\n",
      "/.steps/20-probe.sh": "#!/bin/bash\necho probe\n",
    });
  });

  it("sends text as a here-document and only what one cannot carry as base64 in 76-column lines", () => {
    expect(script).toContain("stage_file /etc/webtier/uwsgi.ini cat <<'WEBTIER_EOF'\n[uwsgi]\nworkers = 6\nWEBTIER_EOF\n");
    expect(script).toContain("stage_file /etc/webtier/no-newline base64 -d <<'WEBTIER_BASE64'\n");
    expect(script).toContain("stage_file /etc/webtier/delimiter base64 -d <<'WEBTIER_BASE64'\n");
    const long = /stage_file \/etc\/webtier\/long base64 -d <<'WEBTIER_BASE64'\n([\s\S]*?)WEBTIER_BASE64\n/.exec(script)![1]!;
    expect(long.split("\n").map((line) => line.length)).toEqual([76, 76, 76, 56, 0]);
  });

  it("runs the steps in order against the stage, with no stdin, and ends with a newline", () => {
    expect(script.split("\n").slice(-3)).toEqual([
      'bash "$stage/.steps/10-uwsgi.sh" "$stage" </dev/null',
      'bash "$stage/.steps/20-probe.sh" "$stage" </dev/null',
      "",
    ]);
  });

  it("passes bash -n", () => {
    const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
  });
});

describe("encodeBundle and bundleCommand", () => {
  it("gzip-compresses and base64-encodes the script, losslessly", () => {
    const script = renderBundle(spec);
    const encoded = encodeBundle(script);
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(gunzipSync(Buffer.from(encoded, "base64")).toString("utf8")).toBe(script);
    expect(encoded.length).toBeLessThan(script.length);
  });

  it("runs the decoded bundle under a timeout that kills the whole command 30 s later", () => {
    expect(bundleCommand(600)).toBe(
      "timeout --kill-after=30 600 bash -c 'set -eo pipefail; script=\"$(mktemp)\"; trap '\\''rm -f \"$script\"'\\'' EXIT; base64 -d | gzip -dc > \"$script\"; bash \"$script\" </dev/null'",
    );
  });

  it("hands bash the script the bundle carried: it runs and its output comes back", () => {
    const script = "#!/bin/bash\nset -euo pipefail\necho \"ran as bundle: $((6 * 7))\"\n";
    const run = spawnSync("bash", ["-c", bundleCommand(20)], { input: encodeBundle(script), encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("ran as bundle: 42\n");
    expect(run.status).toBe(0);
  });
});
