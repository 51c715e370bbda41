// The preview pass of `lab up` in its child process: the plan comes back, a Check failure
// refuses the apply, nothing is dialed (the host below does not exist).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { previewInChild, previewRefusal } from "../../lab/deployPreview";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wtlab-preview-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("lab preview", () => {
  it("plans in a child process and refuses to apply when the provider's Check fails", async () => {
    const lines: string[] = [];
    const outcome = await previewInChild({
      program: path.join(__dirname, "fixtures", "previewProgram.ts"),
      config: { "webtier:host": "192.0.2.7", "webtier:sshPrivateKey": "KEY" }, secretKeys: ["webtier:sshPrivateKey"],
      timeoutMs: 60_000, owner: "lab-a", hostNames: { "192.0.2.7": "app-9" }, stateFile: path.join(tmp, "state.json"),
    }, (l) => lines.push(l));
    expect(outcome).toEqual({
      plan: [{ urn: "urn:pulumi:lab::webtier::command:remote:Command::identify", type: "command:remote:Command", name: "identify", host: "app-9", op: "create" }],
      checkFailures: ["command:remote:CopyToRemote resource 'greeting': property asset has a problem: either asset or archive must be set"],
    });
    expect(lines).toEqual([]);
    expect(previewRefusal(outcome)).toBe(
      "preview failed, nothing applied:\ncommand:remote:CopyToRemote resource 'greeting': property asset has a problem: either asset or archive must be set",
    );
    expect(fs.existsSync(path.join(tmp, "state.json"))).toBe(false);
  });

  it("lets a clean preview through", () => {
    expect(previewRefusal({ plan: [], checkFailures: [] })).toBeUndefined();
    expect(previewRefusal({ plan: [], checkFailures: [], error: "boom" })).toBe("preview failed, nothing applied: boom");
  });
});
