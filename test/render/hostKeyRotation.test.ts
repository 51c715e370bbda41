import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderHostKeyBundle } from "../../components/render";
import { requireBinary, run } from "../support/binaries";
import { bundleFiles } from "../support/pulumi";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "webtier-hostkey-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("the host-key rotation bundle", () => {
  const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
  const bundle = renderHostKeyBundle("app-1", key);

  it("stages exactly the new private key and runs one step", () => {
    expect(bundleFiles(bundle)["/etc/ssh/ssh_host_ed25519_key"]).toBe(key);
    expect(bundle.split("\n").filter((l) => l.startsWith("bash "))).toEqual(['bash "$stage/.steps/05-hostkey.sh" "$stage" </dev/null']);
  });

  it("is shellcheck-clean", () => {
    requireBinary("shellcheck");
    const file = path.join(work, "hostkey.sh");
    fs.writeFileSync(file, bundle);
    const result = run("shellcheck", ["--severity=style", file]);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
});
