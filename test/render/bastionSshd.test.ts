import { describe, expect, it } from "vitest";
import { planDeployment } from "../../components/render";
import { renderBastionSshdConf } from "../../components/render/sshd";
import { exampleConfig, tuningOf, withHosts } from "../support/fixtures";

const CONF = "/etc/ssh/sshd_config.d/40-webtier-bastion.conf";

describe("the bastion's sshd settings", () => {
  it("go to the nginx host named as bastion, in its provisioning, after the kernel settings", () => {
    const plan = planDeployment(tuningOf({ ...exampleConfig(), bastion: "lb-1" }), "r1");
    const steps = plan.nginx[0]!.steps;
    expect(steps.map((s) => `${s.scriptName} ${s.phase}`)).toEqual([
      "10-prepare.sh provision", "20-packages.sh provision", "30-sysctl.sh provision", "37-sshd.sh provision", "50-nginx.sh activate",
    ]);
    expect(steps[3]!.files).toEqual([{ path: CONF, mode: "0644", content: renderBastionSshdConf() }]);
    // App hosts are not bastions.
    expect(plan.app.flatMap((h) => h.steps.map((s) => s.name))).not.toContain("sshd");
  });

  it("leave other nginx hosts and stacks without a bastion alone", () => {
    const two = withHosts(1, { bastion: "lb-2" });
    const hosts = two.hosts as { nginx: Record<string, unknown>[] };
    hosts.nginx.push({ ...hosts.nginx[0], name: "lb-2", address: "10.0.0.12", privateAddress: "10.0.1.12" });
    const plan = planDeployment(tuningOf(two), "r1");
    expect(plan.nginx.map((h) => h.steps.some((s) => s.name === "sshd"))).toEqual([false, true]);
    expect(planDeployment(tuningOf(exampleConfig()), "r1").nginx[0]!.steps.map((s) => s.name)).toEqual(["prepare", "packages", "sysctl", "nginx"]);
  });

  it("raise MaxStartups only: no random drop below 128 handshakes in flight, all beyond 512", () => {
    expect(renderBastionSshdConf().split("\n").filter((l) => l !== "" && !l.startsWith("#"))).toEqual(["MaxStartups 128:30:512"]);
  });

  it("are installed only after sshd -t accepts them, the previous file put back otherwise, then read back", () => {
    const script = planDeployment(tuningOf({ ...exampleConfig(), bastion: "lb-1" }), "r1").nginx[0]!.steps[3]!.script;
    expect(script.split("\n").filter((l) => l.startsWith("readonly "))).toEqual([
      "readonly HOST_NAME=lb-1",
      "readonly STEP=sshd",
      `readonly CONF=${CONF}`,
      "readonly SSHD=/usr/sbin/sshd",
      "readonly MAX_STARTUPS=128:30:512",
    ]);
    const lines = script.split("\n").map((l) => l.trim());
    const at = (text: string) => lines.findIndex((l) => l.startsWith(text));
    // Install, check, and only then reload; a rejection restores before failing.
    expect(at('install_file "$CONF" 0644')).toBeLessThan(at('if ! checked="$(timeout 30 "$SSHD" -t 2>&1)"; then'));
    expect(at('if ! checked="$(timeout 30 "$SSHD" -t 2>&1)"; then')).toBeLessThan(at("timeout 30 systemctl reload ssh.service"));
    expect(lines[at('if ! checked="$(timeout 30 "$SSHD" -t 2>&1)"; then') + 1]).toBe('if [ "$had_file" = true ]; then cp -p "$backup" "$CONF"; else rm -f "$CONF"; fi');
    expect(lines).toContain('fail "sshd -t rejected the configuration with $CONF (previous configuration kept): $checked"');
  });
});
