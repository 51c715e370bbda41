// How the lab engine words things: the provider's command error, the preview's plan, step names.
import { describe, expect, it } from "vitest";
import { commandFailure, goQuote, planLines, stepName } from "../../../lab/engine/format";
import { dialCause } from "../../../lab/engine/sshErrors";

describe("format", () => {
  it("quotes the command like Go's %q", () => {
    expect(goQuote('sudo -n bash -s -- "a"\n\tb\\')).toBe('"sudo -n bash -s -- \\"a\\"\\n\\tb\\\\"');
    expect(goQuote("\u0007\u000b\u0001é")).toBe('"\\a\\v\\x01é"');
  });

  it("words a failed command as the provider does", () => {
    expect(commandFailure(2, undefined, "false", "oops\n")).toBe('Process exited with status 2: running "false":\noops\n');
  });

  it("prints the plan: counts per type and operation, then one line per change", () => {
    const step = (op: "create" | "update" | "replace" | "delete" | "same", name: string, type = "command:remote:Command") =>
      ({ urn: `u-${name}`, type, name, host: "app-1", op });
    expect(planLines([
      step("same", "a"), step("update", "b"), step("replace", "c"), step("delete", "d"),
      step("create", "e", "command:remote:CopyToRemote"), step("same", "f", "command:remote:CopyToRemote"),
    ])).toEqual([
      "plan: command:remote:Command: 0 create, 1 update, 1 replace, 1 delete, 1 same",
      "plan: command:remote:CopyToRemote: 1 create, 0 update, 0 replace, 0 delete, 1 same",
      "plan:   create  e (CopyToRemote on app-1)",
      "plan:   update  b (Command on app-1)",
      "plan:   replace c (Command on app-1)",
      "plan:   delete  d (Command on app-1)",
    ]);
  });

  it("names a step after its host", () => {
    expect(stepName("webtier-app-1-uwsgi-file-0", "app-1")).toBe("uwsgi-file-0");
    expect(stepName("webtier-lb-1-retire", "lb-1")).toBe("retire");
    expect(stepName("other", "lb-1")).toBe("other");
  });
});

describe("dial causes", () => {
  it("say what failed in the provider's (x/crypto's) words, naming the hop instead of the config alias", () => {
    const mismatch = 'Offending ED25519 key in /tmp/x/known-1:1\nremove with:\nssh-keygen -f "/tmp/x/known-1" -R "wt-62"\nHost key for wt-62 has changed and you have requested strict checking.\nHost key verification failed.\n';
    expect(dialCause(mismatch, 255, "wt-62", "admin@10.77.1.102")).toBe("ssh: handshake failed: ssh: host key mismatch");
    const tunnel = "channel 0: open failed: connect failed: No route to host\nstdio forwarding failed\nkex_exchange_identification: Connection closed by remote host\nConnection closed by UNKNOWN port 65535\n";
    expect(dialCause(tunnel, 255, "wt-7", "admin@10.77.1.104")).toBe("ssh: rejected: connect failed (No route to host)");
    const refused = "dial tcp 10.77.0.11:22: connect: connection refused\nproxy dialer did not pass back a connection\n";
    expect(dialCause(refused, 255, "wt-8", "admin@10.77.0.11")).toBe("dial tcp 10.77.0.11:22: connect: connection refused");
    const rsa = "Unable to negotiate with UNKNOWN port 65535: no matching host key type found. Their offer: ssh-ed25519\n";
    expect(dialCause(rsa, 255, "wt-9", "admin@10.77.1.101", "ssh-rsa"))
      .toBe("ssh: handshake failed: ssh: no common algorithm for host key; we offered: [ssh-rsa], peer offered: [ssh-ed25519]");
    expect(dialCause("Permission denied (publickey).\n", 255, "wt-7", "h")).toBe("ssh: handshake failed: Permission denied (publickey).");
    expect(dialCause("", 255, "wt-7", "h")).toBe("ssh: handshake failed: ssh exited 255");
  });
});
